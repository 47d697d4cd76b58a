// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-fuzz SEED CALLS BDF...: a seeded random VFIO client. It opens the
 * devices and makes CALLS random calls over them: region and irq info with
 * random indexes and argsz (walking whatever capability chain comes back),
 * pread/pwrite at random offsets and sizes (overflowing ones included),
 * mmap with random offsets, lengths, protections and flags (touching what
 * maps), device resets, close and reopen. Writes go to the device-specific
 * regions and config space only.
 *
 * The kernel must survive it (the harness checks its log for splats) and
 * answer within the rules checked here: no read or write longer than
 * asked, none past a region's end, no mapping past it, capability chains
 * inside argsz, no signal but the SIGBUS of a revoked mapping. A violation
 * prints the seed and call number; the same SEED replays the same calls.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vfio_util.h"

#define MAX_DEVS	8

static uint64_t rng;
static unsigned long call;
static unsigned long violations;
static unsigned long long seed;
static sigjmp_buf bus_jmp;
static volatile sig_atomic_t bus_armed;

static uint64_t next(void)
{
	/* xorshift64*: small, and the same sequence on every machine */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static uint64_t below(uint64_t n)
{
	return n ? next() % n : 0;
}

static void on_sigbus(int sig)
{
	(void)sig;
	if (bus_armed)
		siglongjmp(bus_jmp, 1);
	_exit(98);
}

static void violation(const char *what, const char *bdf)
{
	violations++;
	printf("# VIOLATION seed %llu call %lu on %s: %s\n", seed, call, bdf, what);
}

struct dev {
	struct vfio_dev d;
	const char *bdf;
	uint32_t nregions, nirqs;
	uint64_t size[32], offset[32];
	uint32_t flags[32];
	bool special[32];	/* device-specific: fair game for writes */
};

static int dev_open(struct dev *v)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	uint32_t i;

	if (vfio_dev_open(&v->d, v->bdf) || v->d.fd < 0 ||
	    ioctl(v->d.fd, VFIO_DEVICE_GET_INFO, &info))
		return -1;
	v->nregions = info.num_regions < 32 ? info.num_regions : 32;
	v->nirqs = info.num_irqs;
	for (i = 0; i < v->nregions; i++) {
		struct vfio_region_info *r = vfio_region_info_get(v->d.fd, i);

		v->size[i] = r ? r->size : 0;
		v->offset[i] = r ? r->offset : 0;
		v->flags[i] = r ? r->flags : 0;
		v->special[i] = i >= VFIO_PCI_NUM_REGIONS || i == VFIO_PCI_CONFIG_REGION_INDEX;
		free(r);
	}
	return 0;
}

/* random numbers that like edges: 0, small, page-ish, huge, all ones */
static uint64_t edgy(uint64_t around)
{
	switch (below(8)) {
	case 0: return 0;
	case 1: return below(16);
	case 2: return around + below(16) - 8;
	case 3: return around - 1;
	case 4: return (uint64_t)-1 - below(4096);
	case 5: return 1ULL << below(64);
	default: return below(around + 4096 + 1);
	}
}

static void op_region_info(struct dev *v)
{
	uint8_t buf[1024];
	struct vfio_region_info *r = (void *)buf;
	uint32_t argsz = below(3) ? (uint32_t)below(sizeof(buf)) : sizeof(*r);

	memset(buf, 0xa5, sizeof(buf));
	r->argsz = argsz;
	r->index = below(4) ? (uint32_t)below(v->nregions + 2) : (uint32_t)next();
	if (ioctl(v->d.fd, VFIO_DEVICE_GET_REGION_INFO, r) == 0 && argsz >= sizeof(*r) &&
	    (r->flags & VFIO_REGION_INFO_FLAG_CAPS) && r->argsz <= argsz && r->cap_offset) {
		uint32_t off = r->cap_offset, hops = 0;

		/* the chain must stay inside what we gave and end */
		while (off) {
			struct vfio_info_cap_header *h = (void *)(buf + off);

			if (off + sizeof(*h) > r->argsz || ++hops > 16) {
				violation("capability chain leaves argsz or loops", v->bdf);
				break;
			}
			if (h->next && h->next <= off) {
				violation("capability chain goes backwards", v->bdf);
				break;
			}
			off = h->next;
		}
	}
}

static void op_irq_info(struct dev *v)
{
	struct vfio_irq_info irq = { .argsz = below(2) ? sizeof(irq) : (uint32_t)below(64) };

	irq.index = (uint32_t)below(v->nirqs + 3);
	ioctl(v->d.fd, VFIO_DEVICE_GET_IRQ_INFO, &irq);
}

static void op_rw(struct dev *v)
{
	static uint8_t buf[1 << 21];
	uint32_t i = (uint32_t)below(v->nregions);
	uint64_t off = edgy(v->size[i]);
	size_t len = (size_t)(below(4) ? below(64) : below(sizeof(buf)));
	bool write = v->special[i] && below(2);
	ssize_t n;

	uint64_t base;

	if (below(8) == 0)
		i = (uint32_t)below(64);	/* maybe no such region */
	/* vfio-pci's layout: the region index in the offset's top bits */
	base = i < v->nregions ? v->offset[i] : (uint64_t)i << 40;
	if (i >= v->nregions)
		write = false;
	n = write ? pwrite(v->d.fd, buf, len, base + off) : pread(v->d.fd, buf, len, base + off);
	if (n > (ssize_t)len)
		violation("read/write returned more than asked", v->bdf);
	if (n > 0 && i >= VFIO_PCI_NUM_REGIONS && i < v->nregions &&
	    (off >= v->size[i] || off + n > v->size[i]))
		violation("read/write past the end of a device-specific region", v->bdf);
}

static void op_mmap(struct dev *v)
{
	uint32_t i = (uint32_t)below(v->nregions);
	long page = sysconf(_SC_PAGESIZE);
	uint64_t off = below(2) ? below(v->size[i] / page + 2) * page : edgy(v->size[i]);
	size_t len = below(2) ? (below(8) + 1) * page : (size_t)edgy(v->size[i]);
	int prot = (int)below(8) & (PROT_READ | PROT_WRITE);
	int flags = below(4) ? MAP_SHARED : MAP_PRIVATE;
	volatile uint8_t *m;

	if (len > (1ULL << 32))
		len = 1ULL << 32;
	m = mmap(NULL, len, prot, flags, v->d.fd, v->offset[i] + off);
	if (m == MAP_FAILED)
		return;
	if (flags == MAP_PRIVATE)
		violation("MAP_PRIVATE of a device region succeeded", v->bdf);
	if (i >= VFIO_PCI_NUM_REGIONS && off + len > ((v->size[i] + page - 1) & ~(page - 1)))
		violation("a mapping runs past a device-specific region", v->bdf);
	if ((prot & PROT_READ) && i >= VFIO_PCI_NUM_REGIONS && len) {
		if (!sigsetjmp(bus_jmp, 1)) {
			bus_armed = 1;
			(void)m[below(len)];
		}
		bus_armed = 0;
	}
	munmap((void *)m, len);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_sigbus };
	struct dev devs[MAX_DEVS] = {};
	unsigned long calls;
	int n = 0, i;

	if (argc < 4) {
		fprintf(stderr, "usage: vfio-fuzz SEED CALLS BDF...\n");
		return 2;
	}
	seed = strtoull(argv[1], NULL, 0);
	calls = strtoul(argv[2], NULL, 0);
	rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	sigaction(SIGBUS, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 3; i < argc && n < MAX_DEVS; i++) {
		devs[n].bdf = argv[i];
		if (dev_open(&devs[n])) {
			tap_ok(0, "open %s", argv[i]);
			return tap_done();
		}
		n++;
	}

	for (call = 0; call < calls; call++) {
		struct dev *v = &devs[below(n)];

		uint64_t r = below(100);

		if (r < 25) {
			op_region_info(v);
		} else if (r < 30) {
			op_irq_info(v);
		} else if (r < 70) {
			op_rw(v);
		} else if (r < 97) {
			op_mmap(v);
		} else if (r < 99) {
			ioctl(v->d.fd, VFIO_DEVICE_RESET);
		} else {
			vfio_dev_close(&v->d);
			if (dev_open(v)) {
				violation("cannot reopen", v->bdf);
				call = calls;
			}
		}
	}
	for (i = 0; i < n; i++)
		vfio_dev_close(&devs[i].d);
	tap_ok(violations == 0, "seed %llu: %lu calls over %d devices, %lu violations",
	       seed, calls, n, violations);
	return tap_done();
}
