# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m m-debug
# vv-root: trixie
# A real VMM on the path, Debian 13's userspace (libvirt 11.3, QEMU 10.0, a
# root of its own booted with the same kernel): domains with <hostdev
# managed='yes'>, started paused, the guest reading the device, the native
# driver back after destroy. libvirt 11.3 picks a vfio_pci: variant itself
# (fewest wildcards in modules.alias) and writes its exact name: its choice
# is the kernel's for every device. <driver model='vfio-pci'/> writes
# "vfio-pci", which the kernel resolves to the best variant, or to vfio-pci
# itself once root ranks the variants below it. QEMU 10 also opens a
# device the alias bound to a variant through iommufd and the VFIO cdev.
. "$VV_TOP/tests/vm/lib.sh"

command -v libvirtd >/dev/null || { ok 1 "the Debian 13 root has libvirtd"; done_testing; exit; }
edu=$(find_dev 1234 11e8) && vnet=$(find_dev 1af4 1041) && tdev=$(find_dev 1b36 0005)
ok $? "edu $edu, virtio-net $vnet, pci-testdev $tdev"
for m in vfio-pci vv_edu_vfio_best vv_edu_vfio_alt vv_edu_native virtio_vfio_pci; do load $m; done

# the kernel's choice through the alias, device by device
kernel_choice() { # BDF NATIVE-OVERRIDE: what "vfio-pci" binds
	local c
	rebind "$1" vfio-pci
	c=$(driver_of "$1")
	rebind "$1" ""
	echo "$c"
}
k_edu=$(kernel_choice "$edu"); k_vnet=$(kernel_choice "$vnet"); k_tdev=$(kernel_choice "$tdev")
is "$k_edu $k_vnet $k_tdev" "edu-vfio-best virtio_vfio_pci vfio-pci" "the kernel's choices through vfio-pci"

libvirt_up
mark=$(wc -l </run/libvirtd.log)
domain_trip "virtio-net, libvirt's own choice" "$vnet" "$k_vnet" virtio-pci
if [ "$VV_FLAVOUR" != m-debug ]; then
	domain_trip "edu, libvirt's own choice" "$edu" "$k_edu" edu-native
	domain_trip "pci-testdev, libvirt's own choice" "$tdev" "$k_tdev" none
	domain_trip "edu, model vfio-pci" "$edu" "$k_edu" edu-native vfio-pci
	D=$SYS_PCI/drivers
	echo -1 >$D/edu-vfio-best/override_priority && echo -1 >$D/edu-vfio-alt/override_priority
	ok $? "root ranks the edu variants below vfio-pci"
	domain_trip "edu, model vfio-pci, variants ranked below it" "$edu" vfio-pci edu-native vfio-pci
	echo 20 >$D/edu-vfio-best/override_priority && echo 15 >$D/edu-vfio-alt/override_priority
fi
tail -n +"$mark" /run/libvirtd.log | grep ' error : ' | grep -E '0000:|PCI|pci|hostdev|vfio' | sed 's/^/# /'
! tail -n +"$mark" /run/libvirtd.log | grep ' error : ' | grep -qE '0000:|PCI|pci|hostdev|vfio'
ok $? "libvirtd logged no error about the devices"
libvirt_down
done_testing
