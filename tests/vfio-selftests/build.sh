#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build mainline's VFIO selftests (tools/testing/selftests/vfio of the 7.2
# tree, which the series does not touch) into build/vfio-selftests, against
# that tree's UAPI headers, for tests/vm/cases/vfio-selftests.sh. The same
# binaries run on the 6.12 and 7.2 guests: the UAPI is a superset.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/kernel/scripts/base.sh"
vv_base 7.2
out=$top/build/vfio-selftests
hdrs=$top/build/headers-7.2
src=$tree/tools/testing/selftests/vfio

VV_BASE=7.2 bash "$top/kernel/scripts/prepare.sh"
stamp=$out/.built-from
want="$(git -C "$tree" rev-parse HEAD) $(sha1sum "$top/tests/vfio-selftests/fixup.h" | cut -c1-40)"
if [ -x "$out/vfio_pci_device_test" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
	exit 0
fi
make -s -C "$tree" O="$top/build/obj-headers-7.2" ARCH=x86_64 \
	INSTALL_HDR_PATH="$hdrs" headers_install
rm -rf "$out" && mkdir -p "$out"
# -include: Debian's 7.2.13 selftests do not build as shipped (fixup.h)
make -s -C "$src" OUTPUT="$out" KHDR_INCLUDES="-isystem $hdrs/include" \
	EXTRA_CFLAGS="-include $top/tests/vfio-selftests/fixup.h" >"$out.log" 2>&1 ||
	{ cat "$out.log" >&2; exit 1; }
echo "$want" >"$stamp"
echo "vfio-selftests: $(cd "$out" && ls -- *_test | wc -l) tests in build/vfio-selftests"
