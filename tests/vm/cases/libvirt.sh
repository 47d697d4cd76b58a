# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m m-7.2
# libvirt 9.0 (Debian 12) round trips, unchanged: 'virsh nodedev-detach'
# (what <hostdev managed='yes'> does) writes "vfio-pci" into
# driver_override; the kernel binds the NVLink2 variant. 'nodedev-reattach'
# clears it and the native driver comes back. Also a V100 the variant
# declines (base vfio-pci binds) and an NPU2 link.
# Not on =y: the same code as on =m, where neither module loading nor the
# link order is in its path (=y runs the binding tests: ranks, escape,
# load order, autoload, nvlink2).
. "$VV_TOP/tests/vm/lib.sh"

command -v libvirtd >/dev/null || { skip "libvirtd is not installed (make deps)" "libvirt round trips"; done_testing; exit; }
sim_up || { ok 1 "simulated NVLink2 node is up"; done_testing; exit; }
have_modules && modprobe vfio-pci

# libvirtd as a distribution starts it, minus systemd: a system bus, root
# for QEMU (no libvirt-qemu user in the guest's overlay), its own log
mkdir -p /run/dbus
dbus-daemon --system --fork >/dev/null 2>&1
sed -i 's/^#*user = .*/user = "root"/; s/^#*group = .*/group = "root"/' /etc/libvirt/qemu.conf
libvirtd --verbose >/run/libvirtd.log 2>&1 &
lvd=$!
for i in $(seq 120); do [ -S /run/libvirt/libvirt-sock ] && break; sleep 0.5; done
ok "$([ -S /run/libvirt/libvirt-sock ]; echo $?)" "libvirtd is up (socket after ~$((i / 2)) s)"
virsh=(timeout 120 virsh -q -c qemu:///system)

# round_trip BDF VARIANT NATIVE: detach binds VARIANT, reattach gives NATIVE back
round_trip() {
	local b=$1 want=$2 native=$3 n out
	n=pci_$(echo "$b" | tr ':.' '__')
	is "$(driver_of "$b")" "$native" "$b ($n): starts on $native"
	out=$("${virsh[@]}" nodedev-detach "$n" 2>&1)
	ok $? "virsh nodedev-detach $n"
	[ $? = 0 ] || diag "$out"
	is "$(driver_of "$b")" "$want" "$b: libvirt's 'vfio-pci' bound $want"
	"${virsh[@]}" nodedev-dumpxml "$n" | grep -q "<name>$want</name>"
	ok $? "$b: libvirt reports driver $want"
	out=$("${virsh[@]}" nodedev-reattach "$n" 2>&1)
	ok $? "virsh nodedev-reattach $n (a variant name libvirt does not know)"
	[ $? = 0 ] || diag "$out"
	is "$(driver_of "$b")" "$native" "$b: back on $native"
	is "$(cat "$SYS_PCI/devices/$b/driver_override")" "(null)" "$b: driver_override cleared"
}

round_trip "$(sim_gpus | head -1 | cut -d' ' -f1)" nvlink2gpu-vfio-pci gpu-native
round_trip "$(sim_bare_gpus | head -1 | cut -d' ' -f1)" vfio-pci gpu-native
round_trip "$(sim_links | head -1 | cut -d' ' -f1)" npu2-vfio-pci none

kill $lvd
wait $lvd 2>/dev/null
if grep -q ' error : ' /run/libvirtd.log; then
	diag "libvirtd logged errors (none of them about PCI devices):"
	grep ' error : ' /run/libvirtd.log | sed 's/^[^ ]* [^ ]* //' | sort | uniq -c | head -10
fi
! grep -E ' error : .*(PCI|pci|driver|0004)' /run/libvirtd.log >/dev/null
ok $? "libvirtd logged no error about the PCI devices"
done_testing
