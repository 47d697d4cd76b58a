# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m y m-7.2
# driver_override "vfio-pci" binds the best candidate: the highest-priority
# variant, falling back to the next when a probe declines, down to vfio-pci;
# exact names bind exactly; without an override the native driver wins;
# sysfs shows every driver's alias and priority. Runs on both flavours.
# Not on m-debug: the debug kernel runs the same paths in
# override-stock-flows, override-concurrency and core-rank.
. "$VV_TOP/tests/vm/lib.sh"

bdf=$(find_dev 1234 11e8) || { ok 1 "edu device present"; done_testing; exit; }
load vfio-pci
load vv_edu_vfio_best
load vv_edu_vfio_alt
load vv_edu_native
D=$SYS_PCI/drivers

is "$(cat $D/edu-vfio-best/override_alias)" vfio-pci "edu-vfio-best answers to vfio-pci"
is "$(cat $D/edu-vfio-best/override_priority)" 20 "edu-vfio-best has priority 20"
is "$(cat $D/edu-vfio-alt/override_priority)" 15 "edu-vfio-alt has priority 15"
for d in vfio-pci edu-native; do
	is "$(cat $D/$d/override_alias 2>&1)|$(cat $D/$d/override_priority 2>&1)" "|0" \
		"$d has the files too: no alias, priority 0"
done

rebind "$bdf" ""
is "$(driver_of "$bdf")" edu-native "no override: the native driver binds, never a variant"

rebind "$bdf" vfio-pci
is "$(driver_of "$bdf")" edu-vfio-best "override vfio-pci: the highest-priority variant binds"
is "$(cat $SYS_PCI/devices/$bdf/driver_override)" vfio-pci "the override still reads vfio-pci"
tap_include "vfio through edu-vfio-best" "$VV_BIN/vfio-edu" "$bdf"

decline vv_edu_vfio_best 1
rebind "$bdf" vfio-pci
is "$(driver_of "$bdf")" edu-vfio-alt "best declines: the next variant binds in the same attach"
decline vv_edu_vfio_alt 1
rebind "$bdf" vfio-pci
is "$(driver_of "$bdf")" vfio-pci "every variant declines: base vfio-pci binds"
tap_include "vfio through vfio-pci" "$VV_BIN/vfio-edu" "$bdf"
decline vv_edu_vfio_best 0
decline vv_edu_vfio_alt 0

rebind "$bdf" edu-vfio-alt
is "$(driver_of "$bdf")" edu-vfio-alt "exact name: that driver binds although a better one exists"
decline vv_edu_vfio_alt 1
rebind "$bdf" edu-vfio-alt
is "$(driver_of "$bdf")" none "exact name that declines: nothing binds, no fallback"
decline vv_edu_vfio_alt 0

set_override "$bdf" vfio-pci
echo "$bdf" >$D/vfio-pci/bind 2>/dev/null
is "$(driver_of "$bdf")" vfio-pci "explicit bind to vfio-pci is honoured under override vfio-pci"
unbind "$bdf"
echo "$bdf" >$D/edu-native/bind 2>/dev/null
ok "$([ "$(driver_of "$bdf")" = none ]; echo $?)" "explicit bind of the native driver is refused under the override"

rebind "$bdf" ""
is "$(driver_of "$bdf")" edu-native "clearing the override returns the device to the native driver"
done_testing
