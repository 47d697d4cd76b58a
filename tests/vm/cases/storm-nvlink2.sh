# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m m-debug m-7.2
# A bounded storm on the simulated NVLink2 node: overrides written, devices
# unbound and probed, GPU RAM and ATSD pages mapped and read, a dynamic id
# added to and removed from vfio-pci, (=m) the NPU
# variant unloaded and loaded, all at once; every worker must get some of
# its operations through. Afterwards every device binds as the rules say,
# GPU RAM holds what was written before the storm, and the kernel log has
# no splat (the debug kernel: KASAN, lockdep).
# Not on =y: the same code as on =m, where neither module loading nor the
# link order is in its path (=y runs the binding tests: ranks, escape,
# load order, autoload, nvlink2).
. "$VV_TOP/tests/vm/lib.sh"

sim_up || { ok 1 "simulated NVLink2 node is up"; done_testing; exit; }
have_modules && modprobe vfio-pci
secs=${VV_STORM_SECONDS:-$([ "$VV_STRESS" = 1 ] && echo 60 || echo 10)}
C=$VV_BIN/vfio-nvlink2
gpu=$(sim_gpus | tail -1 | cut -d' ' -f1)	# the small GPU: quick to map
links=$(sim_links | cut -d' ' -f1)
link=$(echo $links | cut -d' ' -f1)
# the ATSD mapper's own link: the others only rewrite its override, and the
# loader unloads its driver; it binds it again whenever it lost it
alink=$(sim_links | grep 'atsd=' | sed -n 2p | cut -d' ' -f1)

# data written before the storm must survive it
leak_mark
rebind "$gpu" vfio-pci
tap_include "before the storm" "$C" fill "$gpu" 0x570a

# what counts as worked (try): a write, a reprobe that changed the
# binding, a mapping of GPU RAM or of the ATSD page that was read, an
# unload and load
mapped() { "$C" info "$1" 2>/dev/null | grep -q 'mmap\[0\]='; }
dyn_id() { echo "10de 1db1" >"$SYS_PCI/drivers/vfio-pci/$1"; }
reload() { rmmod "$1" && modprobe "$1"; }
writer() { while storm_alive; do for v in vfio-pci "" gpu-native vfio-pci nvlink2gpu-vfio-pci; do
	try set_override "$gpu" "$v" 2>/dev/null; done; done; }
link_writer() { while storm_alive; do for l in $links; do
	try set_override "$l" vfio-pci 2>/dev/null; try set_override "$l" "" 2>/dev/null; done; done; }
prober() { while storm_alive; do for b in $gpu $link; do try reprobe "$b"; done; done; }
mapper() { while storm_alive; do try mapped "$gpu"; done; }
atsd() { while storm_alive; do
	[ "$(driver_of "$alink")" = npu2-vfio-pci ] || rebind "$alink" vfio-pci 2>/dev/null
	try mapped "$alink"; done; }
newid() { while storm_alive; do
	try dyn_id new_id 2>/dev/null; try dyn_id remove_id 2>/dev/null; done; }
loader() { while storm_alive; do try reload npu2_vfio_pci 2>/dev/null; done; }

storm_start "$secs"
storm_run writer writer
storm_run link-writer link_writer
storm_run prober-1 prober
storm_run prober-2 prober
storm_run mapper mapper
storm_run atsd atsd
storm_run new-id newid
have_modules && storm_run loader loader
storm_wait

have_modules && modprobe npu2_vfio_pci
echo "10de 1db1" >$SYS_PCI/drivers/vfio-pci/remove_id 2>/dev/null
for b in $gpu $links; do rebind "$b" ""; done
is "$(driver_of "$gpu")" gpu-native "after the storm: no override gives the GPU its native driver"
n=0
for l in $links; do [ "$(driver_of "$l")" = none ] || n=$((n + 1)); done
is "$n" 0 "after the storm: no link is bound without an override"
rebind "$gpu" vfio-pci
rebind "$link" vfio-pci
is "$(driver_of "$gpu") $(driver_of "$link")" "nvlink2gpu-vfio-pci npu2-vfio-pci" \
	"after the storm: vfio-pci binds the variants"
tap_include "after the storm" "$C" check "$gpu" 0x570a
for b in $gpu $link; do rebind "$b" ""; done
leak_check "the storm"
done_testing
