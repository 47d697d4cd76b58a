#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Every patch of the series builds on its own: for each prefix of the
# series, in a separate worktree, compile the objects the series touches
# (with the =m config, W=1) and the headers' users among them. Single-object
# builds, so a link-only breakage would escape; the full kernels at the tip
# are built by 'make kernel'.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/vm/lib.sh"
tree=$top/build/linux
wt=$top/build/bisect
obj=$top/build/obj-bisect
cd "$tree" || { ok 1 "build/linux exists (run make)"; done_testing; exit; }

git worktree remove --force "$wt" >/dev/null 2>&1
rm -rf "$wt"
git worktree add -q --detach "$wt" vv-base || { ok 1 "worktree"; done_testing; exit; }
mkdir -p "$obj"
cp "$top/build/obj-m/.config" "$obj/.config"
kmake=(make -s -C "$wt" O="$obj" ARCH=x86_64 -j"$(nproc)" W=1)
command -v ccache >/dev/null && kmake+=(CC="ccache gcc")
"${kmake[@]}" olddefconfig >/dev/null 2>&1
"${kmake[@]}" prepare >/dev/null 2>&1

# other architectures' files are compiled by tests/host/ppc64le.sh
objs=$(git diff --name-only vv-base HEAD -- '*.c' | grep -v '/tests/' | grep -v dups.c |
	awk '!/^arch\// || /^arch\/x86\//' | sed 's/\.c$/.o/')
n=0
for c in $(git rev-list --reverse vv-base..HEAD); do
	n=$((n + 1))
	git -C "$wt" checkout -q --detach "$c"
	# pick up Kconfig symbols the patch adds (e.g. the KUnit suite)
	"${kmake[@]}" olddefconfig >/dev/null 2>&1
	out=$("${kmake[@]}" $objs 2>&1 | grep -E 'error|warning' | head -5)
	ok "$([ -z "$out" ]; echo $?)" "patch $n builds on its own: $(git log -1 --format=%s "$c")"
	[ -z "$out" ] || echo "$out" | sed 's/^/# /'
done
cd "$tree" && git worktree remove --force "$wt"
done_testing
