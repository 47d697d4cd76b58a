# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m y m-7.2
# The base vfio-pci path behind a real IOMMU: QEMU's edu device bound to
# vfio-pci through driver_override, used through VFIO, then given back.
# The edu test variants are kept out of the way (they decline), so that
# this is vfio-pci itself.
# Not on m-debug: the debug kernel runs the same paths in
# override-stock-flows, override-concurrency and core-rank.
. "$VV_TOP/tests/vm/lib.sh"

bdf=$(find_dev 1234 11e8) || { ok 1 "edu device present"; done_testing; exit; }
ok 0 "edu device present at $bdf"
before=$(driver_of "$bdf")
for m in vfio-pci vv_edu_vfio_best vv_edu_vfio_alt; do load $m; done
for m in vv_edu_vfio_best vv_edu_vfio_alt; do decline $m 1; done

rebind "$bdf" vfio-pci
is "$(cat $SYS_PCI/devices/$bdf/driver_override)" vfio-pci "driver_override reads back vfio-pci"
is "$(driver_of "$bdf")" vfio-pci "drivers_probe binds vfio-pci"
group=$(basename "$(readlink $SYS_PCI/devices/$bdf/iommu_group)")
ok "$([ -c /dev/vfio/$group ]; echo $?)" "/dev/vfio/$group exists for the real IOMMU group"
tap_include vfio-edu "$VV_BIN/vfio-edu" "$bdf"

rebind "$bdf" ""
is "$(driver_of "$bdf")" "$before" "clearing the override returns the device to '$before'"
for m in vv_edu_vfio_best vv_edu_vfio_alt; do decline $m 0; done
done_testing
