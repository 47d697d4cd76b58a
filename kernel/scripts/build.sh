#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh FLAVOUR: configure and build one test kernel from build/linux
# into build/obj-FLAVOUR, and install its modules into build/mods-FLAVOUR.
#
#   m       VFIO and every variant as modules   (base + series + modules fragments)
#   y       VFIO and every variant built in     (base + series + builtin fragments)
#   m-debug, y-debug: the same plus the debug fragment (KASAN, lockdep, ...)
#   unpatched  the =m kernel from the pristine source, without the series:
#           the baseline that tests and benchmarks compare with
#           (base + modules + unpatched fragments, tree build/linux-unpatched)
#   m-7.2   the =m kernel of the 7.2 base (build/linux-7.2, kernel/patches-7.2);
#           any flavour takes a -7.2 suffix (kernel/scripts/base.sh)
#
# The config is tinyconfig plus kernel/configs/*.config; every symbol a
# fragment asks for must end up in .config, or the build stops and says
# which one did not.
#
# VV_OBJ=DIR VV_CONFIG_ONLY=1: configure DIR instead, and build nothing.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
flavour=${1:?usage: build.sh m|y|m-debug|y-debug|unpatched[-7.2]}
. "$top/kernel/scripts/base.sh"
vv_base "$(vv_flavour_base "$flavour")"
export VV_BASE=$base
patched=$tree
obj=${VV_OBJ:-$top/build/obj-$flavour}
mods=$top/build/mods-$flavour
cfgdir=$top/kernel/configs

frags=("$cfgdir/base.config")
# symbols of one base only (kernel/configs/BASE.config)
[ -f "$cfgdir/$base.config" ] && frags+=("$cfgdir/$base.config")
# the tree of the flavour's base, up to date with its series and the overlay
bash "$top/kernel/scripts/prepare.sh"

case ${flavour%-"$base"} in
m | m-debug) frags+=("$cfgdir/series.config" "$cfgdir/modules.config") ;;
y | y-debug) frags+=("$cfgdir/series.config" "$cfgdir/builtin.config") ;;
unpatched)
	frags+=("$cfgdir/modules.config" "$cfgdir/unpatched.config")
	tree=$tree-unpatched
	bash "$top/kernel/scripts/prepare.sh" --unpatched
	;;
*) echo "build: unknown flavour '$flavour'" >&2; exit 2 ;;
esac
case ${flavour%-"$base"} in *-debug) frags+=("$cfgdir/debug.config") ;; esac

kmake=(make -s -C "$tree" O="$obj" ARCH=x86_64 -j"$(nproc)" "$vv_kpin"
	KBUILD_BUILD_USER=vfio-variant KBUILD_BUILD_HOST=build
	KBUILD_BUILD_TIMESTAMP="$(git -C "$tree" log -1 --format=%cd)")
# relative paths in ccache's hash, so that clones share the cache; depend
# mode, because on a bare machine every object is a miss, and a miss in
# ccache's default mode runs the preprocessor as well as the compiler: 1.8
# times gcc's time, against 1.2 in depend mode (which takes the headers from
# the compiler's -MMD file). A hit costs the same in both.
command -v ccache >/dev/null && kmake+=(CC="ccache gcc") &&
	export CCACHE_BASEDIR=$top CCACHE_DEPEND=1

mkdir -p "$obj"
stamp=$obj/.vv-fragments
want=$(cat "${frags[@]}" "$patched/.git/vv-series" | sha1sum)
[ "$tree" != "$patched" ] && want=$(cat "${frags[@]}" | sha1sum)
if [ ! -f "$obj/.config" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] ||
	[ -n "$(find "$top/Kconfig" "$top/tests/kmod" "$top/drivers" -name 'Kconfig*' -newer "$obj/.config" 2>/dev/null)" ]; then
	echo "build[$flavour]: configuring"
	"${kmake[@]}" tinyconfig >/dev/null
	KCONFIG_CONFIG=$obj/.config "$tree/scripts/kconfig/merge_config.sh" -m -O "$obj" \
		"$obj/.config" "${frags[@]}" >"$obj/.merge.log"
	"${kmake[@]}" olddefconfig >/dev/null
	bad=0
	while read -r line; do
		case $line in
		CONFIG_*=*) sym=${line%%=*} ;;
		"# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *} ;;
		*) continue ;;
		esac
		got=$(grep -E "^($sym=|# $sym is not set)" "$obj/.config" || true)
		if [ "$line" != "$got" ] && ! { [ -z "$got" ] && [[ $line == *"is not set" ]]; }; then
			echo "build[$flavour]: wanted '$line', got '${got:-nothing}'" >&2
			bad=1
		fi
	done < <(cat "${frags[@]}")
	[ $bad = 0 ] || { echo "build[$flavour]: config incomplete (see kernel/configs/)" >&2; exit 1; }
	echo "$want" >"$stamp"
fi
# (tests/host/kconfig-pin.sh configures a scratch tree, VV_OBJ, and stops)
[ -z "${VV_CONFIG_ONLY:-}" ] || exit 0

echo "build[$flavour]: compiling"
"${kmake[@]}" bzImage
if grep -q '^CONFIG_MODULES=y' "$obj/.config"; then
	"${kmake[@]}" modules
	rm -rf "$mods"
	"${kmake[@]}" INSTALL_MOD_PATH="$mods" modules_install
	# the guest mounts build/mods-FLAVOUR/lib/modules at /lib/modules;
	# the symlinks back into the build tree are useless there
	rm -f "$mods"/lib/modules/*/build "$mods"/lib/modules/*/source
fi
"${kmake[@]}" kernelrelease >"$obj/.vv-release"
echo "build[$flavour]: $(cat "$obj/.vv-release") in ${obj#$top/}"

# 'make deb': the kernel as Debian packages (linux-image, linux-headers)
# with the kernel's own bindeb-pkg, from this build, into $VV_KERNEL_DEB
if [ -n "${VV_KERNEL_DEB:-}" ]; then
	echo "build[$flavour]: bindeb-pkg"
	rm -f "$obj"/../linux-*_*.deb "$obj"/../linux-upstream_*
	"${kmake[@]}" bindeb-pkg >"$obj/.vv-bindeb.log" 2>&1 ||
		{ tail -20 "$obj/.vv-bindeb.log" >&2; exit 1; }
	mkdir -p "$VV_KERNEL_DEB"
	rm -f "$VV_KERNEL_DEB"/linux-*_*.deb "$VV_KERNEL_DEB"/linux-upstream_*
	mv "$obj"/../linux-*_*.deb "$obj"/../linux-upstream_* "$VV_KERNEL_DEB/"
	ls "$VV_KERNEL_DEB"/linux-*.deb
fi
