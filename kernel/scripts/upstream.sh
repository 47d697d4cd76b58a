#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# upstream.sh WHAT: the newest upstream kernel, from Debian's linux-source
# package of unstable, fetched with a private apt configuration under
# build/apt (the host's apt sources are not touched) into build/upstream.
# Cached: fetched again only with VV_UPSTREAM_REFRESH=1.
#
#   source           build/upstream/linux-source-7.2.tar.xz, the pristine
#                    source of the 7.2 base (kernel/scripts/base.sh)
#   vfio-selftests   tools/testing/selftests/vfio of it, unpacked (their
#                    setup and cleanup scripts bind a device "vfio-pci" by
#                    name)
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
what=${1:?usage: upstream.sh source|vfio-selftests}
pkg=linux-source-7.2
apt=$top/build/apt
up=$top/build/upstream
tarball=$up/$pkg.tar.xz

fetch_source() {
	[ -f "$tarball" ] && [ "${VV_UPSTREAM_REFRESH:-0}" != 1 ] && return 0
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/etc" "$up"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main" \
		>"$apt/etc/sources.list"
	local opts=(-o Dir::Etc::sourcelist="$apt/etc/sources.list"
		    -o Dir::Etc::sourceparts=/nonexistent -o Dir::State::Lists="$apt/lists"
		    -o Dir::Cache="$apt/cache" -o APT::Sandbox::User=root -o Debug::NoLocking=1)
	echo "upstream: fetching $pkg (Debian unstable)"
	apt-get -qq "${opts[@]}" update
	(cd "$apt/cache" && rm -f ${pkg}_*.deb && apt-get -qq "${opts[@]}" download "$pkg")
	local deb
	deb=$(ls "$apt/cache"/${pkg}_*.deb)
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/src/$pkg.tar.xz" >"$tarball.tmp"
	basename "$deb" >"$up/$pkg.version"
	rm -f "$deb"
	mv "$tarball.tmp" "$tarball"
	echo "upstream: $(cat "$up/$pkg.version") in ${tarball#$top/}"
}

case $what in
source)
	fetch_source
	;;
vfio-selftests)
	path=tools/testing/selftests/vfio
	out=$up/$what
	[ -f "$out/.vv-upstream" ] && [ "${VV_UPSTREAM_REFRESH:-0}" != 1 ] && exit 0
	fetch_source
	rm -rf "$out" "$out.tmp" && mkdir -p "$out.tmp"
	depth=$(($(echo "$path" | tr -cd / | wc -c) + 1))
	# the 7.2 tree's pristine commit is this tarball unpacked (prepare.sh):
	# taken from there, the tarball is not decompressed a second time
	t72=$top/build/linux-7.2
	ver=$(sed -E 's/^[^_]*_([^-]*)-.*/\1/' "$up/$pkg.version")
	if git -C "$t72" log -1 --format=%s vv-base 2>/dev/null | grep -qE " ${ver//./\\.}( |$)"; then
		git -C "$t72" archive vv-base "$path" | tar -x -C "$out.tmp" --strip-components=$depth
	else
		xz -dc "$tarball" | tar -x -C "$out.tmp" --strip-components=$((depth + 1)) "$pkg/$path"
	fi
	cp "$up/$pkg.version" "$out.tmp/.vv-upstream"
	mv "$out.tmp" "$out"
	echo "upstream: $what from $(cat "$out/.vv-upstream") in build/upstream/$what"
	;;
*)
	echo "upstream: unknown part '$what'" >&2
	exit 2
	;;
esac
