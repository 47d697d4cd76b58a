# SPDX-License-Identifier: GPL-2.0
# Concurrent driver_override writes, unbinds and probes, decline toggles,
# VFIO opens and (=m) variant module unload/load for a bounded time. The
# kernel must stay splat-free (the harness checks the log; on the debug
# kernel that includes lockdep and KASAN) and the rules must still hold
# once the storm is over.
. "$VV_TOP/tests/vm/lib.sh"

bdf=$(find_dev 1234 11e8) || { ok 1 "edu device present"; done_testing; exit; }
for m in vfio-pci vv_edu_vfio_best vv_edu_vfio_alt vv_edu_native; do load $m; done
secs=${VV_STORM_SECONDS:-$([ "$VV_STRESS" = 1 ] && echo 60 || echo 10)}
end=$(( $(date +%s) + secs ))
alive() { [ "$(date +%s)" -lt "$end" ]; }

writer() { while alive; do for v in vfio-pci "" edu-vfio-alt vfio-pci; do
	set_override "$bdf" "$v" 2>/dev/null; done; done; }
prober() { while alive; do unbind "$bdf" 2>/dev/null
	echo "$bdf" >$SYS_PCI/drivers_probe 2>/dev/null; done; }
decliner() { while alive; do for m in vv_edu_vfio_best vv_edu_vfio_alt; do
	decline $m 1; decline $m 0; done; done; }
opener() { while alive; do "$VV_BIN/vfio-edu" "$bdf" >/dev/null 2>&1; done; }
loader() { while alive; do rmmod vv_edu_vfio_alt 2>/dev/null
	modprobe vv_edu_vfio_alt 2>/dev/null; done; }

pids=()
writer & pids+=($!)
prober & pids+=($!)
prober & pids+=($!)
decliner & pids+=($!)
opener & pids+=($!)
have_modules && { loader & pids+=($!); }
wait "${pids[@]}"
diag "storm of ${#pids[@]} concurrent workers for ${secs}s finished"

load vv_edu_vfio_alt
decline vv_edu_vfio_best 0
decline vv_edu_vfio_alt 0
rebind "$bdf" vfio-pci
is "$(driver_of "$bdf")" edu-vfio-best "after the storm: vfio-pci binds the best variant"
tap_include "usable after the storm" "$VV_BIN/vfio-edu" "$bdf"
rebind "$bdf" ""
is "$(driver_of "$bdf")" edu-native "after the storm: no override gives the native driver"
done_testing
