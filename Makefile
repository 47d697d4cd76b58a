# SPDX-License-Identifier: GPL-2.0
#
# vfio-variant: see README.md.
#
#   make            kernel (both test flavours), test programs, tools
#   make demo       boot the '=m' kernel and show the main job
#   make check      everything: host suites, both kernels in the VM, self-test
#   make check T=glob[,glob]   only the tests whose names match
#   make series     turn commits in build/linux back into kernel/patches
#                   (BASE=7.2: build/linux-7.2 into kernel/patches-7.2)
#   make deps       install the Debian packages that are missing
#
#   make tool       just the vfio-variant tool (needs only a C compiler,
#                   pkg-config, libkmod-dev and libpci-dev)
#   make install    the tool, its man page, the udev rule and its systemd
#                   unit (PREFIX=/usr/local, DESTDIR=); make uninstall
#   make deb        Debian packages in build/deb: vfio-variant, the NVLink2
#                   variants' DKMS package, and the patched kernel's
#                   linux-image/linux-headers (the '=m' test kernel; with
#                   KCONFIG=/boot/config-6.12.x-amd64, a server kernel: see
#                   Documentation/admin-guide/vfio-variant.rst)

TOP       := $(CURDIR)
BUILD     := $(TOP)/build
# m-debug (KASAN, lockdep, UBSAN, kmemleak) runs in 'make stress': its
# kernel, the costliest to compile, and its guest (about 10 minutes) do not
# fit CI's time on a bare machine, where every kernel compiles cold
FLAVOURS  ?= m y m-7.2 unpatched
BASE      ?= 6.12
T         ?= *
MAKEFLAGS += --no-print-directory

CC        ?= gcc
CSTD      := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -g
HDRS      := $(BUILD)/headers
TESTBIN   := $(BUILD)/tests

CLIENTS   := vfio-edu vfio-nvlink2 vfio-fuzz vv-bench sysfs-write
CLIENT_BINS := $(addprefix $(TESTBIN)/,$(CLIENTS))

.PHONY: all tools tool install uninstall install-dkms uninstall-dkms deb deb-tools deb-kernel tool-kmod deps prepare \
	kernel kernel-% headers clients vfio-selftests check check-vm selftest demo bench stress series \
	kernel-reset clean distclean

all: kernel clients tools vfio-selftests

deps:
	@bash kernel/scripts/deps.sh

# the tree of BASE (kernel/scripts/base.sh); a kernel's build prepares its own
prepare: deps
	@VV_BASE=$(BASE) bash kernel/scripts/prepare.sh

kernel: prepare
	@for f in $(FLAVOURS); do bash kernel/scripts/build.sh $$f || exit 1; done

kernel-%: deps
	@bash kernel/scripts/build.sh $*

# mainline's VFIO selftests, a peer's test suite the guests run
vfio-selftests: deps
	@bash tests/vfio-selftests/build.sh

# UAPI headers of the patched tree, for the client tests and the tool
headers: prepare
	@$(MAKE) -s -C $(BUILD)/linux O=$(BUILD)/obj-headers ARCH=x86_64 \
		INSTALL_HDR_PATH=$(HDRS) headers_install

$(TESTBIN)/%: tests/client/%.c tests/client/vfio_util.c tests/client/vfio_util.h | headers
	@mkdir -p $(TESTBIN)
	$(CC) $(CSTD) -I$(HDRS)/include -o $@ $< tests/client/vfio_util.c

clients: $(CLIENT_BINS)

# the userspace tool, and a sanitizer build of it for the tests: they need
# only the tool's build dependencies, not 'make deps'
VERSION   := $(shell cat $(TOP)/VERSION)
PKG_CONFIG ?= pkg-config
TOOLDIR   := $(BUILD)/tools
TOOL_SRC  := tools/vfio-variant/vfio-variant.c tools/vfio-variant/rank.c
TOOL_DEPS := $(TOOL_SRC) tools/vfio-variant/rank.h VERSION
TOOL_LIBS  = $(shell $(PKG_CONFIG) --libs libkmod libpci)
TOOL_STD  := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -DVV_VERSION='"$(VERSION)"'
CFLAGS    ?= -O2 -g
SANITIZE  := -fsanitize=address,undefined -fno-omit-frame-pointer
TOOL_CHECK = @$(PKG_CONFIG) --exists libkmod libpci 2>/dev/null || { echo "vfio-variant \
needs libkmod and libpci: apt-get install gcc make pkg-config libkmod-dev libpci-dev" >&2; exit 1; }

tool: $(TOOLDIR)/vfio-variant

$(TOOLDIR)/vfio-variant: $(TOOL_DEPS)
	$(TOOL_CHECK)
	@mkdir -p $(TOOLDIR)
	$(CC) $(TOOL_STD) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $(TOOL_SRC) $(TOOL_LIBS)

$(TOOLDIR)/vfio-variant-asan: $(TOOL_DEPS)
	$(TOOL_CHECK)
	@mkdir -p $(TOOLDIR)
	$(CC) $(TOOL_STD) -O1 -g $(SANITIZE) -o $@ $(TOOL_SRC) $(TOOL_LIBS)

# the unit test ranks the cases the kernel's KUnit suite checks, from the
# series' own table (drivers/pci/tests/pci-override-rank-cases.h)
RANK_CASES := $(BUILD)/linux/drivers/pci/tests
$(TOOLDIR)/test-rank: tools/vfio-variant/test-rank.c tools/vfio-variant/rank.c tools/vfio-variant/rank.h | prepare
	@mkdir -p $(TOOLDIR)
	$(CC) $(TOOL_STD) -O1 -g $(SANITIZE) -I$(RANK_CASES) -o $@ tools/vfio-variant/test-rank.c tools/vfio-variant/rank.c

tools: $(TOOLDIR)/vfio-variant $(TOOLDIR)/vfio-variant-asan $(TOOLDIR)/test-rank

# make install: where udev and systemd look for rules and units (their
# pkg-config files say, /lib or /usr/lib), whatever the PREFIX
PREFIX    ?= /usr/local
SBINDIR   ?= $(PREFIX)/sbin
MANDIR    ?= $(PREFIX)/share/man
UDEVDIR   ?= $(or $(shell $(PKG_CONFIG) --variable=udevdir udev 2>/dev/null),/lib/udev)
UNITDIR   ?= $(or $(shell $(PKG_CONFIG) --variable=systemdsystemunitdir systemd 2>/dev/null),/lib/systemd/system)
INSTALLED := $(SBINDIR)/vfio-variant $(MANDIR)/man8/vfio-variant.8 \
	$(UDEVDIR)/rules.d/60-vfio-variant.rules $(UNITDIR)/vfio-variant@.service

install: $(TOOLDIR)/vfio-variant
	install -D -m 0755 $(TOOLDIR)/vfio-variant $(DESTDIR)$(SBINDIR)/vfio-variant
	install -D -m 0644 tools/vfio-variant/vfio-variant.8 $(DESTDIR)$(MANDIR)/man8/vfio-variant.8
	install -D -m 0644 udev/60-vfio-variant.rules $(DESTDIR)$(UDEVDIR)/rules.d/60-vfio-variant.rules
	@mkdir -p $(DESTDIR)$(UNITDIR)
	sed 's|@SBINDIR@|$(SBINDIR)|g' udev/vfio-variant@.service.in >$(DESTDIR)$(UNITDIR)/vfio-variant@.service
	@chmod 0644 $(DESTDIR)$(UNITDIR)/vfio-variant@.service
	@[ -n "$(DESTDIR)" ] || echo "installed; now: udevadm control --reload; systemctl daemon-reload"

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))

# the NVLink2 variants as DKMS source (dkms install vfio-variant-nvlink2/$(VERSION))
DKMS_NAME := vfio-variant-nvlink2
DKMS_DEST  = $(DESTDIR)/usr/src/$(DKMS_NAME)-$(VERSION)
DKMS_SRC  := $(addprefix drivers/vfio/pci/nvlink2/,Makefile nvlink2gpu.c npu2.c nvlink2.h nvlink2_compat.h \
	nvlink2_ext.h) packaging/dkms/Kbuild packaging/dkms/dkms-version.h

install-dkms:
	install -d $(DKMS_DEST)
	install -m 0644 $(DKMS_SRC) $(DKMS_DEST)/
	sed 's/#MODULE_VERSION#/$(VERSION)/' packaging/dkms/dkms.conf >$(DKMS_DEST)/dkms.conf

uninstall-dkms:
	rm -rf $(DKMS_DEST)

# Debian packages, in build/deb (packaging/README.md)
deb: deb-tools deb-kernel

deb-tools:
	@bash packaging/build-deb.sh

ifeq ($(KCONFIG),)
deb-kernel: prepare
	@VV_KERNEL_DEB=$(BUILD)/deb bash kernel/scripts/build.sh m
else
# a server's kernel needs linux-source-6.12 and git, not 'make deps'
deb-kernel:
	@bash kernel/scripts/prepare.sh
	@bash packaging/server-kernel.sh "$(KCONFIG)"
endif

# test variants the tool's ranking test installs in its guest only
# (tests/tool-kmod: an external build against the '=m' kernel)
tool-kmod: prepare
	@[ -f $(BUILD)/obj-m/Module.symvers ] || bash kernel/scripts/build.sh m
	@rm -rf $(BUILD)/tool-kmod && mkdir -p $(BUILD)/tool-kmod
	@cp tests/tool-kmod/* $(BUILD)/tool-kmod/
	@$(MAKE) -s -C $(BUILD)/linux O=$(BUILD)/obj-m ARCH=x86_64 M=$(BUILD)/tool-kmod \
		VV_KMOD=$(TOP)/tests/kmod modules

# 'make deb' builds the =m kernel (bindeb-pkg needs it built): not twice
check: deb $(addprefix kernel-,$(filter-out m,$(FLAVOURS))) clients tools vfio-selftests tool-kmod
	@python3 tests/run.py --host $(addprefix --flavour ,$(FLAVOURS)) \
		--tests '$(T)' $(if $(filter *,$(T)),--selftest --bench-smoke)

selftest: kernel-m
	@python3 tests/run.py --selftest

demo: kernel-m clients tools
	@python3 tests/run.py --flavour m --suite demo --show

series:
	@VV_BASE=$(BASE) bash kernel/scripts/export-series.sh

# drop everything in BASE's tree that is not in its patch directory
KTREE = $(BUILD)/linux$(if $(filter-out 6.12,$(BASE)),-$(BASE))
kernel-reset:
	@rm -f $(KTREE)/.git/vv-series
	@git -C $(KTREE) update-index --no-skip-worktree Kconfig Kbuild
	@git -C $(KTREE) reset -q --hard vv-base
	@VV_BASE=$(BASE) bash kernel/scripts/prepare.sh

clean:
	rm -rf $(BUILD)/obj-* $(BUILD)/mods-* $(BUILD)/vm $(TESTBIN) $(HDRS) $(TOOLDIR) \
		$(BUILD)/deb $(BUILD)/tool-kmod

distclean:
	rm -rf $(BUILD)

# benchmarks: report only, never fail on a figure (VV_BENCH_N runs each)
# the reliability suite on the debug kernel (KASAN, lockdep, UBSAN,
# kmemleak): the tests whose paths the checkers watch (the NVLink2 regions,
# hot reset, SR-IOV, the ranking core, deferral, the concurrent and stock
# flows), with 60 s storms and 100000 fuzz calls of a fresh seed, and the
# hostile-input and bind-cycle tests that make check runs on the other
# kernels only (under TCG the debug kernel makes about 70 VFIO calls a
# second). Then every patch of both series built on its own.
STRESS_TESTS ?= fuzz,storm-nvlink2,override-concurrency,override-bad-input,override-cycles,nvlink2,override-autoload-scope,core-rank,hot-reset,override-defer,override-stock-flows,sriov
stress: kernel-m-debug clients tools
	@python3 tests/run.py --flavour m-debug --stress --timeout 7200 --tests '$(STRESS_TESTS)'
	@python3 tests/run.py --host --stress --tests series-bisect

bench: kernel-m clients
	@python3 tests/run.py --flavour m --suite bench --show --bench-report $(BUILD)/bench
