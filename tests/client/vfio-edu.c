// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-edu BDF: use QEMU's edu device (1234:11e8) through VFIO as a VMM
 * would, behind a real IOMMU: group, type1 container, device fd, device
 * and region info, and its config space read through the config region.
 *
 * vfio-edu hot-reset BDF OTHER: two edu functions of one dev_set (behind a
 * root port, one IOMMU group), both on an edu test variant, whose test
 * region (vendor type 0x1234, subtype 1) is memory outside the BARs: a
 * mapping of BDF's made before a hot reset issued through OTHER's fd is
 * taken away by the reset (the next touch faults it in again) and works.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vfio_util.h"

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static int hot_reset(const char *bdf, const char *other)
{
	char buf[sizeof(struct vfio_pci_hot_reset) + sizeof(int32_t)];
	struct vfio_pci_hot_reset *reset = (void *)buf;
	struct vfio_pci_hot_reset_info *hinfo;
	struct vfio_region_info *info = NULL;
	struct vfio_dev d;
	volatile uint8_t *m;
	int ofd, index;
	long before;

	index = vfio_dev_open(&d, bdf);
	tap_ok(index == 0, "open %s %s", bdf,
	       vfio_dev_is_cdev(&d) ? "through its VFIO cdev bound to iommufd" : "through its VFIO group");
	if (d.fd < 0)
		return tap_done();
	ofd = vfio_dev_open_peer(&d, other);
	tap_ok(ofd >= 0, "open %s, of the same group, %s", other,
	       vfio_dev_is_cdev(&d) ? "bound to the same iommufd" : "through the group");
	index = vfio_region_find(d.fd, VFIO_REGION_TYPE_PCI_VENDOR_TYPE | 0x1234, 1, &info);
	tap_ok(index >= 0, "%s: the test region", bdf);
	if (ofd < 0 || index < 0)
		return tap_done();
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd, info->offset);
	tap_ok(m != MAP_FAILED, "%s: the test region mapped", bdf);
	if (m == MAP_FAILED)
		return tap_done();
	m[8] = 0x5a;
	hinfo = calloc(1, 4096);
	hinfo->argsz = 4096;
	index = ioctl(ofd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, hinfo);
	tap_ok(index == 0 && hinfo->count == 2,
	       "%s: a hot reset resets both functions (%u devices)", other, hinfo->count);
	/* iommufd: no group fds, every device of the dev_set bound to the same iommufd */
	*reset = (struct vfio_pci_hot_reset){ .argsz = sizeof(buf),
					      .count = vfio_dev_is_cdev(&d) ? 0 : 1 };
	memcpy(reset->group_fds, &d.group, sizeof(int32_t));
	tap_ok(ioctl(ofd, VFIO_DEVICE_PCI_HOT_RESET, reset) == 0,
	       "VFIO_DEVICE_PCI_HOT_RESET through %s's fd (%u group fds)", other, reset->count);
	before = minflt();
	tap_ok(m[8] == 0x5a && minflt() > before,
	       "%s: its mapping was taken away by the reset and works again (faulted in again)", bdf);
	munmap((void *)m, 4096);
	free(hinfo);
	free(info);
	close(ofd);
	vfio_dev_close(&d);
	return tap_done();
}

/* an edu test variant's test region, when one is bound: mapped and written */
static void test_region(struct vfio_dev *d)
{
	struct vfio_region_info *info = NULL;
	volatile uint32_t *m;
	uint32_t back = 0;
	int index;

	index = vfio_region_find(d->fd, VFIO_REGION_TYPE_PCI_VENDOR_TYPE | 0x1234, 1, &info);
	if (index < 0)
		return;
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, info->offset);
	tap_ok(m != MAP_FAILED, "the variant's test region (index %d) mapped", index);
	if (m != MAP_FAILED) {
		ssize_t n;

		m[1] = 0xc0de0000u | (uint32_t)index;
		n = pread(d->fd, &back, 4, info->offset + 4);
		tap_ok(n == 4 && back == m[1],
		       "a word written through the mapping reads back through read(): 0x%08x", back);
		munmap((void *)m, 4096);
	}
	free(info);
}

int main(int argc, char **argv)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_region_info *cfg, *bar0;
	struct vfio_dev d;
	uint16_t ids[2] = { 0, 0 };
	uint32_t ident = 0;
	int ret;

	if (argc == 4 && !strcmp(argv[1], "hot-reset"))
		return hot_reset(argv[2], argv[3]);
	if (argc != 2) {
		fprintf(stderr, "usage: vfio-edu BDF | hot-reset BDF OTHER\n");
		return 2;
	}
	ret = vfio_dev_open(&d, argv[1]);
	tap_ok(ret == 0, "open %s %s", argv[1],
	       vfio_dev_is_cdev(&d) ? "through its VFIO cdev bound to iommufd" : "through its VFIO group");
	if (d.fd < 0)
		return tap_done();

	tap_ok(ioctl(d.fd, VFIO_DEVICE_GET_INFO, &info) == 0, "VFIO_DEVICE_GET_INFO");
	tap_ok(info.flags & VFIO_DEVICE_FLAGS_PCI, "device is a PCI device");
	tap_ok(info.num_regions >= VFIO_PCI_NUM_REGIONS, "%u regions", info.num_regions);
	tap_ok(info.num_irqs >= VFIO_PCI_NUM_IRQS, "%u irq indexes", info.num_irqs);

	cfg = vfio_region_info_get(d.fd, VFIO_PCI_CONFIG_REGION_INDEX);
	tap_ok(cfg && cfg->size >= 256, "config region of %llu bytes",
	       cfg ? (unsigned long long)cfg->size : 0ULL);
	if (cfg) {
		ssize_t n = pread(d.fd, ids, sizeof(ids), cfg->offset);

		tap_ok(n == sizeof(ids) && ids[0] == 0x1234 && ids[1] == 0x11e8,
		       "config space reads %04x:%04x", ids[0], ids[1]);
	}

	/* edu's BAR0 register 0 is its identification: 0xRRrr00ed */
	bar0 = vfio_region_info_get(d.fd, VFIO_PCI_BAR0_REGION_INDEX);
	tap_ok(bar0 && bar0->size == 1024 * 1024 &&
	       (bar0->flags & VFIO_REGION_INFO_FLAG_READ), "BAR0 is 1 MiB and readable");
	if (bar0) {
		ssize_t n = pread(d.fd, &ident, 4, bar0->offset);

		tap_ok(n == 4 && (ident & 0xff) == 0xed,
		       "BAR0 identification register reads 0x%08x", ident);
	}
	/* edu has no reset method: VFIO must say so, and refuse the ioctl */
	if (info.flags & VFIO_DEVICE_FLAGS_RESET)
		tap_ok(ioctl(d.fd, VFIO_DEVICE_RESET) == 0, "VFIO_DEVICE_RESET");
	else
		tap_ok(ioctl(d.fd, VFIO_DEVICE_RESET) == -1 && errno == EINVAL,
		       "no reset advertised, VFIO_DEVICE_RESET refused with EINVAL");
	test_region(&d);
	free(cfg);
	free(bar0);
	vfio_dev_close(&d);
	return tap_done();
}
