#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The project's own kernel code (drivers/, tests/kmod/) as a reviewer sees
# it: checkpatch --strict clean, kernel-doc complete, and no W=1 or sparse
# warnings when built in the =m tree.
#
# The harness self-test points it at broken inputs instead:
# VV_KCODE_FILES (files for checkpatch and kernel-doc) and VV_KCODE_TARGETS
# (what to build; see kbuild_ok in tests/vm/lib.sh). VV_BASE=7.2 builds
# them in the m-7.2 tree: the same source on both bases.
# vv-bases: 6.12 7.2
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/vm/lib.sh"
. "$top/kernel/scripts/base.sh"
vv_base "${VV_BASE:-6.12}"
sfx=$([ "$base" = 6.12 ] || echo "-$base")
obj=$top/build/obj-m$sfx
if [ ! -f "$obj/.config" ]; then
	ok 1 "the =m kernel of Linux $base is configured (run make)"
	done_testing
	exit
fi

cd "$top" || exit 1
for f in ${VV_KCODE_FILES-$(git ls-files 'drivers/*.[ch]' 'tests/kmod/*.[ch]')}; do
	# a *_compat.h is where the code meets older kernels, as in the
	# backports project: comparing LINUX_VERSION_CODE is its job there
	ign=()
	case $f in *_compat.h) ign=(--ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON) ;; esac
	out=$(PATH=/usr/bin:$PATH perl "$tree/scripts/checkpatch.pl" --strict -q \
		"${ign[@]}" --no-tree -f "$f" 2>&1)
	ok $? "checkpatch --strict: $f"
	[ -z "$out" ] || echo "$out" | sed 's/^/# /' | head -20
done

for f in ${VV_KCODE_FILES-$(git ls-files 'drivers/*.[ch]')}; do
	out=$("$tree/scripts/kernel-doc" -none -Wall "$f" 2>&1)
	ok "$([ -z "$out" ]; echo $?)" "kernel-doc -Wall clean: $f"
	[ -z "$out" ] || echo "$out" | sed 's/^/# /' | head -10
done

# rebuild the overlay's objects with W=1 and sparse on every file
for t in ${VV_KCODE_TARGETS-vfio-variant/drivers/vfio/pci/nvlink2/ vfio-variant/kmod/}; do
	kbuild_ok "W=1 and sparse clean: ${t%/}" "$t" make -s -C "$tree" O="$obj" ARCH=x86_64 "$vv_kpin" W=1 C=1
done
done_testing
