#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vfio-variant against fake sysfs trees and the test kernel's depmod'ed
# module directory (build/mods-m): no root, no VM. Built with ASan/UBSan.
# Then what 'make install' and 'make uninstall' put where, in a DESTDIR.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/vm/lib.sh"
tool=${VV_TOOL:-$top/build/tools/vfio-variant-asan}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1
mods=$(ls -d "$top"/build/mods-m/lib/modules/* 2>/dev/null | head -n1)

tap_include "rank" "$top/build/tools/test-rank"
if [ ! -x "$tool" ] || [ -z "$mods" ]; then
	ok 1 "tool and build/mods-m exist (run make)"
	done_testing
	exit
fi

fake=$(mktemp -d)
trap 'rm -rf "$fake"' EXIT
bdf=0000:00:05.0
D=$fake/bus/pci/devices/$bdf
mkdir -p "$D" "$fake/bus/pci/drivers" "$fake/kernel/iommu_groups/5/devices"
printf '0x1234\n' >"$D/vendor"; printf '0x11e8\n' >"$D/device"
printf '0x1af4\n' >"$D/subsystem_vendor"; printf '0x1100\n' >"$D/subsystem_device"
printf '0x00ff00\n' >"$D/class"; printf '(null)\n' >"$D/driver_override"
ln -s ../../../kernel/iommu_groups/5 "$D/iommu_group"
ln -s ../../../../bus/pci/devices/$bdf "$fake/kernel/iommu_groups/5/devices/$bdf"
: >"$fake/bus/pci/drivers_probe"
: >"$fake/cmdline"
driver() { # NAME MODULE [PRIORITY [ALIAS]]: a loaded driver, as the series shows it
	mkdir -p "$fake/bus/pci/drivers/$1" "$fake/module/$2/drivers/pci:$1"
	ln -sfn "../../../../module/$2" "$fake/bus/pci/drivers/$1/module"
	: >"$fake/bus/pci/drivers/$1/unbind"
	echo "${3:-0}" >"$fake/bus/pci/drivers/$1/override_priority"
	echo "${4:-}" >"$fake/bus/pci/drivers/$1/override_alias"
}
bound_to() { ln -sfn "../../../bus/pci/drivers/$1" "$D/driver"; }
# series_off / series_on: the files a kernel without the series lacks
series_off() {
	mkdir -p "$fake/off"
	for f in "$fake"/bus/pci/drivers/*/override_*; do
		mkdir -p "$fake/off/$(basename "$(dirname "$f")")"
		mv "$f" "$fake/off/$(basename "$(dirname "$f")")/"
	done
}
series_on() {
	local d
	for d in "$fake"/off/*; do mv "$d"/* "$fake/bus/pci/drivers/$(basename "$d")/"; done
	rm -rf "$fake/off"
}
# clear what bind/unbind wrote: the override, unbind and drivers_probe files
reset_writes() {
	printf '(null)\n' >"$D/driver_override"
	: >"$fake/bus/pci/drivers_probe"
	for f in "$fake"/bus/pci/drivers/*/unbind; do : >"$f"; done
}
driver edu-native vv_edu_native
bound_to edu-native
driver vfio-pci vfio_pci
driver edu-vfio-alt vv_edu_vfio_alt 15 vfio-pci
V() { "$tool" -s "$fake" -m "$mods" -c "$fake/cmdline" -d "$fake/persist" -t 100 "$@"; }
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" 2>/dev/null; }

# --- prediction before loading ----------------------------------------------
json=$(V list --json 2>/dev/null); rc=$?
is "$rc" 0 "list --json exits 0"
is "$(echo "$json" | field 'len(d)')" 1 "list --json: one device"
is "$(echo "$json" | field 'd[0]["driver"]')" edu-native "list --json: current driver"
is "$(echo "$json" | field '[(c["driver"], c["loaded"], c["priority"], c["priority_known"]) for c in d[0]["candidates"]]')" \
	"[('edu-vfio-best', False, 20, True), ('edu-vfio-alt', True, 15, True), ('vfio-pci', True, 0, True)]" \
	"best not loaded: its driver name and priority 20 from modinfo rank it first"
echo 'BOOT_IMAGE=/vmlinuz pci=noaer,override_priority=edu-vfio-best:5 pci=override_priority=edu-vfio-best:30 quiet' \
	>"$fake/cmdline"
is "$(V list --json | field '[(c["driver"], c["priority"]) for c in d[0]["candidates"]]')" \
	"[('edu-vfio-alt', 15), ('edu-vfio-best', 5), ('vfio-pci', 0)]" \
	"pci=override_priority=edu-vfio-best:5 on the command line (the first one counts): best, not loaded, ranks after alt"
V explain $bdf | grep -q "1. edu-vfio-alt: priority 15"
ok $? "explain: alt first with the command line's priority for best"
: >"$fake/cmdline"
driver edu-vfio-best vv_edu_vfio_best 20 vfio-pci
json=$(V list --json)
is "$(echo "$json" | field '[c["driver"] for c in d[0]["candidates"] if c["chosen"]]')" \
	"['edu-vfio-best']" "loaded with priority 20, edu-vfio-best is chosen"
is "$(echo "$json" | field '[(c["priority"], c["specificity"]) for c in d[0]["candidates"]]')" \
	"[(20, 4), (15, 2), (0, 0)]" \
	"priorities from sysfs, specificity from the matching alias (best's names the subsystem id)"
is "$(echo "$json" | field '[c["alias"] for c in d[0]["candidates"]]')" \
	"['vfio_pci:v00001234d000011E8sv00001AF4sd00001100bc*sc*i*', 'vfio_pci:v00001234d000011E8sv*sd*bc*sc*i*', 'vfio_pci:v*d*sv*sd*bc*sc*i*']" \
	"each candidate's matching alias"
echo 20 >"$fake/bus/pci/drivers/edu-vfio-alt/override_priority"
is "$(V list --json | field '[c["driver"] for c in d[0]["candidates"]]')" \
	"['edu-vfio-best', 'edu-vfio-alt', 'vfio-pci']" \
	"equal priority: the more specific alias decides (the name only on a tie: tool-rank)"
echo 15 >"$fake/bus/pci/drivers/edu-vfio-alt/override_priority"
V list | grep -q "^	\* edu-vfio-best"
ok $? "list (text) marks the chosen candidate with '*'"
is "$(echo "$json" | field 'd[0]["driver_alias"]')" None "list --json: a native driver answers to no alias"
V list | grep -q "^	driver: edu-native  override"
ok $? "list (text): a native driver, no alias"
ln -sfn ../../../bus/pci/drivers/edu-vfio-best "$D/driver"
is "$(V list --json | field 'd[0]["driver_alias"]')" vfio-pci "list --json: a variant's driver_alias"
V list | grep -q "^	driver: edu-vfio-best (answers to vfio-pci)  override"
ok $? "list (text): a variant's driver 'answers to vfio-pci'"
ln -sfn ../../../bus/pci/drivers/edu-native "$D/driver"
out=$(V explain $bdf)
echo "$out" | grep -q "1. edu-vfio-best: priority 20" && echo "$out" | grep -q "hands it to edu-vfio-best"
ok $? "explain ranks and says what bind would do"

# --- JSON: valid, the documented fields -------------------------------------
echo "$json" | python3 -c 'import json,sys; json.load(sys.stdin)'
ok $? "list --json is valid JSON"
man8=$top/tools/vfio-variant/vfio-variant.8
doc_keys() { sed -n "/^\.\\\\\" json-$1-begin/,/^\.\\\\\" json-$1-end/p" "$man8" | sed -n 's/^\.B "\?\([a-z_]*\)"\?$/\1/p' | sort | tr '\n' ' '; }
is "$(echo "$json" | field '" ".join(sorted(d[0].keys()))') " "$(doc_keys device)" \
	"the device object has exactly the fields vfio-variant(8) documents"
is "$(echo "$json" | field '" ".join(sorted(d[0]["candidates"][0].keys()))') " "$(doc_keys candidate)" \
	"a candidate object has exactly the fields vfio-variant(8) documents"
is "$(V explain --json $bdf | field 'd["address"]')" $bdf "explain --json: the device's object"
# a device that sorts first and cannot be read is skipped: still valid JSON
F=$fake/bus/pci/devices/0000:00:00.0
mkdir -p "$F/vendor"
json=$(V list --json 2>/dev/null); rc=$?
is "$rc" 7 "list: the first device unreadable: exit 7"
echo "$json" | python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null
ok $? "list --json with the first device skipped is valid JSON"
is "$(echo "$json" | field '[x["address"] for x in d]')" "['$bdf']" "and lists the others"
rm -rf "$F"

# --- bind and unbind: what they write, and when they leave a device alone -----
V bind $bdf >/dev/null 2>&1; rc=$?
is "$rc" 6 "bind on a fake tree: nothing binds, exit 6"
is "$(cat "$D/driver_override")" vfio-pci "with the series, bind writes vfio-pci"
is "$(cat "$fake/bus/pci/drivers/edu-native/unbind")" $bdf "bind unbound the native driver"
is "$(cat "$fake/bus/pci/drivers_probe")" $bdf "bind probed the device"
reset_writes
bound_to edu-vfio-alt
echo vfio-pci >"$D/driver_override"
out=$(V bind $bdf 2>&1); rc=$?
is "$rc" 0 "bind of a device already on a vfio-pci driver: exit 0"
is "$(cat "$fake/bus/pci/drivers/edu-vfio-alt/unbind")" "" "and it is not unbound (a VM may hold it)"
echo "$out" | grep -q "already bound to edu-vfio-alt" && echo "$out" | grep -q -- "--force"
ok $? "it says so, and that --force rebinds to the higher-ranked edu-vfio-best"
V bind --force $bdf >/dev/null 2>&1
is "$(cat "$fake/bus/pci/drivers/edu-vfio-alt/unbind")" $bdf "bind --force rebinds"
reset_writes
bound_to edu-native
out=$(V unbind $bdf 2>&1); rc=$?
is "$rc" 0 "unbind of a device with no override: exit 0"
is "$(cat "$fake/bus/pci/drivers/edu-native/unbind")$(cat "$fake/bus/pci/drivers_probe")" "" \
	"and its native driver is left alone: no unbind, no probe"
echo "$out" | grep -q "no driver_override is set"
ok $? "it says why"
V unbind --force $bdf >/dev/null 2>&1
is "$(cat "$fake/bus/pci/drivers/edu-native/unbind")" $bdf "unbind --force unbinds and reprobes"
reset_writes
series_off
rm "$D/driver"
V bind $bdf >/dev/null 2>&1
is "$(cat "$D/driver_override")" vfio-pci \
	"without the series, bind writes each candidate's name in turn, down to vfio-pci when none binds"
V bind $bdf 2>&1 | grep -q "edu-vfio-best did not take the device; trying edu-vfio-alt"
ok $? "and says which one did not take the device"
reset_writes
printf 'edu-vfio-alt\n' >"$D/driver_override"
V unbind $bdf >/dev/null 2>&1
is "$(cat "$D/driver_override")" "" "unbind clears driver_override"
series_on

# another device of the IOMMU group held by a host driver: bind warns
O=$fake/bus/pci/devices/0000:00:05.1
mkdir -p "$O"
driver e1000e e1000e
ln -s ../../../bus/pci/drivers/e1000e "$O/driver"
ln -s ../../../../bus/pci/devices/0000:00:05.1 "$fake/kernel/iommu_groups/5/devices/0000:00:05.1"
V bind $bdf 2>&1 >/dev/null | grep -q "shares IOMMU group 5 with 0000:00:05.1, bound to e1000e"
ok $? "bind warns about a group member bound to a host driver"
rm -rf "$O" "$fake/kernel/iommu_groups/5/devices/0000:00:05.1"
reset_writes

# --- persisted choices: the files the udev rule tests for ---------------------
bound_to edu-vfio-best
echo vfio-pci >"$D/driver_override"
V bind --persist $bdf >/dev/null 2>&1
ok "$([ -f "$fake/persist/devices/$bdf" ]; echo $?)" "bind --persist records devices/$bdf (directories made as needed)"
V bind --persist --by-id $bdf >/dev/null 2>&1
ok "$([ -f "$fake/persist/ids/1234:11E8" ]; echo $?)" "--by-id records ids/1234:11E8, the kernel's PCI_ID"
is "$(V persisted | tr '\n' ';')" "$bdf;1234:11e8  (every device with these ids);" "persisted lists both"
printf '(null)\n' >"$D/driver_override"
V unbind --persist $bdf >/dev/null 2>&1
V unbind --persist --by-id $bdf >/dev/null 2>&1
is "$(find "$fake/persist" -type f | wc -l)" 0 "unbind --persist forgets them, even with no override set"
reset_writes
out=$(V apply $bdf); rc=$?
is "$rc:$(cat "$fake/bus/pci/drivers_probe")" "0:" "apply of a device not recorded: exit 0, nothing written"
echo vfio-pci >"$D/driver_override"
V bind --persist $bdf >/dev/null 2>&1
reset_writes
rm "$D/driver"
V apply $bdf >/dev/null 2>&1
is "$(cat "$D/driver_override")" vfio-pci "apply of a recorded device binds it"
V unbind --persist $bdf >/dev/null 2>&1
reset_writes

# --- bad input ------------------------------------------------------------------
for b in 00:05.0 0000:00:05 0000:00:05.8 0000:00:20.0 'x000:00:05.0' '0000:00:05.0 ' ''; do
	V explain "$b" >/dev/null 2>&1
	is "$?" 1 "malformed address '$b': exit 1"
done
V explain 0000:00:06.0 2>/tmp/vv-err.$$ >/dev/null
is "$?" 2 "absent device: exit 2"
grep -q "no such PCI device" /tmp/vv-err.$$; ok $? "absent device: says so"
"$tool" -s "$fake" -m "$fake/no-modules" list >/dev/null 2>/tmp/vv-err.$$
is "$?" 4 "missing module index: exit 4"
grep -q "run depmod" /tmp/vv-err.$$; ok $? "missing index: says to run depmod"
for args in "-t abc list" "-t -1 list" "list junk" "bind" "bind $bdf junk" "persisted $bdf" \
	"--json bind $bdf" "--by-id bind $bdf" "--persist list"; do
	V $args >/dev/null 2>&1
	is "$?" 1 "'vfio-variant $args': usage error, exit 1"
done
is "$("$tool" --version)" "vfio-variant $(cat "$top/VERSION")" "--version"
rm "$D/vendor"; mkdir "$D/vendor"
V explain $bdf >/dev/null 2>/tmp/vv-err.$$
is "$?" 7 "unreadable sysfs file: exit 7"
V list >/dev/null 2>&1
is "$?" 7 "list with an unreadable device: exit 7, the rest still listed"
"$tool" bogus >/dev/null 2>&1; is "$?" 1 "unknown command: exit 1"
"$tool" explain >/dev/null 2>&1; is "$?" 1 "missing address: exit 1"
"$tool" --help | grep -q "Exit status"; ok $? "--help documents the exit codes"
rm -f /tmp/vv-err.$$

# --- the man page -----------------------------------------------------------------
warn=$(MANWIDTH=80 man --warnings -l -Tutf8 "$man8" 2>&1 >/dev/null)
is "$warn" "" "the man page renders without warnings (man --warnings)"
for code in 0 1 2 3 4 5 6 7; do
	grep -q "^\.B $code\$" "$man8"
	ok $? "the man page documents exit status $code"
done
for o in $("$tool" --help | grep -o -- '--[a-z-]*' | sort -u) \
	$("$tool" --help | sed -n '/^Commands:/,/^Options:/s/^  \([a-z]\+\).*/\1/p'); do
	grep -q -- "^\.B.*${o//-/\\\\-}" "$man8"
	ok $? "the man page documents '${o}' from --help"
done

# --- make install / make uninstall -------------------------------------------------
dest=$(mktemp -d)
out=$(make -s -C "$top" install DESTDIR="$dest" PREFIX=/usr 2>&1)
ok $? "make install DESTDIR=... PREFIX=/usr"
udev=$(pkg-config --variable=udevdir udev) unit=$(pkg-config --variable=systemdsystemunitdir systemd)
is "$(cd "$dest" && find . -type f | sort | tr '\n' ' ')" \
	"$(printf '%s\n' ".$unit/vfio-variant@.service" ".$udev/rules.d/60-vfio-variant.rules" \
		./usr/sbin/vfio-variant ./usr/share/man/man8/vfio-variant.8 | sort | tr '\n' ' ')" \
	"it installs the tool, the man page, the udev rule and the unit, where udev and systemd look"
is "$(sed -n 's/^ExecStart=//p' "$dest$unit/vfio-variant@.service")" "/usr/sbin/vfio-variant apply %I" \
	"the unit runs the installed tool"
ok "$(grep -v '^#' "$dest$udev/rules.d/60-vfio-variant.rules" | grep -o '@[A-Z]*@' | grep -q .; [ $? = 1 ]; echo $?)" \
	"no placeholder is left in the installed rule"
is "$(grep -v '^#' "$dest$udev/rules.d/60-vfio-variant.rules" | grep -cE 'PROGRAM|RUN|IMPORT\{program')" 0 \
	"the rule runs no program: TEST== finds the choices, the service does the work"
"$dest/usr/sbin/vfio-variant" --version >/dev/null
ok $? "the installed tool runs"
make -s -C "$top" uninstall DESTDIR="$dest" PREFIX=/usr >/dev/null 2>&1
is "$(find "$dest" -type f | wc -l)" 0 "make uninstall removes every file it installed"
rm -rf "$dest"
done_testing
