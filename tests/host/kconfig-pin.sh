#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test kernels do not depend on what else is installed on the machine
# that builds them. Kconfig sets CONFIG_PAHOLE_VERSION from the pahole on
# PATH; every make of a test kernel's tree pins it absent (vv_kpin in
# kernel/scripts/base.sh). So installing dwarves, as a server kernel with
# BTF needs, changes no test kernel's autoconf.h, and ccache keeps hitting
# in its direct mode. A fake pahole on PATH stands for dwarves here.
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/vm/lib.sh"
. "$top/kernel/scripts/base.sh"
vv_base 6.12
if [ ! -d "$tree/.git" ]; then
	ok 1 "the Linux 6.12 tree is prepared (run make)"
	done_testing
	exit
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin"
printf '#!/bin/sh\necho v1.24\n' >"$tmp/bin/pahole"
chmod +x "$tmp/bin/pahole"
pv() { grep '^CONFIG_PAHOLE_VERSION=' "$1/.config"; }

# the fake is seen: the kernel's own configuration, unpinned, takes it
PATH=$tmp/bin:$PATH make -s -C "$tree" O="$tmp/plain" ARCH=x86_64 tinyconfig >"$tmp/log" 2>&1
is "$(pv "$tmp/plain")" CONFIG_PAHOLE_VERSION=124 \
	"an unpinned tinyconfig takes the pahole on PATH (the fake is seen)" ||
	sed 's/^/# /' "$tmp/log" | tail -5

PATH=$tmp/bin:$PATH VV_OBJ=$tmp/m VV_CONFIG_ONLY=1 \
	bash "$top/kernel/scripts/build.sh" m >"$tmp/log" 2>&1
ok $? "build.sh configures the =m kernel in a scratch tree" || sed 's/^/# /' "$tmp/log" | tail -5
is "$(pv "$tmp/m")" CONFIG_PAHOLE_VERSION=0 \
	"the =m kernel's config does not take the pahole on PATH"

# a make without the pin would configure the tree again (Kconfig
# remembers which PAHOLE it asked) and take the pahole on PATH. (The
# Makefile's makes of those trees, headers_install and M=, configure
# nothing; packaging/server-kernel.sh builds its own tree, with BTF.)
cd "$top" || exit 1
unpinned=$(grep -nE '\bmake\b.*\bO=' kernel/scripts/*.sh tests/host/*.sh |
	grep -v vv_kpin | grep -v '^tests/host/kconfig-pin\.sh:')
is "$unpinned" "" "every make of a test kernel's tree in kernel/scripts and tests/host pins pahole"

# Each script that compiles a kernel through ccache asks for its depend
# mode (why: kernel/scripts/build.sh)
nodepend=
for f in $(grep -lE 'CC="ccache ' kernel/scripts/*.sh tests/host/*.sh); do
	grep -q 'CCACHE_DEPEND=1' "$f" || nodepend+=" $f"
done
is "${nodepend# }" "" "every kernel compile through ccache uses its depend mode (no preprocessor run on a miss)"
done_testing
