# SPDX-License-Identifier: GPL-2.0
# Concurrent driver_override writes, unbinds and probes, decline toggles,
# VFIO opens and (=m) variant module unload/load for a bounded time; every
# worker must get some of its operations through. The kernel must stay
# splat-free (the harness checks the log; on the debug
# kernel that includes lockdep and KASAN) and the rules must still hold
# once the storm is over.
. "$VV_TOP/tests/vm/lib.sh"

bdf=$(find_dev 1234 11e8) || { ok 1 "edu device present"; done_testing; exit; }
for m in vfio-pci vv_edu_vfio_best vv_edu_vfio_alt vv_edu_native; do load $m; done
secs=${VV_STORM_SECONDS:-$([ "$VV_STRESS" = 1 ] && echo 60 || echo 10)}

# what counts as worked (try): a write, a reprobe that changed the
# binding, a VFIO open of the device, an unload and load
opened() { "$VV_BIN/vfio-edu" "$1" 2>/dev/null | grep -q '^ok 1 '; }
reload() { rmmod "$1" && modprobe "$1"; }
writer() { while storm_alive; do for v in vfio-pci "" edu-vfio-alt vfio-pci; do
	try set_override "$bdf" "$v" 2>/dev/null; done; done; }
prober() { while storm_alive; do try reprobe "$bdf"; done; }
decliner() { while storm_alive; do for m in vv_edu_vfio_best vv_edu_vfio_alt; do
	try decline $m 1 2>/dev/null; try decline $m 0 2>/dev/null; done; done; }
opener() { while storm_alive; do try opened "$bdf"; done; }
loader() { while storm_alive; do try reload vv_edu_vfio_alt 2>/dev/null; done; }

storm_start "$secs"
storm_run writer writer
storm_run prober-1 prober
storm_run prober-2 prober
storm_run decliner decliner
storm_run opener opener
have_modules && storm_run loader loader
storm_wait

load vv_edu_vfio_alt
decline vv_edu_vfio_best 0
decline vv_edu_vfio_alt 0
rebind "$bdf" vfio-pci
is "$(driver_of "$bdf")" edu-vfio-best "after the storm: vfio-pci binds the best variant"
tap_include "usable after the storm" "$VV_BIN/vfio-edu" "$bdf"
rebind "$bdf" ""
is "$(driver_of "$bdf")" edu-native "after the storm: no override gives the native driver"
done_testing
