#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# root.sh NAME: a Debian root for the VM tests in build/roots/NAME, made
# with mmdebstrap from Debian's archive (the host's apt sources are not
# touched), and remade when the package list below changes.
#
#   trixie   Debian 13: libvirt 11.3, QEMU 10.0 (tests with '# vv-root: trixie')
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
name=${1:?usage: root.sh NAME}
case $name in
trixie)
	suite=trixie
	pkgs=libvirt-daemon-system,libvirt-clients,qemu-system-x86,dbus,kmod,pciutils,procps,iproute2,python3
	;;
*) echo "root: unknown root '$name'" >&2; exit 2 ;;
esac
dir=$top/build/roots/$name
want=$(echo "$suite $pkgs" | sha1sum | cut -d' ' -f1)
[ "$(cat "$dir/.vv-root" 2>/dev/null)" = "$want" ] && exit 0

command -v mmdebstrap >/dev/null || { echo "root: mmdebstrap missing: run 'make deps'" >&2; exit 1; }
echo "root: making $name (Debian $suite: $pkgs)"
rm -rf "$dir" "$dir.tmp"
mkdir -p "$(dirname "$dir")"
mmdebstrap --quiet --variant=minbase --include="$pkgs" "$suite" "$dir.tmp" \
	http://deb.debian.org/debian
echo "$want" >"$dir.tmp/.vv-root"
mv "$dir.tmp" "$dir"
