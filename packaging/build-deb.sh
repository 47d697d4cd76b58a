#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make deb-tools': the vfio-variant and vfio-variant-nvlink2-dkms Debian
# packages, built with debhelper from a copy of what they contain
# (packaging/debian as debian/), then checked with lintian. The packages,
# .changes and the lintian report end up in build/deb.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
version=$(cat "$top/VERSION")
out=$top/build/deb
src=$out/src/vfio-variant-$version

die() { echo "deb: $*" >&2; exit 1; }

want=$(sed -n 's/^vfio-variant (\([^)]*\)).*/\1/p;q' "$top/packaging/debian/changelog")
[ "$want" = "$version" ] ||
	die "packaging/debian/changelog is at $want, VERSION at $version: add a changelog entry"
command -v dpkg-buildpackage >/dev/null ||
	die "dpkg-buildpackage is missing: apt-get install dpkg-dev debhelper dh-dkms"

rm -rf "$out/src" "$out"/vfio-variant*_* "$out"/lintian.txt
mkdir -p "$src"
(cd "$top" && cp -a --parents Makefile VERSION tools/vfio-variant udev packaging/dkms \
	drivers/vfio/pci/nvlink2 "$src/")
rm -f "$src"/drivers/vfio/pci/nvlink2/*.o "$src"/drivers/vfio/pci/nvlink2/.*.cmd
cp -a "$top/packaging/debian" "$src/debian"

cd "$src"
dpkg-checkbuilddeps || die "install the build dependencies above (or run 'make deps')"
echo "deb: building vfio-variant $version"
dpkg-buildpackage -b -us -uc >"$out/build.log" 2>&1 ||
	{ tail -30 "$out/build.log" >&2; die "dpkg-buildpackage failed (build/deb/build.log)"; }
cd "$out"
mv "$out"/src/vfio-variant*_"$version"_* "$out/"
rm -rf "$out/src"
changes=$(ls "$out"/vfio-variant_"$version"_*.changes)
if command -v lintian >/dev/null; then
	# lintian exits non-zero on errors; warnings are shown and kept
	lintian --info --display-info --fail-on error,warning "$changes" | tee "$out/lintian.txt" ||
		die "lintian found problems (build/deb/lintian.txt)"
else
	echo "deb: lintian is not installed: packages not checked" >&2
fi
ls "$out"/*.deb
