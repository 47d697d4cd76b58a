#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 'make deb-kernel KCONFIG=FILE': the patched kernel for a real server, as
# Debian packages (linux-image, linux-headers) made by the kernel's own
# bindeb-pkg, in build/deb. The base is the distribution's config (FILE:
# /boot/config-6.12.x-amd64 of the running Debian 6.12 kernel, or Debian's
# config.amd64_none_amd64 from linux-config-6.12), updated with
# olddefconfig for the series; the source is Debian's linux-source-6.12
# with the series applied (build/linux at its head), without the test
# kernels' overlay (tests/kmod, the simulated node): a worktree,
# build/server/linux, built in build/server/obj.
#
# Environment: LSMOD=FILE trims the config to the modules FILE ('lsmod'
# output of the target machine) lists, with localmodconfig: a shorter
# build, for that machine only. JOBS=N (default: the number of CPUs).
# See Documentation/admin-guide/vfio-variant.rst, "Installing".
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
base=${1:?usage: server-kernel.sh CONFIG}
src=$top/build/linux
tree=$top/build/server/linux
obj=$top/build/server/obj
out=$top/build/deb

die() { echo "server-kernel: $*" >&2; exit 1; }

[ -f "$base" ] || die "no config $base"
grep -q '^CONFIG_X86_64=y\|^CONFIG_PPC64=y\|^CONFIG_ARM64=y' "$base" ||
	die "$base does not look like a kernel config"
head=$(git -C "$src" rev-parse HEAD)
if [ ! -e "$tree/.git" ]; then
	mkdir -p "$(dirname "$tree")"
	git -C "$src" worktree add -q --detach "$tree" "$head"
else
	git -C "$tree" checkout -q --detach "$head"
fi

mkdir -p "$obj"
cp "$base" "$obj/.config"
cfg=("$tree/scripts/config" --file "$obj/.config")
# Debian's config names Debian's certificates, which only Debian's build has:
# the build makes its own module signing key instead
"${cfg[@]}" --set-str SYSTEM_TRUSTED_KEYS "" --set-str SYSTEM_REVOCATION_KEYS ""
# a release name of its own, beside the distribution's kernels
"${cfg[@]}" --set-str LOCALVERSION "-vfio-variant" --disable LOCALVERSION_AUTO
# the series' options: its KUnit suite is for the test kernels; vfio-pci and
# the variants stay as the distribution configures them
"${cfg[@]}" --disable PCI_DRIVER_KUNIT_TEST --module VFIO_PCI

arch=$(sed -n 's/^# Linux\/\([a-z0-9_]*\) .*/\1/p' "$obj/.config" | head -n1)
# LOCALVERSION= (empty): no "+" for a git tree, the release is 6.12.N-vfio-variant
kmake=(make -C "$tree" O="$obj" -j"${JOBS:-$(nproc)}" ARCH="${arch:-x86_64}" LOCALVERSION=)
command -v ccache >/dev/null && kmake+=(CC="ccache gcc")
echo "server-kernel: olddefconfig from $base"
"${kmake[@]}" olddefconfig >/dev/null
if [ -n "${LSMOD:-}" ]; then
	echo "server-kernel: localmodconfig for the modules in $LSMOD"
	# the defaults for any question (yes ends on SIGPIPE: not a failure)
	set +o pipefail
	yes '' | "${kmake[@]}" LSMOD="$LSMOD" localmodconfig >/dev/null 2>&1
	set -o pipefail
fi
grep -q '^CONFIG_VFIO_PCI=[ym]' "$obj/.config" || die "CONFIG_VFIO_PCI is off in the result"

echo "server-kernel: bindeb-pkg ($(nproc) CPUs): long, see the admin guide for figures"
rm -f "$obj"/../linux-*_*.deb "$obj"/../linux-upstream_*
"${kmake[@]}" bindeb-pkg >"$obj/../bindeb.log" 2>&1 ||
	{ tail -20 "$obj/../bindeb.log" >&2; die "bindeb-pkg failed (build/server/bindeb.log)"; }
mkdir -p "$out"
mv "$obj"/../linux-*_*.deb "$out/"
rm -f "$obj"/../linux-upstream_*
ls "$out"/linux-image-*-vfio-variant_*.deb "$out"/linux-headers-*-vfio-variant_*.deb
