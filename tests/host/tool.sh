#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vfio-variant against fake sysfs trees and the test kernel's depmod'ed
# module directory (build/mods-m): no root, no VM. Built with ASan/UBSan.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/vm/lib.sh"
tool=$top/build/tools/vfio-variant-asan
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
driver() { # NAME MODULE [PRIORITY [ALIAS]]: a loaded driver, as the series shows it
	mkdir -p "$fake/bus/pci/drivers/$1" "$fake/module/$2/drivers/pci:$1"
	ln -sfn "../../../../module/$2" "$fake/bus/pci/drivers/$1/module"
	: >"$fake/bus/pci/drivers/$1/unbind"
	echo "${3:-0}" >"$fake/bus/pci/drivers/$1/override_priority"
	echo "${4:-}" >"$fake/bus/pci/drivers/$1/override_alias"
}
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
driver edu-native vv_edu_native
ln -s ../../../bus/pci/drivers/edu-native "$D/driver"
driver vfio-pci vfio_pci
driver edu-vfio-alt vv_edu_vfio_alt 15 vfio-pci
V() { "$tool" -s "$fake" -m "$mods" -t 100 "$@"; }
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)" 2>/dev/null; }

json=$(V list --json 2>/dev/null); rc=$?
is "$rc" 0 "list --json exits 0"
is "$(echo "$json" | field 'len(d)')" 1 "list --json: one device"
is "$(echo "$json" | field 'd[0]["driver"]')" edu-native "list --json: current driver"
is "$(echo "$json" | field '[c["driver"] or c["module"] for c in d[0]["candidates"]]')" \
	"['edu-vfio-alt', 'vv_edu_vfio_best', 'vfio-pci']" \
	"candidates from modules.alias, best not loaded: its priority is assumed"
is "$(echo "$json" | field 'd[0]["candidates"][1]["priority_known"]')" False "the assumed priority says so"
driver edu-vfio-best vv_edu_vfio_best 20 vfio-pci
json=$(V list --json)
is "$(echo "$json" | field '[c["driver"] for c in d[0]["candidates"] if c["chosen"]]')" \
	"['edu-vfio-best']" "loaded with priority 20, edu-vfio-best is chosen"
is "$(echo "$json" | field '[(c["priority"], c["specificity"]) for c in d[0]["candidates"]]')" \
	"[(20, 2), (15, 2), (0, 0)]" "priorities from sysfs, specificity from the matching alias"
V list | grep -q "^	\* edu-vfio-best"
ok $? "list (text) marks the chosen candidate with '*'"
out=$(V explain $bdf)
echo "$out" | grep -q "1. edu-vfio-best: priority 20" && echo "$out" | grep -q "hands it to edu-vfio-best"
ok $? "explain ranks and says what bind would do"
echo "$json" | python3 -c 'import json,sys; json.load(sys.stdin)'
ok $? "list --json is valid JSON"

V bind $bdf >/dev/null 2>&1; rc=$?
is "$rc" 6 "bind on a fake tree: nothing binds, exit 6"
is "$(cat "$D/driver_override")" vfio-pci "with the series, bind writes vfio-pci"
is "$(cat "$fake/bus/pci/drivers/edu-native/unbind")" $bdf "bind unbound the native driver"
is "$(cat "$fake/bus/pci/drivers_probe")" $bdf "bind probed the device"
series_off
V bind $bdf >/dev/null 2>&1
is "$(cat "$D/driver_override")" edu-vfio-best "without the series, bind writes the best driver's name"
V unbind $bdf >/dev/null 2>&1
is "$(cat "$D/driver_override")" "" "unbind clears driver_override"

# another device of the IOMMU group held by a host driver: bind warns
O=$fake/bus/pci/devices/0000:00:05.1
mkdir -p "$O"
driver e1000e e1000e
ln -s ../../../bus/pci/drivers/e1000e "$O/driver"
ln -s ../../../../bus/pci/devices/0000:00:05.1 "$fake/kernel/iommu_groups/5/devices/0000:00:05.1"
series_on
V bind $bdf 2>&1 >/dev/null | grep -q "shares IOMMU group 5 with 0000:00:05.1, bound to e1000e"
ok $? "bind warns about a group member bound to a host driver"
rm -rf "$O" "$fake/kernel/iommu_groups/5/devices/0000:00:05.1"

# bad input
for b in 00:05.0 0000:00:05 0000:00:05.8 0000:00:20.0 'x000:00:05.0' '0000:00:05.0 ' ''; do
	V explain "$b" >/dev/null 2>&1
	is "$?" 1 "malformed address '$b': exit 1"
done
V explain 0000:00:06.0 2>/tmp/vv-err.$$ >/dev/null
is "$?" 2 "absent device: exit 2"
grep -q "no such PCI device" /tmp/vv-err.$$; ok $? "absent device: says so"
"$tool" -s "$fake" -m "$fake/no-modules" list >/dev/null 2>/tmp/vv-err.$$
is "$?" 4 "missing modules.alias.bin: exit 4"
grep -q "run depmod" /tmp/vv-err.$$; ok $? "missing index: says to run depmod"
rm "$D/vendor"; mkdir "$D/vendor"
V explain $bdf >/dev/null 2>/tmp/vv-err.$$
is "$?" 7 "unreadable sysfs file: exit 7"
V list >/dev/null 2>&1
is "$?" 7 "list with an unreadable device: exit 7, the rest still listed"
"$tool" bogus >/dev/null 2>&1; is "$?" 1 "unknown command: exit 1"
"$tool" explain >/dev/null 2>&1; is "$?" 1 "missing address: exit 1"
"$tool" --help | grep -q "Exit status"; ok $? "--help documents the exit codes"
rm -f /tmp/vv-err.$$
man -l -Tutf8 "$top/tools/vfio-variant/vfio-variant.8" 2>&1 >/dev/null | grep -q . && bad=1 || bad=0
ok $bad "the man page renders without warnings"
for code in 0 1 2 3 4 5 6 7; do
	grep -q "^\.B $code\$" "$top/tools/vfio-variant/vfio-variant.8"
	ok $? "the man page documents exit status $code"
done
done_testing
