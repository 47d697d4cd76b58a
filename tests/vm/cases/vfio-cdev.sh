# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m m-7.2
# The iommufd way to a device the alias bound to a variant, as QEMU opens
# it with -object iommufd: /dev/vfio/devices/vfioN bound to /dev/iommu and
# attached to an IOAS, no group, no container. Our client uses the edu test
# variant's device-specific region through it (map, write, read back) and
# hot-resets a two-function dev_set with an empty group-fd array, the cdev
# form of VFIO_DEVICE_PCI_HOT_RESET, the region's mapping zapped by it.
# (QEMU 10 itself on the cdev: libvirt-domain-trixie. The simulated NVLink2
# node runs noiommu, and this kernel gives noiommu devices no cdev: nvlink2.)
# Not on =y: the same code as on =m, where neither module loading nor the
# link order is in its path (=y runs the binding tests: ranks, escape,
# load order, autoload, nvlink2).
. "$VV_TOP/tests/vm/lib.sh"

[ -c /dev/iommu ] || { ok 1 "/dev/iommu exists (IOMMUFD=y)"; done_testing; exit; }
edu=$(find_dev 1234 11e8) || { ok 1 "edu device present"; done_testing; exit; }
for m in vfio-pci vv_edu_vfio_best vv_edu_vfio_alt; do load $m; done
rebind "$edu" vfio-pci
is "$(driver_of "$edu")" edu-vfio-best "\"vfio-pci\" bound $edu to edu-vfio-best"
cdev=$(ls $SYS_PCI/devices/$edu/vfio-dev 2>/dev/null)
ok "$([ -n "$cdev" ] && [ -c /dev/vfio/devices/$cdev ]; echo $?)" "$edu has its VFIO cdev /dev/vfio/devices/$cdev"
tap_include "cdev" env VFIO_CDEV=1 "$VV_BIN/vfio-edu" "$edu"
rebind "$edu" ""

pair=$(edu_pair)
set -- $pair
[ $# = 2 ] || { ok 1 "two edu functions behind a root port"; done_testing; exit; }
rebind "$1" vfio-pci
rebind "$2" vfio-pci
is "$(driver_of "$1") $(driver_of "$2")" "edu-vfio-best edu-vfio-best" "$1 $2: both on the edu test variant"
tap_include "cdev hot reset" env VFIO_CDEV=1 "$VV_BIN/vfio-edu" hot-reset "$1" "$2"
rebind "$1" ""
rebind "$2" ""
done_testing
