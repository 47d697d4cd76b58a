# SPDX-License-Identifier: GPL-2.0
# The NVLink2 variants on the simulated POWER9 node: the native driver
# without an override; with driver_override=vfio-pci the variants, or base
# vfio-pci where the variant declines; the regions used through VFIO as a
# VMM uses them, a mapping made once surviving resets, power and error
# transitions; a GPU opened for a KVM VM mapped into its partition by the
# node's OPAL; GPU RAM kept across close and rebind; hot-remove of a GPU and
# a link while a VMM has them mapped (the VMM is asked, lets go, no SIGBUS;
# then rescan and bind again); isolation of each device's region at its
# edges.
. "$VV_TOP/tests/vm/lib.sh"

sim_up || { ok 1 "simulated NVLink2 node is up"; done_testing; exit; }
ok 0 "simulated NVLink2 node is up"
diag "$(cat $SIM_LAYOUT)"
if have_modules; then
	modprobe vfio-pci
	# KUnit suite nvlink2_fw, read from the console; unloaded again, as
	# it holds both variant modules (a later test unloads them)
	modprobe nvlink2_fw_kunit && rmmod nvlink2_fw_kunit
fi
client=$VV_BIN/vfio-nvlink2
bdf_of() { echo "${1%% *}"; }

leak_mark

# --- binding -------------------------------------------------------------
while read -r line; do
	[ -n "$line" ] || continue
	b=$(bdf_of "$line")
	is "$(driver_of "$b")" gpu-native "GPU $b: the native driver without an override"
	rebind "$b" vfio-pci
	is "$(driver_of "$b")" nvlink2gpu-vfio-pci "GPU $b: driver_override=vfio-pci binds nvlink2gpu-vfio-pci"
done <<<"$(sim_gpus)"
# The node runs noiommu, and this kernel gives a noiommu device no VFIO cdev
# (drivers/vfio/vfio.h, vfio_device_add): GPU RAM and ATSD are reached the
# group way (noiommu container) only, not through iommufd
b=$(bdf_of "$(sim_gpus | head -1)")
n=$(ls $SYS_PCI/devices/$b/vfio-dev 2>/dev/null)
ok "$([ -n "$n" ] && [ ! -e /dev/vfio/devices/$n ] && [ -c "/dev/vfio/noiommu-$(basename "$(readlink $SYS_PCI/devices/$b/iommu_group)")" ]; echo $?)" \
	"GPU $b ($n): a noiommu group, no VFIO cdev"
while read -r line; do
	[ -n "$line" ] || continue
	b=$(bdf_of "$line")
	rebind "$b" vfio-pci
	is "$(driver_of "$b")" vfio-pci "GPU $b without NVLink2 description: the variant declines, vfio-pci binds"
done <<<"$(sim_bare_gpus)"
while read -r line; do
	[ -n "$line" ] || continue
	b=$(bdf_of "$line")
	is "$(driver_of "$b")" none "link $b: no driver without an override"
	rebind "$b" vfio-pci
	is "$(driver_of "$b")" npu2-vfio-pci "link $b: driver_override=vfio-pci binds npu2-vfio-pci"
done <<<"$(sim_links)"
while read -r line; do
	[ -n "$line" ] || continue
	b=$(bdf_of "$line")
	rebind "$b" vfio-pci
	is "$(driver_of "$b")" vfio-pci "link $b without a GPU: the variant declines, vfio-pci binds"
done <<<"$(sim_lone_links)"

# --- the regions, as a VMM sees them ------------------------------------
while read -r line; do
	[ -n "$line" ] || continue
	b=$(bdf_of "$line")
	base=$(sim_field "$line" ram)
	aligned=$(((base & 0x1fffff) == 0 ? 1 : 0))
	tap_include "gpu $b" "$client" gpu "$b" "$(sim_field "$line" size)" \
		"$(sim_field "$line" tgt)" "$aligned"
done <<<"$(sim_gpus)"
while read -r line; do
	[ -n "$line" ] || continue
	b=$(bdf_of "$line")
	magic=$(sim_field "$line" atsd_magic)
	tap_include "link $b" "$client" npu "$b" "$(sim_field "$line" tgt)" \
		"$(sim_field "$line" speed)" "${magic:-none}"
done <<<"$(sim_links)"

# --- a KVM guest's GPU: in the VM's partition while open ----------------
line=$(sim_gpus | head -1)
tap_include "kvm $(bdf_of "$line")" "$client" kvm "$(bdf_of "$line")" "$(echo "$line" | cut -d' ' -f3)"

# --- GPU RAM keeps its data across close/reopen and unbind/rebind --------
g=$(bdf_of "$(sim_gpus | tail -1)")
tap_include "fill $g" "$client" fill "$g" 0x5eed
tap_include "reopen $g" "$client" check "$g" 0x5eed
rebind "$g" ""
is "$(driver_of "$g")" gpu-native "GPU $g: clearing the override gives it back to the native driver"
rebind "$g" vfio-pci
is "$(driver_of "$g")" nvlink2gpu-vfio-pci "GPU $g: bound to the variant again"
tap_include "rebind $g" "$client" check "$g" 0x5eed

# --- isolation: through its own fd, nothing past its own region ---------
# (after the data check above: this marks the pages near each GPU's edges)
while read -r line; do
	[ -n "$line" ] || continue
	b=$(bdf_of "$line")
	tap_include "isolate $b" "$client" isolate "$b" gpu "$(sim_field "$line" tgt)"
done <<<"$(sim_gpus)"
while read -r line; do
	[ -n "$line" ] || continue
	b=$(bdf_of "$line")
	magic=$(sim_field "$line" atsd_magic)
	tap_include "isolate $b" "$client" isolate "$b" atsd "${magic:-none}"
done <<<"$(sim_links)"

# --- hot-remove while mapped ---------------------------------------------
# hot_remove BDF WANT: a VMM maps the region and uses it; removing the
# device asks it for the device (VFIO_PCI_REQ_IRQ_INDEX), it unmaps and
# closes, never touching a revoked mapping (SIGBUS: exit 99), and the
# removal completes; a rescan finds the device again.
hot_remove() {
	local b=$1 want=$2 ready=/run/vv-ready.$$ holder rm_pid i
	rm -f $ready
	"$client" request "$b" $ready >/dev/null &
	holder=$!
	for i in $(seq 100); do [ -e $ready ] && break; sleep 0.1; done
	ok "$([ -e $ready ]; echo $?)" "$b: a VMM has the region mapped and listens for the request"
	echo 1 >"$SYS_PCI/devices/$b/remove" &
	rm_pid=$!
	for i in $(seq 150); do kill -0 $holder 2>/dev/null || break; sleep 0.1; done
	kill -0 $holder 2>/dev/null && kill -9 $holder
	wait $holder
	is "$?" 0 "$b: asked for the device, the VMM let go with no SIGBUS"
	for i in $(seq 100); do kill -0 $rm_pid 2>/dev/null || break; sleep 0.1; done
	ok "$(! kill -0 $rm_pid 2>/dev/null; echo $?)" "$b: remove completes once the VMM let go"
	wait $rm_pid
	ok "$([ ! -e "$SYS_PCI/devices/$b" ]; echo $?)" "$b: the device is gone"
	echo 1 >$SYS_PCI/rescan
	ok "$([ -e "$SYS_PCI/devices/$b" ]; echo $?)" "$b: a rescan finds it again"
	rebind "$b" vfio-pci
	is "$(driver_of "$b")" "$want" "$b: found again, it binds $want (firmware node back)"
}
hot_remove "$g" nvlink2gpu-vfio-pci
l=$(bdf_of "$(sim_links | grep atsd= | head -1)")
hot_remove "$l" npu2-vfio-pci

# --- give everything back ------------------------------------------------
while read -r line; do
	[ -n "$line" ] || continue
	b=$(bdf_of "$line")
	rebind "$b" ""
done <<<"$(sim_gpus; sim_bare_gpus; sim_links; sim_lone_links)"
while read -r line; do
	[ -n "$line" ] || continue
	b=$(bdf_of "$line")
	is "$(driver_of "$b")" gpu-native "GPU $b: back to the native driver"
done <<<"$(sim_gpus)"
if have_modules; then
	sim_down
	ok $? "the simulated node unloads"
fi
leak_check "binding, the regions, hot-remove and rescan, unloading"
done_testing
