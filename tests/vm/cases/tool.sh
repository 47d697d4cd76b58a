# SPDX-License-Identifier: GPL-2.0
# vv-flavours: m y
# vfio-variant on the real kernel: its prediction before anything is loaded
# against what the kernel binds, bind/unbind round trips, bind and unbind
# leaving alone a device they have nothing to do for (no unbind event),
# list --json while a device is hot-removed and added, and the admin tools
# that need no change: driverctl set-override/unset-override and lspci -k.
# tool-rank.sh has the cases where specificity and the name decide.
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
is "$(echo "$json" | field "[(c['driver'], c['loaded'], c['priority'], c['priority_known']) for d in d if d['address'] == '$bdf' for c in d['candidates']]")" \
	"[('edu-vfio-best', False, 20, True), ('edu-vfio-alt', False, 15, True), ('vfio-pci', False, 0, True)]" \
	"before loading: the variants' names and priorities from modinfo, vfio-pci's 0"
predicted=$(echo "$json" | field "[c['driver'] for d in d if d['address'] == '$bdf' for c in d['candidates'] if c['chosen']][0]")

out=$("$V" bind "$bdf")
ok $? "bind exits 0"
diag "$out"
is "$(driver_of "$bdf")" "$predicted" "the kernel bound $predicted, the prediction made before anything was loaded"
echo "$out" | grep -q "bound to edu-vfio-best (predicted edu-vfio-best)"
ok $? "bind reports what bound with its prediction"
json=$("$V" list --json)
is "$(echo "$json" | field "[(c['driver'], c['chosen'], c['bound']) for d in d if d['address'] == '$bdf' for c in d['candidates'] if c['chosen'] or c['bound']]")" \
	"[('$(driver_of "$bdf")', True, True)]" "after loading: the chosen candidate is the bound one"
lspci -k -s "$bdf" | grep -q "Kernel driver in use: edu-vfio-best"
ok $? "lspci -k shows the variant as the driver in use"
"$V" list | grep -A1 "^$bdf " | grep -q "driver: edu-vfio-best (answers to vfio-pci)  override: vfio-pci"
ok $? "list: the variant answers to vfio-pci, from the kernel's override_alias"
"$V" explain "$bdf" | grep -q "bound to edu-vfio-best, the first choice"
ok $? "explain: first choice"

events() { bind_events "$bdf" "$@"; }
is "$(events "$V" bind "$bdf")" "" "bind of a device already on its vfio-pci driver: no unbind, no bind"
grep -q "already bound to edu-vfio-best" /run/vv-ev.out
ok $? "bind says the device is already bound"
is "$(events "$V" bind --force "$bdf")" "unbind bind:edu-vfio-best " "bind --force rebinds it"

decline vv_edu_vfio_best 1
"$V" unbind "$bdf" >/dev/null
is "$(driver_of "$bdf")" edu-native "unbind returns the device to the native driver"
is "$(events "$V" unbind "$bdf")" "" "unbind of a device with no override: its native driver is not unbound"
grep -q "no driver_override is set: edu-native is its own driver" /run/vv-ev.out
ok $? "unbind says why it did nothing"
out=$("$V" bind "$bdf")
is "$(driver_of "$bdf")" edu-vfio-alt "best declines: the kernel falls back to edu-vfio-alt"
echo "$out" | grep -q "edu-vfio-best declined the device; the kernel fell back to edu-vfio-alt"
ok $? "bind reports the fallback"
"$V" explain "$bdf" | grep -q "ranked above it declined"
ok $? "explain says the better candidate declined"
json=$("$V" list --json)
is "$(echo "$json" | field "[(c['driver'], c['chosen'], c['bound']) for d in d if d['address'] == '$bdf' for c in d['candidates'] if c['chosen'] or c['bound']]")" \
	"[('edu-vfio-best', True, False), ('edu-vfio-alt', False, True)]" \
	"list --json after a fallback: chosen is the first candidate, bound the one that took it"
is "$(events "$V" bind "$bdf")" "" "bind of a device on a fallback vfio-pci driver: left alone"
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

# list --json while the other edu functions go and come back
others=$(for b in $(edu_devs); do [ "$b" = "$bdf" ] || echo "$b"; done)
(
	end=$(($(date +%s) + 20))
	while [ "$(date +%s)" -lt $end ] && [ ! -e /run/vv-list-done ]; do
		for o in $others; do echo 1 >"$SYS_PCI/devices/$o/remove" 2>/dev/null; done
		sleep 0.05
		echo 1 >$SYS_PCI/rescan
	done
) &
churn=$!
bad=0 runs=0 seen=0
while [ $runs -lt 30 ]; do
	runs=$((runs + 1))
	out=$("$V" list --json 2>/run/vv-list.err)
	rc=$?
	n=$(echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d))' 2>/dev/null) ||
		{ bad=$((bad + 1)); diag "run $runs: invalid JSON (rc $rc): $(head -c 200 <<<"$out")"; continue; }
	[ $rc = 0 ] || { bad=$((bad + 1)); diag "run $runs: exit $rc: $(cat /run/vv-list.err)"; }
	echo "$out" | grep -q "\"${others%%$'\n'*}\"" || seen=$((seen + 1))
done
touch /run/vv-list-done
wait $churn
rm -f /run/vv-list-done
echo 1 >$SYS_PCI/rescan
is "$bad" 0 "list --json during hot-remove and rescan ($runs runs): valid JSON and exit 0 each time"
ok "$([ $seen -gt 0 ]; echo $?)" "the devices were away during $seen of the $runs lists"
done_testing
