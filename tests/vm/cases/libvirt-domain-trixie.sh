# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m
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
tail -n +"$mark" /run/libvirtd.log | grep ' error : ' | grep -E '0000:[0-9a-f]{2}:|PCI|pci|hostdev|vfio' | sed 's/^/# /'
! tail -n +"$mark" /run/libvirtd.log | grep ' error : ' | grep -qE '0000:[0-9a-f]{2}:|PCI|pci|hostdev|vfio'
ok $? "libvirtd logged no error about the devices"
libvirt_down

# QEMU 10 on its own, the iommufd way (libvirt 11.3 has no iommufd
# hostdevs): -object iommufd and the device's VFIO cdev, on the variant
# the alias bound; the guest's config space and BAR0 read from the monitor
[ "$VV_FLAVOUR" = m-debug ] && { done_testing; exit; }
rebind "$edu" vfio-pci
is "$(driver_of "$edu")" edu-vfio-best "iommufd: \"vfio-pci\" bound $edu to edu-vfio-best"
cdev=$(ls $SYS_PCI/devices/$edu/vfio-dev 2>/dev/null)
ok "$([ -n "$cdev" ] && [ -c /dev/vfio/devices/$cdev ]; echo $?)" "iommufd: $edu has its VFIO cdev /dev/vfio/devices/$cdev"
rm -f /run/vvq.in && mkfifo /run/vvq.in
qemu-system-x86_64 -S -M pc -accel tcg -m 64 -nodefaults -display none \
	-object iommufd,id=vvifd -device vfio-pci,host=$edu,iommufd=vvifd,addr=5.0 \
	-monitor stdio </run/vvq.in >/run/vvq.out 2>&1 &
qpid=$!
exec 3>/run/vvq.in
for i in $(seq 100); do grep -q '(qemu)' /run/vvq.out && break; sleep 0.1; done
fds=$(ls -l /proc/$qpid/fd 2>/dev/null | awk '{print $NF}')
ok "$(echo "$fds" | grep -qx /dev/iommu && echo "$fds" | grep -qx "/dev/vfio/devices/$cdev" &&
	! echo "$fds" | grep -q '^/dev/vfio/[0-9]'; echo $?)" \
	"iommufd: QEMU $(qemu-system-x86_64 --version | awk 'NR == 1 {print $4}') holds /dev/iommu and /dev/vfio/devices/$cdev, no VFIO group"
printf '%s\n' 'o /w 0xcf8 0x80002800' 'i /w 0xcfc' 'o /w 0xcf8 0x80002810' 'o /w 0xcfc 0xfe000000' \
	'o /w 0xcf8 0x80002804' 'o /h 0xcfc 0x0006' 'xp /1wx 0xfe000000' quit >&3
exec 3>&-
wait $qpid
out=$(tr -d '\r' </run/vvq.out)
is "$(echo "$out" | awk '/\[0x0cfc\] =/ { print $NF; exit }')" 0x11e81234 \
	"iommufd: the guest reads edu's ids in its config space"
is "$(echo "$out" | awk '/fe000000:/ { print $NF; exit }')" 0x010000ed \
	"iommufd: the guest reads edu's identification register through BAR0"
# (QEMU warns that iommufd cannot map the BAR for peer-to-peer DMA: expected)
echo "$out" | grep -iE 'error|warn' | sed 's/^/# /'
rebind "$edu" ""
is "$(driver_of "$edu")" edu-native "iommufd: edu back on edu-native"
done_testing
