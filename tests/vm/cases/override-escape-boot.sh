# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m y m-7.2
# vv-append: pci=override_priority=edu-vfio-best:-1
# The persistent escape: a priority given at boot applies when the driver
# registers (module or built in), before it can bind anything.
. "$VV_TOP/tests/vm/lib.sh"

bdf=$(find_dev 1234 11e8) || { ok 1 "edu device present"; done_testing; exit; }
for m in vfio-pci vv_edu_vfio_best vv_edu_vfio_alt vv_edu_native; do load $m; done
decline vv_edu_vfio_alt 1
is "$(cat $SYS_PCI/drivers/edu-vfio-best/override_priority)" -1 \
	"edu-vfio-best registered with the priority given at boot"
is "$(cat $SYS_PCI/drivers/edu-native/override_priority)" 0 "other drivers keep theirs"
rebind "$bdf" vfio-pci
is "$(driver_of "$bdf")" vfio-pci "vfio-pci binds vfio-pci itself"
rebind "$bdf" edu-vfio-best
is "$(driver_of "$bdf")" edu-vfio-best "the exact name binds the variant"
decline vv_edu_vfio_alt 0
rebind "$bdf" ""
done_testing
