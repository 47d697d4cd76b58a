#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernel series as a reviewer sees it: every patch checkpatch --strict
# clean and signed off, no new kernel-doc warnings, no W=1 or sparse
# warnings in the objects it touches (beyond those the pristine tree has
# there: the unpatched tree, built alike, is the baseline), the in-tree
# variants it marks included.
#
# VV_BASE=7.2 checks the 7.2 series (kernel/scripts/base.sh) in its =m
# tree (m-7.2).
#
# The harness self-test points it at broken inputs instead: VV_SERIES_DIR
# (a directory with a series file and its patches), VV_SERIES_FILES (files
# for kernel-doc), VV_SERIES_OBJS (objects to build), VV_SPARSE_BASELINE.
# make check checks the series under review (7.2, the one posted upstream);
# make stress both (as tests/host/series-bisect.sh).
# vv-bases: 7.2
# vv-stress-bases: 6.12 7.2
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/vm/lib.sh"
. "$top/kernel/scripts/base.sh"
vv_base "${VV_BASE:-6.12}"
sfx=$([ "$base" = 6.12 ] || echo "-$base")
obj=$top/build/obj-m$sfx
patches=${VV_SERIES_DIR:-$patches}
known_warnings=${VV_SPARSE_BASELINE:-$top/kernel/sparse-baseline.txt}
if ! cd "$tree"; then
	ok 1 "${tree#$top/} exists (run make)"
	done_testing
	exit
fi

# checkpatch asks whether MAINTAINERS needs updating whenever a patch adds a
# file; it does not when an existing entry already covers the new file
# (get_maintainer.pl names its list): that one question is then answered.
new_files_covered() { # PATCH: it adds files, and MAINTAINERS covers each
	local f n=0
	for f in $(sed -n 's|^+++ b/||p' "$1" | sort -u); do
		grep -q "^--- /dev/null" <(grep -B1 "^+++ b/$f\$" "$1") || continue
		PATH=/usr/bin:$PATH perl scripts/get_maintainer.pl --no-git --no-rolestats \
			-f "$f" 2>/dev/null | grep -q '@vger.kernel.org' || return 1
		n=$((n + 1))
	done
	[ $n -gt 0 ]
}
for p in $(grep -v '^#' "$patches/series"); do
	# Debian's python3 has the ply module that spdxcheck.py needs
	ignore=
	new_files_covered "$patches/$p" && ignore=--ignore=FILE_PATH_CHANGES
	out=$(PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict -q $ignore "$patches/$p" 2>&1)
	ok $? "checkpatch --strict: $p${ignore:+ (new files covered by MAINTAINERS)}"
	[ -z "$out" ] || echo "$out" | sed 's/^/# /' | head -20
	grep -q '^Signed-off-by: ' "$patches/$p"
	ok $? "Signed-off-by: $p"
done

for f in ${VV_SERIES_FILES-$(git diff --name-only vv-base HEAD -- '*.c' '*.h')}; do
	now=$(scripts/kernel-doc -none -Wall "$f" 2>&1 | grep -c warning)
	git show "vv-base:$f" >/tmp/vv-kdoc.$$ 2>/dev/null
	before=$(scripts/kernel-doc -none -Wall /tmp/vv-kdoc.$$ 2>&1 | grep -c warning)
	rm -f /tmp/vv-kdoc.$$
	ok "$([ "$now" -le "$before" ]; echo $?)" "kernel-doc: no new warnings in $f ($now, pristine $before)"
done

# other architectures' objects: tests/host/ppc64le.sh compiles them, W=1;
# the s390 ISM variant (7.2, struct zpci_dev) compiles on s390 only
objs=${VV_SERIES_OBJS-$(git diff --name-only vv-base HEAD -- '*.c' | grep -v '/tests/' |
	grep -v '^scripts/' | grep -v '^drivers/vfio/pci/ism/' |
	awk '!/^arch\// || /^arch\/x86\//' | sed 's/\.c$/.o/')}

# The warnings the pristine tree already has in those objects are not the
# series': the same objects built W=1 and sparse in the unpatched tree
# (the 'unpatched' flavour's) are the baseline. A base with no unpatched
# kernel (7.2) gets the pristine tree configured as its =m kernel, and
# prepared, for those objects alone.
if [ -z "$VV_SPARSE_BASELINE" ]; then
	pristine=$tree-unpatched
	pobj=$top/build/obj-unpatched$sfx
	known_warnings=$(mktemp)
	trap 'rm -f "$known_warnings"' EXIT
	if [ ! -f "$pobj/.config" ] && [ -f "$obj/.config" ]; then
		VV_BASE=$base bash "$top/kernel/scripts/prepare.sh" --unpatched &&
			mkdir -p "$pobj" && cp "$obj/.config" "$pobj/.config" &&
			make -s -C "$pristine" O="$pobj" ARCH=x86_64 "$vv_kpin" olddefconfig prepare >/dev/null 2>&1
		ok $? "the pristine tree of Linux $base configured and prepared in ${pobj#$top/}"
	fi
	if [ -f "$pobj/.config" ]; then
		# one make for all of them (-k: past one that does not build
		# there), serial so that no two compilers' lines interleave
		pobjs=$(for o in $objs; do [ ! -f "$pristine/${o%.o}.c" ] || echo "$o"; done)
		(cd "$pobj" && rm -f $pobjs)
		[ -z "$pobjs" ] || make -s -k -C "$pristine" O="$pobj" ARCH=x86_64 "$vv_kpin" W=1 C=2 $pobjs 2>&1 |
			grep -iE 'warning' | sed -E "s|^$pristine/||; s|:[0-9]+:[0-9]+:|:|" >"$known_warnings"
		ok 0 "baseline: $(wc -l <"$known_warnings") warnings of the pristine tree in those objects"
	else
		ok 1 "the unpatched tree is built (make kernel-unpatched): it is the sparse baseline"
	fi
fi
for o in $objs; do
	# objects build alone with their config off (the in-tree variants
	# patch 0010 touches are off in the =m config), except those whose
	# own obj-$(CONFIG_...) line is off: inline stubs replace their code
	sym=$(grep -ohE "obj-\\$\((CONFIG_[A-Z0-9_]+)\)[[:space:]]*\+=.*\<$(basename "$o")" \
		"$(dirname "$o")/Makefile" 2>/dev/null | grep -oE 'CONFIG_[A-Z0-9_]+' | head -n1)
	if [ -n "$sym" ] && ! grep -qE "^$sym=[ym]" "$obj/.config"; then
		skip "$sym is off in the =m config" "W=1 and sparse clean: $o"
		continue
	fi
	kbuild_ok "W=1 and sparse clean: $o" "$o" make -s O="$obj" ARCH=x86_64 "$vv_kpin" W=1 C=2
done
done_testing
