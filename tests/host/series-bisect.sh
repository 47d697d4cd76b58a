#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every patch of the series builds on its own: for each prefix of the
# series, in a separate worktree, compile the objects the series touches
# (with the =m config, W=1) and the headers' users among them. Single-object
# builds, so a link-only breakage would escape; the full kernels at the tip
# are built by 'make kernel'.
#
# The harness self-test gives it another series instead: VV_SERIES_DIR (a
# directory with a series file and its patches, applied to the pristine
# tree in the worktree) for the commits of build/linux. VV_BASE=7.2 checks
# the 7.2 series (kernel/scripts/base.sh) with the m-7.2 config.
# make check checks the series under review (7.2, the one posted upstream);
# make stress both: the 6.12 series is rebuilt patch by patch there.
# vv-bases: 7.2
# vv-stress-bases: 6.12 7.2
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/vm/lib.sh"
. "$top/kernel/scripts/base.sh"
vv_base "${VV_BASE:-6.12}"
sfx=$([ "$base" = 6.12 ] || echo "-$base")
wt=$top/build/bisect$sfx
obj=$top/build/obj-bisect$sfx
cd "$tree" || { ok 1 "${tree#$top/} exists (run make)"; done_testing; exit; }

git worktree remove --force "$wt" >/dev/null 2>&1
rm -rf "$wt"
git worktree add -q --detach "$wt" vv-base || { ok 1 "worktree"; done_testing; exit; }
tip=HEAD
if [ -n "$VV_SERIES_DIR" ]; then
	for p in $(grep -v '^#' "$VV_SERIES_DIR/series"); do
		git -C "$wt" am -q "$VV_SERIES_DIR/$p" ||
			{ ok 1 "$p applies"; git -C "$wt" am --abort; break; }
	done
	tip=$(git -C "$wt" rev-parse HEAD)
	git -C "$wt" checkout -q --detach vv-base
fi
mkdir -p "$obj"
cp "$top/build/obj-m$sfx/.config" "$obj/.config"
kmake=(make -s -C "$wt" O="$obj" ARCH=x86_64 -j"$(nproc)" "$vv_kpin" W=1)
# depend mode: see kernel/scripts/build.sh
command -v ccache >/dev/null && kmake+=(CC="ccache gcc") && export CCACHE_DEPEND=1
if ! out=$("${kmake[@]}" olddefconfig 2>&1 && "${kmake[@]}" prepare 2>&1); then
	ok 1 "configure and prepare the pristine tree in $obj"
	echo "$out" | tail -5 | sed 's/^/# /'
fi

# other architectures' files are compiled by tests/host/ppc64le.sh
# (host programs under scripts/ are built by 'make prepare', below); the
# s390 ISM variant (7.2, struct zpci_dev) compiles on s390 only: its hunk is
# the initializer the other variants' hunks compile with here
objs=$(git diff --name-only vv-base "$tip" -- '*.c' | grep -v '/tests/' | grep -v dups.c |
	grep -v '^drivers/vfio/pci/ism/' |
	grep -v '^scripts/' | awk '!/^arch\// || /^arch\/x86\//' | sed 's/\.c$/.o/')
n=0
for c in $(git rev-list --reverse "vv-base..$tip"); do
	n=$((n + 1))
	git -C "$wt" checkout -q --detach "$c"
	# pick up Kconfig symbols the patch adds (e.g. the KUnit suite)
	if git -C "$wt" diff --name-only "$c~1" "$c" | grep -q 'Kconfig'; then
		"${kmake[@]}" olddefconfig >/dev/null 2>&1
	fi
	kbuild_ok "patch $n builds on its own: $(git log -1 --format=%s "$c")" "$objs" "${kmake[@]}"
	if git -C "$wt" diff --name-only "$c~1" "$c" | grep -q '^scripts/'; then
		out=$("${kmake[@]}" prepare 2>&1)
		ok $? "patch $n: the host programs it changes build (make prepare)"
		[ -z "$out" ] || echo "$out" | tail -5 | sed 's/^/# /'
	fi
done
cd "$tree" && git worktree remove --force "$wt"
done_testing
