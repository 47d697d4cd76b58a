# SPDX-License-Identifier: GPL-2.0
# The base vfio-pci path behind a real IOMMU: QEMU's edu device bound
# through driver_override, used through VFIO, then given back.
. "$VV_TOP/tests/vm/lib.sh"

bdf=$(find_dev 1234 11e8) || { ok 1 "edu device present"; done_testing; exit; }
ok 0 "edu device present at $bdf"
load vfio-pci
is "$(driver_of "$bdf")" none "edu has no driver before the override"
rebind "$bdf" vfio-pci
is "$(cat $SYS_PCI/devices/$bdf/driver_override)" vfio-pci "driver_override reads back vfio-pci"
is "$(driver_of "$bdf")" vfio-pci "drivers_probe binds vfio-pci"
group=$(basename "$(readlink $SYS_PCI/devices/$bdf/iommu_group)")
ok "$([ -c /dev/vfio/$group ]; echo $?)" "/dev/vfio/$group exists for the real IOMMU group"
tap_include vfio-edu "$VV_BIN/vfio-edu" "$bdf"
rebind "$bdf" ""
is "$(driver_of "$bdf")" none "clearing the override and unbinding returns the device"
done_testing
