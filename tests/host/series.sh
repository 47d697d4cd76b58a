#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernel series as a reviewer sees it: every patch checkpatch --strict
# clean and signed off, no new kernel-doc warnings, no W=1 or sparse
# warnings in the objects it touches (beyond those of the pristine tree,
# kernel/sparse-baseline.txt), the in-tree variants it marks included.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/vm/lib.sh"
tree=$top/build/linux
obj=$top/build/obj-m
if ! cd "$tree"; then
	ok 1 "build/linux exists (run make)"
	done_testing
	exit
fi

for p in $(grep -v '^#' "$top/kernel/patches/series"); do
	# Debian's python3 has the ply module that spdxcheck.py needs
	out=$(PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict -q "$top/kernel/patches/$p" 2>&1)
	ok $? "checkpatch --strict: $p"
	[ -z "$out" ] || echo "$out" | sed 's/^/# /' | head -20
	grep -q '^Signed-off-by: ' "$top/kernel/patches/$p"
	ok $? "Signed-off-by: $p"
done

for f in $(git diff --name-only vv-base HEAD -- '*.c' '*.h'); do
	now=$(scripts/kernel-doc -none -Wall "$f" 2>&1 | grep -c warning)
	git show "vv-base:$f" >/tmp/vv-kdoc.$$ 2>/dev/null
	before=$(scripts/kernel-doc -none -Wall /tmp/vv-kdoc.$$ 2>&1 | grep -c warning)
	rm -f /tmp/vv-kdoc.$$
	ok "$([ "$now" -le "$before" ]; echo $?)" "kernel-doc: no new warnings in $f ($now, pristine $before)"
done

# other architectures' objects: tests/host/ppc64le.sh compiles them, W=1
for o in $(git diff --name-only vv-base HEAD -- '*.c' | grep -v '/tests/' |
	awk '!/^arch\// || /^arch\/x86\//' | sed 's/\.c$/.o/'); do
	# objects of the in-tree variants build alone; only those whose
	# own obj-$(CONFIG_...) line is off in the =m config are skipped
	sym=$(grep -ohE "obj-\\$\((CONFIG_[A-Z0-9_]+)\)[[:space:]]*\+=.*\<$(basename "$o")" \
		"$(dirname "$o")/Makefile" | grep -oE 'CONFIG_[A-Z0-9_]+' | head -n1)
	if [ -n "$sym" ] && ! grep -qE "^$sym=[ym]" "$obj/.config"; then
		skip "$sym is off in the =m config" "W=1 and sparse clean: $o"
		continue
	fi
	out=$(make -s O="$obj" ARCH=x86_64 W=1 C=2 "$o" 2>&1 | grep -E 'warning|error' |
		sed -E "s|^$tree/||; s|:[0-9]+:[0-9]+:|:|" |
		grep -vxF -f <(grep -v '^#' "$top/kernel/sparse-baseline.txt"))
	ok "$([ -z "$out" ]; echo $?)" "W=1 and sparse clean: $o"
	[ -z "$out" ] || echo "$out" | sed 's/^/# /' | head -10
done
done_testing
