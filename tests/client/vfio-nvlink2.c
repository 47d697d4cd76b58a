// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-nvlink2: use the NVLink2 regions as a VMM does, and check them
 * against what the platform advertised (TAP on stdout).
 *
 *   vfio-nvlink2 gpu BDF SIZE TGT ALIGNED   GPU RAM region: find, caps, rw,
 *                                           mmap, huge faults, bad input,
 *                                           reset revocation
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
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

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

	/* reset revokes mappings: SIGBUS, not memory; rw and new maps go on */
	m = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd, info->offset);
	tap_ok(m != MAP_FAILED && probe_read(m, &v) == 0, "a mapping works before reset");
	tap_ok(ioctl(d.fd, VFIO_DEVICE_RESET) == 0, "VFIO_DEVICE_RESET");
	tap_ok(m != MAP_FAILED && probe_read(m, &v) == -1,
	       "touching the mapping after reset raises SIGBUS");
	if (m != MAP_FAILED)
		munmap(m, page);
	tap_ok(pread(d.fd, buf, 8, info->offset + 8) == 8 && buf[0] == pattern(2, 8),
	       "pread after reset reads GPU RAM");
	m = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd, info->offset);
	tap_ok(m != MAP_FAILED && probe_read(m + 8, &v) == 0,
	       "a mapping made after reset works");
	{
		/* the FLR bit of PCIe Device Control, written through config space */
		uint8_t cap = 0, id = 0, ctl[2] = { 0, 0 };
		uint64_t cfg = VFIO_PCI_INDEX_TO_OFFSET_C(VFIO_PCI_CONFIG_REGION_INDEX);

		pread(d.fd, &cap, 1, cfg + 0x34);
		while (cap && pread(d.fd, &id, 1, cfg + cap) == 1 && id != 0x10)
			pread(d.fd, &cap, 1, cfg + cap + 1);
		if (cap && id == 0x10 && pread(d.fd, ctl, 2, cfg + cap + 8) == 2) {
			ctl[1] |= 0x80;
			tap_ok(pwrite(d.fd, ctl, 2, cfg + cap + 8) == 2,
			       "function level reset through config space");
			tap_ok(m != MAP_FAILED && probe_read(m + 8, &v) == -1,
			       "the mapping is revoked by a config-space reset too");
		} else {
			tap_ok(0, "the GPU has a PCIe capability to reset through");
		}
	}
	if (m != MAP_FAILED)
		munmap(m, page);

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
	fprintf(stderr, "usage: vfio-nvlink2 gpu BDF SIZE TGT ALIGNED | npu BDF TGT SPEED MAGIC|none\n"
			"       | fill|check BDF SEED | hold|hold-atsd BDF READYFILE | info BDF\n"
			"       | isolate BDF gpu SEED | isolate BDF atsd MAGIC|none\n");
	return 2;
}
