# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m
# A real VMM on the path, Debian 12's userspace (libvirt 9.0, QEMU 7.2, the
# host's): domains with <hostdev managed='yes'>, started paused (no guest
# OS: nested TCG), the guest reading the device through its config space
# and BAR, the device back on its native driver after destroy.
#  - virtio-net (1af4:1041) on virtio-vfio-pci, the in-tree variant: libvirt
#    9.0 resets the device itself (FLR) and starts the domain;
#  - pci-testdev, which no variant takes: base vfio-pci;
#  - edu on its test variant: libvirt 9.0 skips its own reset only for a
#    driver named "vfio-pci" and edu has no reset method, so it refuses the
#    domain; ranking the variants below vfio-pci (override_priority) gets
#    base vfio-pci, and the domain starts, with no libvirt change.
. "$VV_TOP/tests/vm/lib.sh"

command -v libvirtd >/dev/null || { skip "libvirtd is not installed (make deps)" "libvirt domains"; done_testing; exit; }
edu=$(find_dev 1234 11e8) && vnet=$(find_dev 1af4 1041) && tdev=$(find_dev 1b36 0005)
ok $? "edu $edu, virtio-net $vnet, pci-testdev $tdev"
for m in vfio-pci vv_edu_vfio_best vv_edu_vfio_alt vv_edu_native virtio_vfio_pci; do load $m; done
rebind "$edu" ""
libvirt_up
mark=$(wc -l </run/libvirtd.log)

domain_trip "virtio-net" "$vnet" virtio_vfio_pci virtio-pci
if [ "$VV_FLAVOUR" != m-debug ]; then
	domain_trip "pci-testdev" "$tdev" vfio-pci none

	out=$(domain_xml vvdom "$edu" >/run/vvdom.xml; "${virsh[@]}" create --paused /run/vvdom.xml 2>&1)
	ok "$([ $? != 0 ] && echo "$out" | grep -q 'no FLR, PM reset or bus reset available'; echo $?)" \
		"edu on edu-vfio-best: libvirt 9.0 refuses, as it does any driver not named vfio-pci without a reset method"
	diag "$out"
	for i in $(seq 50); do [ "$(driver_of "$edu")" = edu-native ] && break; sleep 0.1; done
	is "$(driver_of "$edu")" edu-native "edu: libvirt gave it back to edu-native"
	mark=$(wc -l </run/libvirtd.log)
	D=$SYS_PCI/drivers
	echo -1 >$D/edu-vfio-best/override_priority && echo -1 >$D/edu-vfio-alt/override_priority
	ok $? "root ranks the edu variants below vfio-pci"
	domain_trip "edu, variants ranked below vfio-pci" "$edu" vfio-pci edu-native
	echo 20 >$D/edu-vfio-best/override_priority && echo 15 >$D/edu-vfio-alt/override_priority
fi

tail -n +"$mark" /run/libvirtd.log | grep ' error : ' | grep -E '0000:[0-9a-f]{2}:|PCI|pci|hostdev|vfio' | sed 's/^/# /'
! tail -n +"$mark" /run/libvirtd.log | grep ' error : ' | grep -qE '0000:[0-9a-f]{2}:|PCI|pci|hostdev|vfio'
ok $? "libvirtd logged no error about the devices of the domains that started"
libvirt_down
done_testing
