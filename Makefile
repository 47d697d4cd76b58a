# SPDX-License-Identifier: GPL-2.0
#
# vfio-variant: see README.md.
#
#   make            kernel (both test flavours), test programs, tools
#   make demo       boot the '=m' kernel and show the main job
#   make check      everything: host suites, both kernels in the VM, self-test
#   make check T=glob[,glob]   only the tests whose names match
#   make series     turn commits in build/linux back into kernel/patches
#   make deps       install the Debian packages that are missing

TOP       := $(CURDIR)
BUILD     := $(TOP)/build
FLAVOURS  ?= m y m-debug unpatched
T         ?= *
MAKEFLAGS += --no-print-directory

CC        ?= gcc
CSTD      := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -g
HDRS      := $(BUILD)/headers
TESTBIN   := $(BUILD)/tests

CLIENTS   := vfio-edu vfio-nvlink2 vfio-fuzz vv-bench sysfs-write
CLIENT_BINS := $(addprefix $(TESTBIN)/,$(CLIENTS))

.PHONY: all tools deps prepare kernel kernel-% headers clients check check-vm \
	selftest demo bench stress series kernel-reset clean distclean

all: kernel clients tools

deps:
	@bash kernel/scripts/deps.sh

prepare: deps
	@bash kernel/scripts/prepare.sh

kernel: prepare
	@for f in $(FLAVOURS); do bash kernel/scripts/build.sh $$f || exit 1; done

kernel-%: prepare
	@bash kernel/scripts/build.sh $*

# UAPI headers of the patched tree, for the client tests and the tool
headers: prepare
	@$(MAKE) -s -C $(BUILD)/linux O=$(BUILD)/obj-headers ARCH=x86_64 \
		INSTALL_HDR_PATH=$(HDRS) headers_install

$(TESTBIN)/%: tests/client/%.c tests/client/vfio_util.c tests/client/vfio_util.h | headers
	@mkdir -p $(TESTBIN)
	$(CC) $(CSTD) -I$(HDRS)/include -o $@ $< tests/client/vfio_util.c

clients: $(CLIENT_BINS)

# the userspace tool, and a sanitizer build of it for the tests
TOOLDIR   := $(BUILD)/tools
TOOL_SRC  := tools/vfio-variant/vfio-variant.c tools/vfio-variant/rank.c
TOOL_DEPS := $(TOOL_SRC) tools/vfio-variant/rank.h
TOOL_LIBS  = $(shell pkg-config --libs libkmod libpci)
SANITIZE  := -fsanitize=address,undefined -fno-omit-frame-pointer

$(TOOLDIR)/vfio-variant: $(TOOL_DEPS) | deps
	@mkdir -p $(TOOLDIR)
	$(CC) $(CSTD) -o $@ $(TOOL_SRC) $(TOOL_LIBS)

$(TOOLDIR)/vfio-variant-asan: $(TOOL_DEPS) | deps
	@mkdir -p $(TOOLDIR)
	$(CC) $(CSTD) $(SANITIZE) -o $@ $(TOOL_SRC) $(TOOL_LIBS)

# the unit test ranks the cases the kernel's KUnit suite checks, from the
# series' own table (drivers/pci/tests/pci-override-rank-cases.h)
RANK_CASES := $(BUILD)/linux/drivers/pci/tests
$(TOOLDIR)/test-rank: tools/vfio-variant/test-rank.c tools/vfio-variant/rank.c tools/vfio-variant/rank.h | prepare
	@mkdir -p $(TOOLDIR)
	$(CC) $(CSTD) $(SANITIZE) -I$(RANK_CASES) -o $@ tools/vfio-variant/test-rank.c tools/vfio-variant/rank.c

tools: $(TOOLDIR)/vfio-variant $(TOOLDIR)/vfio-variant-asan $(TOOLDIR)/test-rank

check: all
	@python3 tests/run.py --host $(addprefix --flavour ,$(FLAVOURS)) \
		--tests '$(T)' $(if $(filter *,$(T)),--selftest --bench-smoke)

selftest: kernel-m
	@python3 tests/run.py --selftest

demo: kernel-m clients tools
	@python3 tests/run.py --flavour m --suite demo --show

series:
	@bash kernel/scripts/export-series.sh

# drop everything in build/linux that is not in kernel/patches
kernel-reset:
	@rm -f $(BUILD)/linux/.git/vv-series
	@git -C $(BUILD)/linux update-index --no-skip-worktree Kconfig Kbuild
	@git -C $(BUILD)/linux reset -q --hard vv-base
	@bash kernel/scripts/prepare.sh

clean:
	rm -rf $(BUILD)/obj-* $(BUILD)/mods-* $(BUILD)/vm $(TESTBIN) $(HDRS)

distclean:
	rm -rf $(BUILD)

# benchmarks: report only, never fail on a figure (VV_BENCH_N runs each)
# the reliability suite, longer: 60 s storms and 100000 fuzz calls of a
# fresh seed on the debug kernel (KASAN, lockdep, UBSAN, kmemleak); about
# 35 minutes under TCG (the debug kernel makes about 70 VFIO calls a second)
STRESS_TESTS ?= fuzz,storm-nvlink2,override-concurrency,override-bad-input,nvlink2
stress: kernel-m-debug clients tools
	@python3 tests/run.py --flavour m-debug --stress --timeout 7200 --tests '$(STRESS_TESTS)'

bench: kernel-m clients
	@python3 tests/run.py --flavour m --suite bench --show --bench-report $(BUILD)/bench
