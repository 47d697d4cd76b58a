# SPDX-License-Identifier: GPL-2.0
#
# The kernels the series is kept for, sourced by the scripts that prepare,
# build, export and check it. Each base has its own pristine source, patch
# directory, cover letter and tree under build/:
#
#   6.12   Debian 12/13's Linux 6.12 (linux-source-6.12): what a server runs
#          kernel/patches, kernel/cover-letter, build/linux
#   7.2    the newest release, Debian unstable's linux-source-7.2, fetched
#          with a private apt configuration (kernel/scripts/upstream.sh):
#          what maintainers take patches against
#          kernel/patches-7.2, kernel/cover-letter-7.2, build/linux-7.2
#
# vv_base BASE sets: base, patches, cover, tree (and series_version, the -v
# of git format-patch). A test kernel flavour names its base by a suffix:
# m, y, m-debug, unpatched are 6.12's; m-7.2 is 7.2's (vv_flavour_base).

VV_BASES="6.12 7.2"

# Every make of a test kernel's tree takes this argument. Kconfig sets
# CONFIG_PAHOLE_VERSION from the pahole on PATH when it configures a tree,
# and remembers which PAHOLE it asked. With dwarves installed (a server
# kernel with BTF needs it: packaging/server-kernel.sh, which does not pin
# it) every test kernel's autoconf.h would change. Then ccache would miss its
# direct mode on every file, and each build would take two to three times
# as long. The test kernels have no BTF; pahole is pinned absent for them.
vv_kpin=PAHOLE=/dev/null/pahole

vv_flavour_base() { # FLAVOUR: print its base
	case $1 in
	*-7.2) echo 7.2 ;;
	*) echo 6.12 ;;
	esac
}

vv_base() { # BASE
	base=${1:-6.12}
	case $base in
	6.12)
		patches=$top/kernel/patches
		cover=$top/kernel/cover-letter
		tree=$top/build/linux
		series_version=2
		;;
	7.2)
		patches=$top/kernel/patches-7.2
		cover=$top/kernel/cover-letter-7.2
		tree=$top/build/linux-7.2
		series_version=3
		;;
	*)
		echo "unknown kernel base '$base' (one of: $VV_BASES)" >&2
		return 2
		;;
	esac
}

# The pristine source of a base, as a tarball whose top directory is the
# source tree (printed), fetched first where it has to be.
vv_base_tarball() { # BASE
	case $1 in
	6.12) ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -n1 ;;
	7.2)
		bash "$top/kernel/scripts/upstream.sh" source >&2 || return 1
		echo "$top/build/upstream/linux-source-7.2.tar.xz"
		;;
	esac
}
