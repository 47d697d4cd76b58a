#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian 12 packages the project needs, when they are missing.
# Called by 'make deps' (and so by every other target); safe to run often.
set -euo pipefail

pkgs=(
	# kernel source and build
	linux-source-6.12 build-essential flex bison bc cpio kmod libelf-dev
	libssl-dev rsync xz-utils ccache sparse gcc-powerpc64le-linux-gnu python3-ply python3-git
	# the VM harness
	qemu-system-x86 python3
	# userspace: tool, udev, interoperation tests
	pkg-config libkmod-dev libpci-dev pciutils udev driverctl
	libvirt-daemon libvirt-daemon-system libvirt-clients dbus
	# a Debian 13 root for the tests of its libvirt and QEMU (kernel/scripts/root.sh)
	mmdebstrap
	# benchmarks
	gnuplot-nox man-db
	# Documentation/ parses (tests/host/docs.sh)
	python3-docutils
	# Debian packages (make deb) and their test: debhelper, DKMS, lintian
	dpkg-dev debhelper dh-dkms dkms lintian fakeroot
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages: ${missing[*]}" >&2
	echo "deps: run 'sudo make deps' (or apt-get install them) and retry" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
