#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Make build/linux: the pristine kernel source as a git repository (tag
# vv-base), the patch series from kernel/patches applied on top with
# 'git am', and the project's own kernel code (drivers/, tests/kmod/)
# laid over it in vfio-variant/ with a hook in the top Kconfig and Kbuild.
# VV_BASE=7.2 does the same for the 7.2 base: build/linux-7.2 from
# kernel/patches-7.2 (kernel/scripts/base.sh).
#
# The series is the source of truth: the tree is rebuilt from it whenever
# its patch directory changes. Commits made in the tree are turned back
# into patches by export-series.sh ('make series'); a tree holding
# commits that were not exported is never thrown away.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/kernel/scripts/base.sh"
vv_base "${VV_BASE:-6.12}"
rel=${tree#$top/}
git=(git -C "$tree")
stamp=$tree/.git/vv-series

die() { echo "prepare: $*" >&2; exit 1; }

series_hash() {
	(cd "$patches" && cat series $(grep -v '^#' series)) | sha1sum | cut -d' ' -f1
}

unpack() {
	local tmp=$top/build/.unpack-$base
	rm -rf "$tmp" "$tree"
	mkdir -p "$tmp"
	if [ -n "${KSRC:-}" ]; then
		echo "prepare: copying $KSRC"
		rsync -a --exclude=.git "$KSRC"/ "$tmp/src/"
	else
		local tarball
		tarball=$(vv_base_tarball "$base")
		[ -n "$tarball" ] || die "no pristine source of Linux $base: run 'make deps'"
		echo "prepare: unpacking $tarball"
		tar -C "$tmp" -xf "$tarball"
		mv "$tmp"/linux-source-* "$tmp/src"
	fi
	mv "$tmp/src" "$tree"
	rmdir "$tmp"
	"${git[@]}" init -q -b vv
	"${git[@]}" config user.name "vfio-variant maintainers"
	"${git[@]}" config user.email maintainers@vfio-variant.invalid
	"${git[@]}" add -A -f .
	"${git[@]}" -c user.name=vfio-variant -c user.email=build@vfio-variant.invalid \
		commit -q -m "Pristine $(make -s -C "$tree" kernelversion) source"
	"${git[@]}" tag vv-base
}

overlay_files=(Kconfig Kbuild)

# The overlay edits two tracked files; git is told to leave them alone so
# that 'git commit -a' in the tree never carries them into the series.
overlay_off() {
	"${git[@]}" update-index --no-skip-worktree "${overlay_files[@]}"
	"${git[@]}" checkout -q -- "${overlay_files[@]}"
}

overlay_on() {
	mkdir -p "$tree/vfio-variant"
	local src=("$top/Kconfig" "$top/kernel/Kbuild" "$top/tests/kmod")
	[ -d "$top/drivers" ] && src+=("$top/drivers")
	rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod*' --exclude=modules.order \
		"${src[@]}" "$tree/vfio-variant/"
	grep -q '^# vfio-variant overlay' "$tree/Kconfig" ||
		printf '\n# vfio-variant overlay\nsource "vfio-variant/Kconfig"\n' >>"$tree/Kconfig"
	grep -q '^# vfio-variant overlay' "$tree/Kbuild" ||
		printf '\n# vfio-variant overlay\nobj-y += vfio-variant/\n' >>"$tree/Kbuild"
	"${git[@]}" update-index --skip-worktree "${overlay_files[@]}"
	local exclude
	exclude=$("${git[@]}" rev-parse --path-format=absolute --git-path info/exclude)
	grep -qx '/vfio-variant/' "$exclude" || echo /vfio-variant/ >>"$exclude"
}

apply_series() {
	echo "prepare: applying ${patches#$top/}/series"
	"${git[@]}" reset -q --hard vv-base
	local p
	for p in $(grep -v '^#' "$patches/series"); do
		"${git[@]}" am -q --keep-cr "$patches/$p" ||
			{ "${git[@]}" am --abort; die "$p does not apply to $("${git[@]}" describe --tags vv-base)"; }
	done
	echo "$(series_hash) $("${git[@]}" rev-parse HEAD)" >"$stamp"
}

# The unpatched tree, for the baseline kernel: the pristine source as a
# worktree of build/linux at vv-base, with the same overlay
# (build/linux-unpatched; build/linux-7.2-unpatched for the 7.2 base).
unpatched() {
	local wt=$tree-unpatched
	[ -d "$tree/.git" ] || unpack
	if [ ! -e "$wt/.git" ]; then
		rm -rf "$wt"
		"${git[@]}" worktree add -q --detach "$wt" vv-base
	fi
	tree=$wt git=(git -C "$wt")
	overlay_on
}

if [ "${1:-}" = --unpatched ]; then
	unpatched
	exit
fi

[ -d "$tree/.git" ] || unpack

want=$(series_hash)
if [ ! -f "$stamp" ] || [ "$(cut -d' ' -f1 "$stamp")" != "$want" ]; then
	if [ -f "$stamp" ] && [ "$("${git[@]}" rev-parse HEAD)" != "$(cut -d' ' -f2 "$stamp")" ]; then
		die "$rel has commits not in ${patches#$top/}: run 'make series BASE=$base' first, or 'make kernel-reset BASE=$base' to drop them"
	fi
	overlay_off
	"${git[@]}" diff --quiet HEAD || die "$rel has uncommitted changes; commit and 'make series BASE=$base', or 'make kernel-reset BASE=$base'"
	apply_series
fi
overlay_on
