# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m y m-7.2
# The way back to plain vfio-pci for a device that has a variant (libvirt's
# <driver model='vfio-pci'/>, or an admin avoiding a buggy variant): root
# writes a variant's override_priority below the base driver's 0, and
# "vfio-pci" binds vfio-pci itself, while the variant's exact name still
# binds the variant. Persistent: pci=override_priority=DRIVER:PRIORITY at
# boot (override-escape-boot).
# Not on m-debug: the debug kernel runs the same paths in
# override-stock-flows, override-concurrency and core-rank.
. "$VV_TOP/tests/vm/lib.sh"

bdf=$(find_dev 1234 11e8) || { ok 1 "edu device present"; done_testing; exit; }
for m in vfio-pci vv_edu_vfio_best vv_edu_vfio_alt vv_edu_native; do load $m; done
D=$SYS_PCI/drivers

rebind "$bdf" vfio-pci
is "$(driver_of "$bdf")" edu-vfio-best "before: vfio-pci binds the best variant"
echo -1 >$D/edu-vfio-best/override_priority
ok $? "root writes -1 to edu-vfio-best's override_priority"
is "$(cat $D/edu-vfio-best/override_priority)" -1 "it reads back -1"
rebind "$bdf" vfio-pci
is "$(driver_of "$bdf")" edu-vfio-alt "vfio-pci now binds the next variant"
echo -5 >$D/edu-vfio-alt/override_priority
rebind "$bdf" vfio-pci
is "$(driver_of "$bdf")" vfio-pci "both variants below the base driver: vfio-pci binds vfio-pci"
rebind "$bdf" edu-vfio-best
is "$(driver_of "$bdf")" edu-vfio-best "the variant's exact name still binds the variant"
for bad in abc "" 1x 99999999999 " "; do
	echo "$bad" >$D/edu-vfio-alt/override_priority 2>/dev/null
	ok "$([ $? != 0 ] && [ "$(cat $D/edu-vfio-alt/override_priority)" = -5 ]; echo $?)" \
		"'$bad' is refused and changes nothing"
done
su nobody -s /bin/sh -c "echo 50 >$D/edu-vfio-alt/override_priority" 2>/dev/null
ok "$([ "$(cat $D/edu-vfio-alt/override_priority)" = -5 ]; echo $?)" "only root can change it"
is "$(stat -c %a $D/edu-vfio-alt/override_priority)" 644 "mode 0644"
echo 20 >$D/edu-vfio-best/override_priority
echo 15 >$D/edu-vfio-alt/override_priority
rebind "$bdf" vfio-pci
is "$(driver_of "$bdf")" edu-vfio-best "priorities restored: the best variant again"
rebind "$bdf" ""
done_testing
