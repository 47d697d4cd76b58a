# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m m-debug m-7.2
# vfio-pci-core takes a variant's device-region mappings away for a hot reset
# issued through another device of the dev_set, as it does BAR mappings:
# two edu functions behind a root port (one dev_set, one IOMMU group) on a
# test variant whose region is memory outside the BARs. (The simulated
# NVLink2 node's devices sit on a root bus, where each is a dev_set of its
# own; nvlink2 checks the same zap there through its own resets.)
# Not on =y: the same code as on =m, where neither module loading nor the
# link order is in its path (=y runs the binding tests: ranks, escape,
# load order, autoload, nvlink2).
. "$VV_TOP/tests/vm/lib.sh"

# the edu functions that are not on the root bus
pair=$(edu_pair)
set -- $pair
[ $# = 2 ] || { ok 1 "two edu functions behind a root port"; done_testing; exit; }
ok 0 "two edu functions behind a root port: $1 $2"
for m in vfio-pci vv_edu_vfio_best vv_edu_vfio_alt; do load $m; done
rebind "$1" vfio-pci
rebind "$2" vfio-pci
is "$(driver_of "$1") $(driver_of "$2")" "edu-vfio-best edu-vfio-best" "both on the edu test variant"
tap_include "hot reset" "$VV_BIN/vfio-edu" hot-reset "$1" "$2"
rebind "$1" ""
rebind "$2" ""
done_testing
