#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# upstream.sh WHAT: parts of the newest upstream kernel that tests run, from
# Debian's linux-source package of unstable, fetched with a private apt
# configuration under build/apt (the host's apt sources are not touched)
# and unpacked under build/upstream. Cached: done again only when the
# package's version changes.
#
#   vfio-selftests   tools/testing/selftests/vfio (their setup and cleanup
#                    scripts bind a device "vfio-pci" by name)
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
what=${1:?usage: upstream.sh vfio-selftests}
pkg=linux-source-7.2
case $what in
vfio-selftests) path=tools/testing/selftests/vfio ;;
*) echo "upstream: unknown part '$what'" >&2; exit 2 ;;
esac
apt=$top/build/apt
out=$top/build/upstream/$what
[ -f "$out/.vv-upstream" ] && [ "${VV_UPSTREAM_REFRESH:-0}" != 1 ] && exit 0

mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/etc"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main" \
	>"$apt/etc/sources.list"
opts=(-o Dir::Etc::sourcelist="$apt/etc/sources.list" -o Dir::Etc::sourceparts=/nonexistent
      -o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" -o APT::Sandbox::User=root
      -o Debug::NoLocking=1)
echo "upstream: fetching $pkg (Debian unstable) for $path"
apt-get -qq "${opts[@]}" update
(cd "$apt/cache" && rm -f ${pkg}_*.deb && apt-get -qq "${opts[@]}" download "$pkg")
deb=$(ls "$apt/cache"/${pkg}_*.deb)
rm -rf "$out" "$out.tmp" && mkdir -p "$out.tmp"
dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$pkg.tar.xz" | xz -dc |
	tar -x -C "$out.tmp" --strip-components=$(( $(echo "$path" | tr -cd / | wc -c) + 2 )) \
		"$pkg/$path"
basename "$deb" >"$out.tmp/.vv-upstream"
rm -f "$deb"
mv "$out.tmp" "$out"
echo "upstream: $what from $(cat "$out/.vv-upstream") in build/upstream/$what"
