// SPDX-License-Identifier: GPL-2.0
/*
 * vv-bench: one measurement per run, printed as "SECONDS [FAULTS]"; the
 * bench scripts repeat runs and take medians.
 *
 *   vv-bench touch-region[-4k] BDF  mmap the GPU RAM region (-4k: one
 *                                 page off huge alignment), touch a byte
 *                                 per 4 KiB page
 *   vv-bench touch-anon SIZE      the same over THP-backed anonymous memory
 *   vv-bench pread BDF | pwrite BDF
 *                                 the whole region in 1 MiB chunks
 *   vv-bench memcpy SIZE          memcpy of SIZE bytes (anonymous, touched)
 *   vv-bench bind OVERRIDE BDF... for each device: write OVERRIDE to
 *                                 driver_override, unbind, drivers_probe
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "vfio_util.h"

#define SZ_1M	(1UL << 20)
#define SZ_2M	(2UL << 20)
#define SZ_1G	(1UL << 30)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static void *aligned_area(size_t len, size_t align)
{
	uint8_t *p = mmap(NULL, len + align, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED)
		return NULL;
	a = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);
	return (void *)a;
}

static void touch(volatile uint8_t *p, size_t len, double *secs, long *faults)
{
	long f0 = minflt();
	double t0 = now();
	size_t off;

	for (off = 0; off < len; off += 4096)
		p[off] = 1;
	*secs = now() - t0;
	*faults = minflt() - f0;
}

static int open_ram(const char *bdf, struct vfio_dev *d, struct vfio_region_info **info)
{
	if (vfio_dev_open(d, bdf) || d->fd < 0)
		return -1;
	if (vfio_region_find(d->fd, VFIO_REGION_TYPE_PCI_VENDOR_TYPE | 0x10de,
			     VFIO_REGION_SUBTYPE_NVIDIA_NVLINK2_RAM, info) < 0) {
		fprintf(stderr, "vv-bench: %s has no NVLINK2_RAM region\n", bdf);
		return -1;
	}
	return 0;
}

/* small: map one page off huge alignment, so that every fault is a PTE's */
static int touch_region(const char *bdf, int small)
{
	struct vfio_region_info *info;
	struct vfio_dev d;
	void *area, *m;
	double secs;
	long faults;

	if (open_ram(bdf, &d, &info))
		return 1;
	area = aligned_area(info->size + SZ_2M, info->size >= SZ_1G ? SZ_1G : SZ_2M);
	if (area && small)
		area = (uint8_t *)area + sysconf(_SC_PAGESIZE);
	m = area ? mmap(area, info->size, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_FIXED, d.fd, info->offset) : MAP_FAILED;
	if (m == MAP_FAILED) {
		perror("vv-bench: mmap");
		return 1;
	}
	touch(m, info->size, &secs, &faults);
	printf("%.6f %ld\n", secs, faults);
	return 0;
}

static int touch_anon(size_t len)
{
	void *area = aligned_area(len, SZ_2M), *m;
	double secs;
	long faults;

	m = area ? mmap(area, len, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) : MAP_FAILED;
	/* no madvise() in a kernel without ADVISE_SYSCALLS: THP "always" then */
	if (m == MAP_FAILED || (madvise(m, len, MADV_HUGEPAGE) && errno != ENOSYS)) {
		perror("vv-bench: anonymous THP memory");
		return 1;
	}
	touch(m, len, &secs, &faults);
	printf("%.6f %ld\n", secs, faults);
	return 0;
}

static int rw(const char *bdf, int write)
{
	struct vfio_region_info *info;
	struct vfio_dev d;
	uint8_t *buf = malloc(SZ_1M);
	uint64_t off;
	double t0;

	if (!buf || open_ram(bdf, &d, &info))
		return 1;
	memset(buf, 0x5a, SZ_1M);
	t0 = now();
	for (off = 0; off + SZ_1M <= info->size; off += SZ_1M) {
		ssize_t n = write ? pwrite(d.fd, buf, SZ_1M, info->offset + off)
				  : pread(d.fd, buf, SZ_1M, info->offset + off);
		if (n != (ssize_t)SZ_1M) {
			perror("vv-bench: pread/pwrite");
			return 1;
		}
	}
	printf("%.6f\n", now() - t0);
	return 0;
}

static int copy(size_t len)
{
	uint8_t *a = malloc(len), *b = malloc(len);
	double t0;

	if (!a || !b)
		return 1;
	memset(a, 1, len);
	memset(b, 2, len);
	t0 = now();
	memcpy(b, a, len);
	printf("%.6f\n", now() - t0);
	return b[len - 1] != 1;
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -1 : 0;
}

static int bind(const char *override, char **bdfs, int n)
{
	char path[256];
	double t0 = now();
	int i, bad = 0;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", bdfs[i]);
		bad |= write_file(path, override);
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", bdfs[i]);
		write_file(path, bdfs[i]);	/* may have no driver */
		bad |= write_file("/sys/bus/pci/drivers_probe", bdfs[i]);
	}
	printf("%.6f\n", now() - t0);
	if (bad)
		fprintf(stderr, "vv-bench: a sysfs write failed: %s\n", strerror(errno));
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "touch-region"))
		return touch_region(argv[2], 0);
	if (argc == 3 && !strcmp(argv[1], "touch-region-4k"))
		return touch_region(argv[2], 1);
	if (argc == 3 && !strcmp(argv[1], "touch-anon"))
		return touch_anon(strtoull(argv[2], NULL, 0));
	if (argc == 3 && !strcmp(argv[1], "pread"))
		return rw(argv[2], 0);
	if (argc == 3 && !strcmp(argv[1], "pwrite"))
		return rw(argv[2], 1);
	if (argc == 3 && !strcmp(argv[1], "memcpy"))
		return copy(strtoull(argv[2], NULL, 0));
	if (argc >= 4 && !strcmp(argv[1], "bind"))
		return bind(argv[2], argv + 3, argc - 3);
	fprintf(stderr, "usage: vv-bench touch-region[-4k] BDF | touch-anon SIZE | pread BDF | pwrite BDF\n"
			"       | memcpy SIZE | bind OVERRIDE BDF...\n");
	return 2;
}
