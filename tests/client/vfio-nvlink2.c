// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-nvlink2: use the NVLink2 regions as a VMM does, and check them
 * against what the platform advertised (TAP on stdout).
 *
 *   vfio-nvlink2 gpu BDF SIZE TGT ALIGNED   GPU RAM region: find, caps, rw,
 *                                           mmap, huge faults, bad input; a
 *                                           mapping made once survives resets
 *                                           and power and error transitions
 *   vfio-nvlink2 npu BDF TGT SPEED MAGIC    ATSD region; MAGIC "none" when
 *                                           the link has no ATSD register
 *   vfio-nvlink2 fill BDF SEED              write a SEED pattern over GPU RAM
 *   vfio-nvlink2 check BDF SEED             check it (through mmap and pread)
 *   vfio-nvlink2 hold BDF READYFILE         map GPU RAM and touch it until
 *                                           SIGBUS; exit 0 on SIGBUS
 *   vfio-nvlink2 hold-atsd BDF READYFILE    map the ATSD page and read it
 *                                           until SIGBUS; exit 0 on SIGBUS
 *   vfio-nvlink2 atsd-set BDF VALUE         put VALUE in the ATSD register's
 *                                           first word, zeros after it
 *   vfio-nvlink2 isolate BDF gpu SEED       every access around the edges of
 *   vfio-nvlink2 isolate BDF atsd MAGIC|none  the region stays in it and sees
 *                                           this device's own data
 *   vfio-nvlink2 info BDF                   print the device-specific regions
 *                                           and their capabilities
 *   vfio-nvlink2 request BDF READYFILE      map the region, then wait for the
 *                                           device request (VFIO_PCI_REQ_IRQ)
 *                                           and let go: unmap, close, exit 0
 *   vfio-nvlink2 kvm BDF GPU               open the GPU for a KVM VM, as a
 *                                           KVM guest's VMM does: OPAL maps it
 *                                           into the VM's partition (the
 *                                           simulated node's nvlink2-sim/opal
 *                                           shows it; GPU is its index there)
 *
 * Numbers are C literals (0x...).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "vfio_util.h"

#define SZ_2M	(2UL << 20)
#define SZ_1G	(1UL << 30)
/* as vfio-pci lays out its device fd: region index in the top bits */
#define VFIO_PCI_INDEX_TO_OFFSET_C(i)	((uint64_t)(i) << 40)

static long page;
static sigjmp_buf bus_jmp;
static volatile sig_atomic_t bus_armed;

static void on_sigbus(int sig)
{
	(void)sig;
	if (bus_armed)
		siglongjmp(bus_jmp, 1);
	_exit(99);
}

/* 0 when reading the byte worked, -1 when it raised SIGBUS */
static int probe_read(volatile const uint8_t *p, uint8_t *val)
{
	if (sigsetjmp(bus_jmp, 1)) {
		bus_armed = 0;
		return -1;
	}
	bus_armed = 1;
	*val = *p;
	bus_armed = 0;
	return 0;
}

/* 0 when writing the byte worked, -1 when it raised SIGBUS */
static int probe_write(volatile uint8_t *p, uint8_t val)
{
	if (sigsetjmp(bus_jmp, 1)) {
		bus_armed = 0;
		return -1;
	}
	bus_armed = 1;
	*p = val;
	bus_armed = 0;
	return 0;
}

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* mmap at a user address aligned to @align, so huge entries can be used */
static void *map_aligned(int fd, uint64_t off, size_t len, size_t align,
			 int flags)
{
	uint8_t *resv, *p;
	uintptr_t a;

	resv = mmap(NULL, len + align, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (resv == MAP_FAILED)
		return MAP_FAILED;
	a = ((uintptr_t)resv + align - 1) & ~(uintptr_t)(align - 1);
	p = mmap((void *)a, len, PROT_READ | PROT_WRITE, flags | MAP_FIXED, fd, off);
	if (p == MAP_FAILED) {
		int e = errno;

		munmap(resv, len + align);
		errno = e;
		return MAP_FAILED;
	}
	if (a > (uintptr_t)resv)
		munmap(resv, a - (uintptr_t)resv);
	munmap((uint8_t *)a + len, (uintptr_t)resv + len + align - (a + len));
	return p;
}

static uint64_t pattern(uint64_t seed, uint64_t off)
{
	uint64_t x = seed ^ (off * 0x9e3779b97f4a7c15ULL);

	x ^= x >> 31;
	return x * 0xbf58476d1ce4e5b9ULL;
}

static uint64_t num(const char *s)
{
	return strtoull(s, NULL, 0);
}

static struct vfio_region_info *find_ram(struct vfio_dev *d, int *index)
{
	struct vfio_region_info *info = NULL;

	*index = vfio_region_find(d->fd, VFIO_REGION_TYPE_PCI_VENDOR_TYPE | 0x10de,
				  VFIO_REGION_SUBTYPE_NVIDIA_NVLINK2_RAM, &info);
	return *index < 0 ? NULL : info;
}

static struct vfio_region_info *find_atsd(struct vfio_dev *d, int *index)
{
	struct vfio_region_info *info = NULL;

	*index = vfio_region_find(d->fd, VFIO_REGION_TYPE_PCI_VENDOR_TYPE | 0x1014,
				  VFIO_REGION_SUBTYPE_IBM_NVLINK2_ATSD, &info);
	return *index < 0 ? NULL : info;
}

static int expect_errno(ssize_t r, int err)
{
	return r < 0 && errno == err;
}

/* a capability of the device's config space, or 0 */
static uint8_t config_cap(int fd, uint8_t want)
{
	uint64_t cfg = VFIO_PCI_INDEX_TO_OFFSET_C(VFIO_PCI_CONFIG_REGION_INDEX);
	uint8_t cap = 0, id = 0;

	pread(fd, &cap, 1, cfg + 0x34);
	while (cap && pread(fd, &id, 1, cfg + cap) == 1 && id != want)
		pread(fd, &cap, 1, cfg + cap + 1);
	return id == want ? cap : 0;
}

/* OR @set into the 16-bit config register at @where (the guest's view) */
static int config_set16(int fd, unsigned int where, uint16_t set, uint16_t clear)
{
	uint64_t cfg = VFIO_PCI_INDEX_TO_OFFSET_C(VFIO_PCI_CONFIG_REGION_INDEX);
	uint16_t v = 0;

	if (pread(fd, &v, 2, cfg + where) != 2)
		return -1;
	v = (v & ~clear) | set;
	return pwrite(fd, &v, 2, cfg + where) == 2 ? 0 : -1;
}

static int low_power(int fd, int enter)
{
	struct vfio_device_feature f = {
		.argsz = sizeof(f),
		.flags = VFIO_DEVICE_FEATURE_SET |
			 (enter ? VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY :
				  VFIO_DEVICE_FEATURE_LOW_POWER_EXIT),
	};

	return ioctl(fd, VFIO_DEVICE_FEATURE, &f);
}

/* what the simulated node's error recovery does to the device's driver */
static int sim_error(const char *step, const char *bdf)
{
	FILE *f = fopen("/sys/kernel/debug/nvlink2-sim/error", "w");
	int ret;

	if (!f)
		return -1;
	ret = fprintf(f, "%s %s\n", step, bdf) < 0;
	return fclose(f) || ret ? -1 : 0;
}

/*
 * A VMM maps a region once, before the machine reset, and uses the same
 * mapping for the guest's life (QEMU's sPAPR NVLink2 code did): through
 * every reset the mapping is taken away (the next touch faults it in
 * again) and comes back; in a low power state and during error recovery a
 * touch raises SIGBUS, and works again afterwards.
 */
static void survive(struct vfio_dev *d, const struct vfio_region_info *info,
		    const char *what, int writable)
{
	uint8_t *m, v = 0;
	uint8_t pm = config_cap(d->fd, 0x01), exp = config_cap(d->fd, 0x10);
	long before;
	char buf[8];

	m = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, info->offset);
	tap_ok(m != MAP_FAILED && probe_read(m, &v) == 0, "%s: one mapping, made before any reset", what);
	if (m == MAP_FAILED)
		return;
	/* (name, how) of each reset the mapping must live through */
#define AFTER(name)							\
	do {								\
		before = minflt();					\
		tap_ok(probe_read(m + 8, &v) == 0 && minflt() > before &&	\
		       (!writable || probe_write(m + 16, v + 1) == 0),	\
		       "%s: after %s, the same mapping works, faulted in again", what, name); \
	} while (0)

	tap_ok(ioctl(d->fd, VFIO_DEVICE_RESET) == 0, "%s: VFIO_DEVICE_RESET", what);
	AFTER("VFIO_DEVICE_RESET");
	tap_ok(exp && config_set16(d->fd, exp + 8, 0x8000, 0) == 0,
	       "%s: function level reset through config space", what);
	AFTER("a config-space FLR");

	tap_ok(pm && config_set16(d->fd, pm + 4, 3, 0) == 0, "%s: D3hot through PMCSR", what);
	tap_ok(probe_read(m + 8, &v) == -1, "%s: in D3hot a touch raises SIGBUS", what);
	tap_ok(pread(d->fd, buf, 8, info->offset) < 0 && errno == EIO, "%s: in D3hot pread fails (EIO)", what);
	tap_ok(config_set16(d->fd, pm + 4, 0, 3) == 0, "%s: back to D0 through PMCSR", what);
	AFTER("D3hot and back");

	tap_ok(low_power(d->fd, 1) == 0, "%s: VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY", what);
	tap_ok(probe_read(m + 8, &v) == -1, "%s: in low power a touch raises SIGBUS", what);
	tap_ok(low_power(d->fd, 0) == 0, "%s: VFIO_DEVICE_FEATURE_LOW_POWER_EXIT", what);
	AFTER("low power");

	tap_ok(sim_error("detected", d->bdf) == 0, "%s: error recovery starts (error_detected)", what);
	tap_ok(probe_read(m + 8, &v) == -1, "%s: during error recovery a touch raises SIGBUS", what);
	tap_ok(sim_error("resume", d->bdf) == 0, "%s: error recovery ends (resume)", what);
	AFTER("error recovery");
#undef AFTER
	munmap(m, page);
}

static int gpu(const char *bdf, uint64_t size, uint64_t tgt, int aligned)
{
	const struct vfio_region_info_cap_nvlink2_ssatgt *ssatgt;
	struct vfio_region_info *info;
	struct vfio_dev d;
	uint64_t buf[512], off, bad = 0;
	uint8_t *m, *m2, v;
	size_t len, i;
	long before, faults;
	int index;

	tap_ok(vfio_dev_open(&d, bdf) == 0, "open %s through VFIO (noiommu)", bdf);
	if (d.fd < 0)
		return tap_done();
	info = find_ram(&d, &index);
	tap_ok(info != NULL, "NVLINK2_RAM region found by type/subtype (index %d)", index);
	if (!info)
		return tap_done();
	tap_ok(info->size == size, "region size %#llx is the firmware's %#llx",
	       (unsigned long long)info->size, (unsigned long long)size);
	tap_ok(info->flags == (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
			       VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_CAPS),
	       "flags READ|WRITE|MMAP|CAPS (%#x)", info->flags);
	ssatgt = (const void *)vfio_region_cap_find(info, VFIO_REGION_INFO_CAP_NVLINK2_SSATGT);
	tap_ok(ssatgt && ssatgt->header.version == 1 && ssatgt->tgt == tgt,
	       "SSATGT capability carries tgt %#llx", (unsigned long long)tgt);
	tap_ok(vfio_region_cap_find(info, VFIO_REGION_INFO_CAP_NVLINK2_LNKSPD) == NULL,
	       "no LNKSPD capability on GPU RAM");

	/* pwrite a pattern, read it back through a mapping, and the reverse */
	len = 4 * SZ_2M < size ? 4 * SZ_2M : size;
	for (off = 0; off < len; off += sizeof(buf)) {
		for (i = 0; i < 512; i++)
			buf[i] = pattern(1, off + 8 * i);
		if (pwrite(d.fd, buf, sizeof(buf), info->offset + off) != sizeof(buf))
			bad++;
	}
	tap_ok(!bad, "pwrite %zu bytes at the region offset", len);
	m = map_aligned(d.fd, info->offset, len, SZ_2M, MAP_SHARED);
	tap_ok(m != MAP_FAILED, "mmap MAP_SHARED of the first %zu bytes", len);
	if (m == MAP_FAILED)
		return tap_done();
	for (off = 0, bad = 0; off < len; off += 8)
		bad += *(uint64_t *)(m + off) != pattern(1, off);
	tap_ok(!bad, "the mapping reads what pwrite wrote (%llu words differ)",
	       (unsigned long long)bad);
	for (off = 0; off < len; off += 8)
		*(uint64_t *)(m + off) = pattern(2, off);
	for (off = 0, bad = 0; off < len; off += sizeof(buf)) {
		if (pread(d.fd, buf, sizeof(buf), info->offset + off) != sizeof(buf))
			bad++;
		for (i = 0; i < 512; i++)
			bad += buf[i] != pattern(2, off + 8 * i);
	}
	tap_ok(!bad, "pread reads what the mapping wrote");

	/* a second, overlapping mapping of a sub-range sees the same memory */
	m2 = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd,
		  info->offset + 3 * page);
	tap_ok(m2 != MAP_FAILED && *(uint64_t *)m2 == pattern(2, 3 * page) &&
	       *(uint64_t *)(m2 + page) == pattern(2, 4 * page),
	       "a second mapping of a sub-range at page 3 sees the same memory");
	if (m2 != MAP_FAILED)
		munmap(m2, 2 * page);
	munmap(m, len);

	/* every byte of the region, in huge pages where the memory allows */
	len = size;
	m = map_aligned(d.fd, info->offset, len, len >= SZ_1G ? SZ_1G : SZ_2M, MAP_SHARED);
	tap_ok(m != MAP_FAILED, "mmap of the whole region (%zu MiB)", len >> 20);
	if (m != MAP_FAILED) {
		before = minflt();
		for (off = 0; off < len; off += page)
			m[off] = (uint8_t)off;
		faults = minflt() - before;
		if (aligned)
			tap_ok(faults <= (long)(len / SZ_2M),
			       "touching %zu pages took %ld faults (at most one per 2 MiB)",
			       len / page, faults);
		else
			tap_ok(faults >= (long)(len / page),
			       "unaligned RAM falls back to 4 KiB faults (%ld for %zu pages)",
			       faults, len / page);
		v = 0;
		tap_ok(pread(d.fd, &v, 1, info->offset + len - page) == 1 &&
		       v == (uint8_t)(len - page), "the last page reads back through pread");
		munmap(m, len);
	}

	/* bad input */
	tap_ok(expect_errno(pread(d.fd, buf, 8, info->offset + size), EINVAL),
	       "pread at the region end: EINVAL");
	tap_ok(pread(d.fd, buf, 64, info->offset + size - 8) == 8,
	       "pread across the region end is cut short at the end");
	tap_ok(expect_errno(pwrite(d.fd, buf, 8, info->offset + (1ULL << 39)), EINVAL),
	       "pwrite far past the region: EINVAL");
	tap_ok(mmap(NULL, page, PROT_READ, MAP_SHARED, d.fd, info->offset + 1) == MAP_FAILED &&
	       errno == EINVAL, "mmap at an unaligned offset: EINVAL");
	tap_ok(mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, d.fd, info->offset) == MAP_FAILED &&
	       errno == EINVAL, "mmap MAP_PRIVATE: EINVAL");
	tap_ok(mmap(NULL, size + page, PROT_READ, MAP_SHARED, d.fd, info->offset) == MAP_FAILED &&
	       errno == EINVAL, "mmap larger than the region: EINVAL");
	tap_ok(mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, d.fd, info->offset + size - page) == MAP_FAILED &&
	       errno == EINVAL, "mmap running past the region end: EINVAL");

	survive(&d, info, "GPU RAM", 1);
	buf[0] = pattern(3, 64);
	tap_ok(pwrite(d.fd, buf, 8, info->offset + 64) == 8 && !(buf[0] = 0) &&
	       pread(d.fd, buf, 8, info->offset + 64) == 8 && buf[0] == pattern(3, 64),
	       "after them, pwrite and pread reach GPU RAM");

	free(info);
	vfio_dev_close(&d);
	return tap_done();
}

static int npu(const char *bdf, uint64_t tgt, uint32_t speed, const char *magic)
{
	const struct vfio_region_info_cap_nvlink2_ssatgt *ssatgt;
	const struct vfio_region_info_cap_nvlink2_lnkspd *lnkspd;
	struct vfio_region_info *info = NULL;
	int has_atsd = strcmp(magic, "none") != 0;
	uint64_t want = has_atsd ? num(magic) : 0, word = 0;
	struct vfio_dev d;
	uint8_t *m;
	int index;

	tap_ok(vfio_dev_open(&d, bdf) == 0, "open %s through VFIO (noiommu)", bdf);
	if (d.fd < 0)
		return tap_done();
	info = find_atsd(&d, &index);
	tap_ok(info != NULL, "NVLINK2_ATSD region found by type/subtype (index %d)", index);
	if (!info)
		return tap_done();
	tap_ok(info->size == (has_atsd ? (uint64_t)page : 0),
	       "region size %llu (%s)", (unsigned long long)info->size,
	       has_atsd ? "one register page" : "no ATSD register: 0");
	ssatgt = (const void *)vfio_region_cap_find(info, VFIO_REGION_INFO_CAP_NVLINK2_SSATGT);
	lnkspd = (const void *)vfio_region_cap_find(info, VFIO_REGION_INFO_CAP_NVLINK2_LNKSPD);
	tap_ok(ssatgt && ssatgt->tgt == tgt, "SSATGT capability carries tgt %#llx",
	       (unsigned long long)tgt);
	tap_ok(lnkspd && lnkspd->link_speed == speed,
	       "LNKSPD capability carries link speed %u", speed);

	m = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd, info->offset);
	if (!has_atsd) {
		tap_ok(m == MAP_FAILED && errno == EINVAL, "no ATSD register: mmap EINVAL");
		tap_ok(expect_errno(pread(d.fd, &word, 8, info->offset), EINVAL),
		       "no ATSD register: pread EINVAL");
		goto out;
	}
	tap_ok(m != MAP_FAILED && *(volatile uint64_t *)m == want,
	       "the mapped page is this link's ATSD register (%#llx)",
	       (unsigned long long)want);
	tap_ok(pread(d.fd, &word, 8, info->offset) == 8 && word == want,
	       "pread reads the same register");
	word = want ^ 0x5a5a;
	tap_ok(pwrite(d.fd, &word, 8, info->offset + 0x18) == 8 && m != MAP_FAILED &&
	       *(volatile uint64_t *)(m + 0x18) == word,
	       "a pwrite to the register shows through the mapping");
	word = 0;
	pwrite(d.fd, &word, 8, info->offset + 0x18);
	tap_ok(mmap(NULL, 2 * page, PROT_READ, MAP_SHARED, d.fd, info->offset) == MAP_FAILED &&
	       errno == EINVAL, "mapping two pages (a neighbour's register): EINVAL");
	tap_ok(mmap(NULL, page, PROT_READ, MAP_SHARED, d.fd, info->offset + page) == MAP_FAILED &&
	       errno == EINVAL, "mapping the page after the register: EINVAL");
	tap_ok(expect_errno(pread(d.fd, &word, 8, info->offset + page), EINVAL),
	       "pread past the register page: EINVAL");
	if (m != MAP_FAILED)
		munmap(m, page);
	survive(&d, info, "ATSD", 0);
out:
	free(info);
	vfio_dev_close(&d);
	return tap_done();
}

/* fill/check: GPU RAM keeps what was written across close, unbind, rebind */
static int fill_check(const char *bdf, uint64_t seed, int check)
{
	struct vfio_region_info *info;
	uint64_t off, bad = 0, buf[512];
	struct vfio_dev d;
	uint8_t *m;
	size_t i, len;
	int index;

	tap_ok(vfio_dev_open(&d, bdf) == 0, "open %s", bdf);
	if (d.fd < 0)
		return tap_done();
	info = find_ram(&d, &index);
	tap_ok(info != NULL, "NVLINK2_RAM region found");
	if (!info)
		return tap_done();
	len = info->size;
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd, info->offset);
	tap_ok(m != MAP_FAILED, "mmap the whole region");
	if (m == MAP_FAILED)
		return tap_done();
	if (!check) {
		/* first half through the mapping, second half through pwrite */
		for (off = 0; off < len / 2; off += 8)
			*(uint64_t *)(m + off) = pattern(seed, off);
		for (; off < len; off += sizeof(buf)) {
			for (i = 0; i < 512; i++)
				buf[i] = pattern(seed, off + 8 * i);
			bad += pwrite(d.fd, buf, sizeof(buf), info->offset + off) != sizeof(buf);
		}
		tap_ok(!bad, "wrote seed %#llx over %zu MiB (mmap, then pwrite)",
		       (unsigned long long)seed, len >> 20);
	} else {
		/* read through the other path than the one that wrote */
		for (off = 0; off < len / 2; off += sizeof(buf)) {
			bad += pread(d.fd, buf, sizeof(buf), info->offset + off) != sizeof(buf);
			for (i = 0; i < 512; i++)
				bad += buf[i] != pattern(seed, off + 8 * i);
		}
		for (; off < len; off += 8)
			bad += *(uint64_t *)(m + off) != pattern(seed, off);
		tap_ok(!bad, "seed %#llx pattern intact over %zu MiB (%llu bytes lost)",
		       (unsigned long long)seed, len >> 20, (unsigned long long)bad * 8);
	}
	munmap(m, len);
	free(info);
	vfio_dev_close(&d);
	return tap_done();
}

/* hold: map and touch until the mapping is revoked under us */
static int hold(const char *bdf, const char *ready, int atsd)
{
	struct vfio_region_info *info = NULL;
	struct vfio_dev d;
	volatile uint8_t *m;
	uint8_t v;
	size_t len, off = 0;
	int index, fd;

	if (vfio_dev_open(&d, bdf) || d.fd < 0)
		return 2;
	info = atsd ? find_atsd(&d, &index) : find_ram(&d, &index);
	if (!info || !info->size)
		return 3;
	len = info->size;
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd, info->offset);
	if (m == MAP_FAILED)
		return 4;
	fd = open(ready, O_WRONLY | O_CREAT, 0644);
	if (fd < 0)
		return 5;
	close(fd);
	for (;;) {
		if (probe_read(m + off, &v))
			return 0;
		if (!atsd && probe_write(m + off, v + 1))
			return 0;
		off = (off + page) % len;
	}
}

static int atsd_set(const char *bdf, uint64_t value)
{
	struct vfio_region_info *info = NULL;
	struct vfio_dev d;
	uint64_t *words;
	int ret = 1, index;

	if (vfio_dev_open(&d, bdf) || d.fd < 0)
		return 1;
	info = find_atsd(&d, &index);
	if (!info || !info->size)
		return 1;
	words = calloc(1, info->size);
	if (words) {
		words[0] = value;
		ret = pwrite(d.fd, words, info->size, info->offset) != (ssize_t)info->size;
	}
	free(words);
	free(info);
	vfio_dev_close(&d);
	return ret;
}

/*
 * isolate: a process holding one device reaches nothing outside that
 * device's own region through its fd: not the next link's ATSD register,
 * not the neighbouring GPU's RAM. Tried at every page boundary within
 * ISO_PAGES pages of each edge of the region, at byte offsets around each
 * boundary and with widths around a page, by pread, pwrite and mmap. What
 * lands inside must stay inside (cut short at the end) and read this
 * device's data; what starts outside must fail.
 */
#define ISO_PAGES	2

struct iso {
	int fd;
	uint64_t base;		/* the region's offset in the device fd */
	int64_t size;
	uint64_t seed;		/* GPU RAM: the pattern marked near the edges */
	uint8_t *atsd;		/* ATSD: the register page as first read */
	uint8_t *buf;
	unsigned long tries, inside, bad;
};

static uint8_t iso_byte(const struct iso *s, int64_t off)
{
	uint64_t w;
	uint8_t b[8];

	if (s->atsd)
		return s->atsd[off];
	w = pattern(s->seed, (uint64_t)off & ~7ULL);
	memcpy(b, &w, 8);
	return b[off & 7];
}

static void iso_fail(struct iso *s, const char *what, int64_t off, size_t len, long n)
{
	if (s->bad++ < 5)
		tap_diag("%s at %+lld len %zu returned %ld (%s) with the region %lld bytes long",
			 what, (long long)off, len, n, n < 0 ? strerror(errno) : "ok",
			 (long long)s->size);
}

static void iso_rw(struct iso *s, int64_t off, size_t len, bool write)
{
	bool in = off >= 0 && off < s->size;
	int64_t room = in ? s->size - off : 0;
	ssize_t n;
	size_t i;

	for (i = 0; i < len; i++)
		s->buf[i] = (int64_t)i < room ? iso_byte(s, off + i) : 0xa5;
	if (write)
		n = pwrite(s->fd, s->buf, len, s->base + off);
	else
		n = pread(s->fd, s->buf, len, s->base + off);
	s->tries++;
	if (!in) {
		if (n >= 0)
			iso_fail(s, write ? "pwrite outside" : "pread outside", off, len, n);
		return;
	}
	s->inside++;
	if (n <= 0 || n > room) {
		iso_fail(s, write ? "pwrite inside" : "pread inside", off, len, n);
		return;
	}
	for (i = 0; !write && i < (size_t)n; i++) {
		if (s->buf[i] != iso_byte(s, off + i)) {
			iso_fail(s, "pread of data not this device's", off + i, 1, n);
			return;
		}
	}
}

static void iso_map(struct iso *s, int64_t off, size_t len)
{
	bool in = off >= 0 && off % page == 0 && off + (int64_t)len <= s->size;
	uint8_t *m, v;
	size_t i;

	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, s->base + off);
	s->tries++;
	if (!in) {
		if (m != MAP_FAILED) {
			iso_fail(s, "mmap outside", off, len, 0);
			munmap(m, len);
		}
		return;
	}
	s->inside++;
	if (m == MAP_FAILED) {
		iso_fail(s, "mmap inside", off, len, -1);
		return;
	}
	for (i = 0; i < len; i++) {
		if ((i % page == 0 && probe_read(m + i, &v)) || m[i] != iso_byte(s, off + i)) {
			iso_fail(s, "mapping of data not this device's", off + i, 1, 0);
			break;
		}
	}
	munmap(m, len);
}

static int isolate(const char *bdf, const char *kind, const char *mark)
{
	static const int64_t deltas[] = { -9, -8, -7, -1, 0, 1, 7, 8, 9 };
	const int64_t widths[] = { 1, 8, page - 1, page, page + 1, 2 * page };
	bool gpu = !strcmp(kind, "gpu");
	struct vfio_region_info *info = NULL;
	struct iso s = { .seed = num(mark) };
	int64_t near = ISO_PAGES * page, b;
	size_t nb = 0, j, k;
	struct vfio_dev d;
	int index;

	tap_ok(vfio_dev_open(&d, bdf) == 0, "open %s", bdf);
	if (d.fd < 0)
		return tap_done();
	info = gpu ? find_ram(&d, &index) : find_atsd(&d, &index);
	tap_ok(info != NULL, "the %s region found", gpu ? "NVLINK2_RAM" : "NVLINK2_ATSD");
	if (!info)
		return tap_done();
	s.fd = d.fd;
	s.base = info->offset;
	s.size = (int64_t)info->size;
	s.buf = malloc(3 * page);
	if (gpu) {
		/* this GPU's pattern in the pages near both edges */
		int64_t edge = (ISO_PAGES + 3) * page, off;

		for (off = 0; off < s.size; off += 8) {
			uint64_t w = pattern(s.seed, off);

			if (off == edge && s.size - edge > off)
				off = s.size - edge;
			if (pwrite(d.fd, &w, 8, s.base + off) != 8)
				s.bad++;
		}
		tap_ok(!s.bad, "marked the pages near the edges with seed %s", mark);
	} else if (s.size) {
		uint64_t first;

		s.atsd = malloc(page);
		tap_ok(pread(d.fd, s.atsd, page, s.base) == page &&
		       (memcpy(&first, s.atsd, 8), first == num(mark)),
		       "the register page holds this link's magic %s", mark);
	}

	/* every page boundary within ISO_PAGES pages of the edges 0 and size */
	for (b = -near; b <= s.size + near; b += page, nb++) {
		if (b > near && b < s.size - near)
			b = s.size - near;
		for (j = 0; j < sizeof(deltas) / sizeof(deltas[0]); j++) {
			for (k = 0; k < sizeof(widths) / sizeof(widths[0]); k++) {
				iso_rw(&s, b + deltas[j], widths[k], false);
				iso_rw(&s, b + deltas[j], widths[k], true);
			}
		}
		for (k = 1; k <= 3; k++) {
			iso_map(&s, b, k * page);
			iso_map(&s, b + 8, k * page);
		}
	}
	tap_ok(s.bad == 0 && s.tries > 0,
	       "%lu accesses at %zu page boundaries: %lu inside stayed inside and read "
	       "this device's data, %lu outside all failed (%lu wrong)",
	       s.tries, nb, s.inside, s.tries - s.inside, s.bad);
	free(s.buf);
	free(s.atsd);
	free(info);
	vfio_dev_close(&d);
	return tap_done();
}

static int info(const char *bdf)
{
	struct vfio_device_info dev = { .argsz = sizeof(dev) };
	struct vfio_dev d;
	uint32_t i;

	if (vfio_dev_open(&d, bdf) || d.fd < 0 ||
	    ioctl(d.fd, VFIO_DEVICE_GET_INFO, &dev))
		return 1;
	for (i = VFIO_PCI_NUM_REGIONS; i < dev.num_regions; i++) {
		struct vfio_region_info *r = vfio_region_info_get(d.fd, i);
		const struct vfio_region_info_cap_type *type;
		const struct vfio_region_info_cap_nvlink2_ssatgt *tgt;
		const struct vfio_region_info_cap_nvlink2_lnkspd *spd;
		uint64_t *m, first = 0;

		if (!r)
			continue;
		type = (const void *)vfio_region_cap_find(r, VFIO_REGION_INFO_CAP_TYPE);
		tgt = (const void *)vfio_region_cap_find(r, VFIO_REGION_INFO_CAP_NVLINK2_SSATGT);
		spd = (const void *)vfio_region_cap_find(r, VFIO_REGION_INFO_CAP_NVLINK2_LNKSPD);
		printf("region %u: type %#x subtype %u size %#llx flags%s%s%s",
		       i, type ? type->type : 0, type ? type->subtype : 0,
		       (unsigned long long)r->size,
		       r->flags & VFIO_REGION_INFO_FLAG_READ ? " READ" : "",
		       r->flags & VFIO_REGION_INFO_FLAG_WRITE ? " WRITE" : "",
		       r->flags & VFIO_REGION_INFO_FLAG_MMAP ? " MMAP" : "");
		if (tgt)
			printf(" SSATGT=%#llx", (unsigned long long)tgt->tgt);
		if (spd)
			printf(" LNKSPD=%u", spd->link_speed);
		m = r->size ? mmap(NULL, page, PROT_READ, MAP_SHARED, d.fd, r->offset) : MAP_FAILED;
		if (m != MAP_FAILED) {
			first = *(volatile uint64_t *)m;
			printf(" mmap[0]=%#llx", (unsigned long long)first);
			munmap(m, page);
		}
		printf("\n");
		free(r);
	}
	vfio_dev_close(&d);
	return 0;
}

/*
 * request: a VMM that handles the device request, as QEMU does: map the
 * region, wait for the kernel to ask for the device back (hot-unplug,
 * unbind), then unmap and close. Touching the mapping meanwhile must never
 * raise SIGBUS (exit 99).
 */
static int request(const char *bdf, const char *ready)
{
	char irqbuf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set *irq = (void *)irqbuf;
	struct vfio_region_info *info = NULL;
	struct pollfd pfd = { .events = POLLIN };
	struct vfio_dev d;
	volatile uint8_t *m;
	size_t len, off = 0;
	uint64_t n;
	uint8_t v;
	int index, fd;

	if (vfio_dev_open(&d, bdf) || d.fd < 0)
		return 2;
	info = find_ram(&d, &index);
	if (!info)
		info = find_atsd(&d, &index);
	if (!info || !info->size)
		return 3;
	len = info->size;
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd, info->offset);
	if (m == MAP_FAILED)
		return 4;
	pfd.fd = eventfd(0, EFD_CLOEXEC);
	*irq = (struct vfio_irq_set){
		.argsz = sizeof(irqbuf), .index = VFIO_PCI_REQ_IRQ_INDEX, .count = 1,
		.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
	};
	memcpy(irq->data, &pfd.fd, sizeof(int32_t));
	if (pfd.fd < 0 || ioctl(d.fd, VFIO_DEVICE_SET_IRQS, irq))
		return 5;
	fd = open(ready, O_WRONLY | O_CREAT, 0644);
	if (fd < 0)
		return 6;
	close(fd);
	/* keep using the memory until asked to let go */
	while (poll(&pfd, 1, 0) == 0) {
		if (probe_read(m + off, &v))
			return 99;
		off = (off + page) % len;
		usleep(1000);
	}
	if (read(pfd.fd, &n, sizeof(n)) != sizeof(n))
		return 7;
	munmap((void *)m, len);
	free(info);
	vfio_dev_close(&d);
	close(pfd.fd);
	printf("asked for the device %llu time(s); let it go\n", (unsigned long long)n);
	return 0;
}

/* the simulated node's OPAL state of GPU @gpu: "mapped=... lpid=... ..." */
static int sim_opal(const char *gpu, char *line, size_t len)
{
	FILE *f = fopen("/sys/kernel/debug/nvlink2-sim/opal", "r");
	char want[32], buf[160];
	int found = 0;

	if (!f)
		return 0;
	snprintf(want, sizeof(want), "gpu %s ", gpu);
	while (fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		if (!strncmp(buf, want, strlen(want)) || !strncmp(buf, "refused=", 8)) {
			strncat(line, buf, len - strlen(line) - 2);
			strcat(line, " ");
			found = 1;
		}
	}
	fclose(f);
	return found;
}

/*
 * kvm: open a GPU for a KVM VM, as a KVM guest's VMM does (KVM's VFIO
 * device told about the group first): while it is open the GPU is in the
 * VM's partition with a translation context (guest problem state, data
 * relocation: MSR 0x4010); once closed, after the core has quiesced it, it
 * is back in the host's, the context destroyed, and OPAL refused nothing.
 */
static int kvm(const char *bdf, const char *gpu)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_VFIO };
	struct kvm_device_attr attr = {
		.group = KVM_DEV_VFIO_FILE, .attr = KVM_DEV_VFIO_FILE_ADD,
	};
	char state[320] = "";
	struct vfio_dev d;
	int kfd, vm;

	kfd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	vm = kfd < 0 ? -1 : ioctl(kfd, KVM_CREATE_VM, 0);
	tap_ok(vm >= 0, "a KVM VM (%s)", vm < 0 ? strerror(errno) : "/dev/kvm");
	tap_ok(vm >= 0 && ioctl(vm, KVM_CREATE_DEVICE, &dev) == 0, "KVM's VFIO device");
	if (vm < 0)
		return tap_done();
	tap_ok(vfio_dev_open_kvm(&d, bdf, dev.fd, &attr) == 0, "open %s for the VM", bdf);
	if (d.fd >= 0) {
		sim_opal(gpu, state, sizeof(state));
		tap_diag("open: %s", state);
		tap_ok(strstr(state, "mapped=1") && !strstr(state, "lpid=0 ") &&
		       strstr(state, "contexts=1 msr=0x4010"),
		       "open: the GPU is in the VM's partition, one context, MSR DR|PR");
		/* the guest turns on bus mastering: a context must be there */
		tap_ok(config_set16(d.fd, 4, 4, 0) == 0, "the guest enables bus mastering");
		vfio_dev_close(&d);
		state[0] = '\0';
		sim_opal(gpu, state, sizeof(state));
		tap_diag("closed: %s", state);
		tap_ok(strstr(state, "lpid=0 contexts=0") != NULL,
		       "closed: back in the host partition (LPID 0), its context destroyed");
		tap_ok(strstr(state, "refused=0 unsafe=0") != NULL,
		       "OPAL refused no call and saw no unsafe order (LPCR 0, context "
		       "before use, bus mastering off before the host)");
	}
	close(dev.fd);
	close(vm);
	close(kfd);
	return tap_done();
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_sigbus };

	page = sysconf(_SC_PAGESIZE);
	sigaction(SIGBUS, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (argc == 6 && !strcmp(argv[1], "gpu"))
		return gpu(argv[2], num(argv[3]), num(argv[4]), atoi(argv[5]));
	if (argc == 6 && !strcmp(argv[1], "npu"))
		return npu(argv[2], num(argv[3]), num(argv[4]), argv[5]);
	if (argc == 4 && (!strcmp(argv[1], "fill") || !strcmp(argv[1], "check")))
		return fill_check(argv[2], num(argv[3]), !strcmp(argv[1], "check"));
	if (argc == 4 && !strcmp(argv[1], "hold"))
		return hold(argv[2], argv[3], 0);
	if (argc == 4 && !strcmp(argv[1], "hold-atsd"))
		return hold(argv[2], argv[3], 1);
	if (argc == 4 && !strcmp(argv[1], "atsd-set"))
		return atsd_set(argv[2], num(argv[3]));
	if (argc == 5 && !strcmp(argv[1], "isolate"))
		return isolate(argv[2], argv[3], argv[4]);
	if (argc == 3 && !strcmp(argv[1], "info"))
		return info(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "request"))
		return request(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "kvm"))
		return kvm(argv[2], argv[3]);
	fprintf(stderr, "usage: vfio-nvlink2 gpu BDF SIZE TGT ALIGNED | npu BDF TGT SPEED MAGIC|none\n"
			"       | fill|check BDF SEED | hold|hold-atsd BDF READYFILE | info BDF\n"
			"       | isolate BDF gpu SEED | isolate BDF atsd MAGIC|none\n"
			"       | request BDF READYFILE | kvm BDF GPU\n");
	return 2;
}
