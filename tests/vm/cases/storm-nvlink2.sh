# SPDX-License-Identifier: GPL-2.0
# A bounded storm on the simulated NVLink2 node: overrides written, devices
# unbound and probed, GPU RAM and ATSD pages mapped and read, a dynamic id
# added to and removed from vfio-pci, (=m) the NPU
# variant unloaded and loaded, all at once. Afterwards every device binds
# as the rules say, GPU RAM holds what was written before the storm, and
# the kernel log has no splat (the debug kernel: KASAN, lockdep).
. "$VV_TOP/tests/vm/lib.sh"

sim_up || { ok 1 "simulated NVLink2 node is up"; done_testing; exit; }
have_modules && modprobe vfio-pci
secs=${VV_STORM_SECONDS:-$([ "$VV_STRESS" = 1 ] && echo 60 || echo 10)}
end=$(( $(date +%s) + secs ))
alive() { [ "$(date +%s)" -lt "$end" ]; }
C=$VV_BIN/vfio-nvlink2
gpu=$(sim_gpus | tail -1 | cut -d' ' -f1)	# the small GPU: quick to map
links=$(sim_links | cut -d' ' -f1)
link=$(echo $links | cut -d' ' -f1)

# data written before the storm must survive it
leak_mark
rebind "$gpu" vfio-pci
tap_include "before the storm" "$C" fill "$gpu" 0x570a

writer() { while alive; do for v in vfio-pci "" gpu-native vfio-pci nvlink2gpu-vfio-pci; do
	set_override "$gpu" "$v" 2>/dev/null; done; done; }
link_writer() { while alive; do for l in $links; do
	set_override "$l" vfio-pci 2>/dev/null; set_override "$l" "" 2>/dev/null; done; done; }
prober() { while alive; do for b in $gpu $link; do unbind "$b" 2>/dev/null
	echo "$b" >$SYS_PCI/drivers_probe 2>/dev/null; done; done; }
mapper() { while alive; do "$C" info "$gpu" >/dev/null 2>&1; done; }
atsd() { while alive; do "$C" info "$link" >/dev/null 2>&1; done; }
newid() { while alive; do
	echo "10de 1db1" >$SYS_PCI/drivers/vfio-pci/new_id 2>/dev/null
	echo "10de 1db1" >$SYS_PCI/drivers/vfio-pci/remove_id 2>/dev/null; done; }
loader() { while alive; do rmmod npu2_vfio_pci 2>/dev/null
	modprobe npu2_vfio_pci 2>/dev/null; done; }

pids=()
writer & pids+=($!)
link_writer & pids+=($!)
prober & pids+=($!)
prober & pids+=($!)
mapper & pids+=($!)
atsd & pids+=($!)
newid & pids+=($!)
have_modules && { loader & pids+=($!); }
wait "${pids[@]}"
diag "storm of ${#pids[@]} concurrent workers for ${secs}s finished"

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
