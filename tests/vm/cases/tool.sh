# SPDX-License-Identifier: GPL-2.0
# vfio-variant on the real kernel: its prediction against what the kernel
# binds, bind/unbind round trips, and the admin tools that need no change:
# driverctl set-override/unset-override and lspci -k.
. "$VV_TOP/tests/vm/lib.sh"
need_modules "vfio-variant reads the module index, which a CONFIG_MODULES=n kernel lacks"

bdf=$(find_dev 1234 11e8) || { ok 1 "edu device present"; done_testing; exit; }
V=$VV_TOP/build/tools/vfio-variant
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" 2>/dev/null; }
rebind "$bdf" ""
unload_edu
modprobe vv_edu_native
echo "$bdf" >$SYS_PCI/drivers_probe

json=$("$V" list --json)
ok $? "list --json on the live system"
is "$(echo "$json" | field "sorted(c['module'] for d in d if d['address'] == '$bdf' for c in d['candidates'])")" \
	"['vfio_pci', 'vv_edu_vfio_alt', 'vv_edu_vfio_best']" \
	"candidates before loading: all three modules found through vfio_pci: aliases"
is "$(echo "$json" | field "[(c['driver'], c['priority'], c['priority_known']) for d in d if d['address'] == '$bdf' for c in d['candidates']]")" \
	"[('edu-vfio-best', 20, True), ('edu-vfio-alt', 15, True), (None, 0, False)]" \
	"before loading: the variants' names and priorities from modinfo, vfio_pci's assumed"

out=$("$V" bind "$bdf")
ok $? "bind exits 0"
diag "$out"
is "$(driver_of "$bdf")" edu-vfio-best "bind: the kernel bound edu-vfio-best"
echo "$out" | grep -q "bound to edu-vfio-best (predicted edu-vfio-best)"
ok $? "the tool's prediction matches what the kernel bound"
json=$("$V" list --json)
is "$(echo "$json" | field "[c['driver'] for d in d if d['address'] == '$bdf' for c in d['candidates'] if c['chosen']]")" \
	"['$(driver_of "$bdf")']" "list marks the driver the kernel bound as chosen"
lspci -k -s "$bdf" | grep -q "Kernel driver in use: edu-vfio-best"
ok $? "lspci -k shows the variant as the driver in use"
"$V" explain "$bdf" | grep -q "bound to edu-vfio-best, the first choice"
ok $? "explain: first choice"

decline vv_edu_vfio_best 1
"$V" unbind "$bdf" >/dev/null
is "$(driver_of "$bdf")" edu-native "unbind returns the device to the native driver"
out=$("$V" bind "$bdf")
is "$(driver_of "$bdf")" edu-vfio-alt "best declines: the kernel falls back to edu-vfio-alt"
echo "$out" | grep -q "edu-vfio-best declined the device; the kernel fell back to edu-vfio-alt"
ok $? "bind reports the fallback"
"$V" explain "$bdf" | grep -q "ranked above it declined"
ok $? "explain says the better candidate declined"
decline vv_edu_vfio_best 0
"$V" unbind "$bdf" >/dev/null

driverctl --nosave set-override "$bdf" vfio-pci >/dev/null 2>&1
ok $? "driverctl set-override vfio-pci"
is "$(driver_of "$bdf")" edu-vfio-best "driverctl set-override vfio-pci binds the best variant"
driverctl --nosave unset-override "$bdf" >/dev/null 2>&1
ok $? "driverctl unset-override"
is "$(driver_of "$bdf")" edu-native "driverctl unset-override gives the native driver back"

"$V" bind 0000:00:1f.7 >/dev/null 2>&1
is "$?" 2 "bind of an absent device: exit 2"
is "$(driver_of "$bdf")" edu-native "and nothing changed"
done_testing
