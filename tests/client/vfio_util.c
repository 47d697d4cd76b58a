// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/kvm.h>

#include "vfio_util.h"

static int tap_n, tap_failed;

void tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		tap_failed++;
	fflush(stdout);
}

void tap_skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	printf("ok %d - ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", why);
	fflush(stdout);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

static int group_of(const char *bdf, char *path, size_t len)
{
	char link[PATH_MAX], target[PATH_MAX];
	char num[64];
	const char *base;
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	snprintf(num, sizeof(num), "%.60s", base ? base + 1 : target);
	/* a noiommu group has its own device node name */
	snprintf(path, len, "/dev/vfio/%s", num);
	if (access(path, F_OK))
		snprintf(path, len, "/dev/vfio/noiommu-%s", num);
	return 0;
}

/* /dev/vfio/devices/vfioN of a PCI device, from its vfio-dev directory */
static int cdev_of(const char *bdf, char *path, size_t len)
{
	char dir[PATH_MAX];
	struct dirent *e;
	DIR *dp;
	int ret = -ENOENT;

	snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	dp = opendir(dir);
	if (!dp)
		return -errno;
	while ((e = readdir(dp)))
		if (!strncmp(e->d_name, "vfio", 4)) {
			snprintf(path, len, "/dev/vfio/devices/%s", e->d_name);
			ret = 0;
			break;
		}
	closedir(dp);
	return ret;
}

/* open @bdf's cdev, bind it to @iommufd and attach it to @ioas: its fd */
static int cdev_bind(const char *bdf, int iommufd, uint32_t ioas)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind), .iommufd = iommufd };
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at), .pt_id = ioas };
	char path[PATH_MAX];
	int fd, ret;

	ret = cdev_of(bdf, path, sizeof(path));
	if (ret) {
		tap_diag("%s: no VFIO character device (%s): the kernel needs VFIO_DEVICE_CDEV, and gives none to a noiommu device",
			 bdf, strerror(-ret));
		return ret;
	}
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, VFIO_DEVICE_BIND_IOMMUFD, &bind) ||
	    ioctl(fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at)) {
		ret = -errno;
		tap_diag("%s: %s: open, bind to iommufd or attach to IOAS %u failed: %s",
			 bdf, path, ioas, strerror(errno));
		if (fd >= 0)
			close(fd);
		return ret;
	}
	return fd;
}

static int vfio_dev_open_cdev(struct vfio_dev *d)
{
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	int ret;

	d->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (d->iommufd < 0 || ioctl(d->iommufd, IOMMU_IOAS_ALLOC, &alloc)) {
		ret = -errno;
		tap_diag("%s: /dev/iommu: %s", d->bdf, strerror(errno));
		vfio_dev_close(d);
		return ret;
	}
	d->ioas = alloc.out_ioas_id;
	d->fd = cdev_bind(d->bdf, d->iommufd, d->ioas);
	if (d->fd < 0) {
		ret = d->fd;
		vfio_dev_close(d);
		return ret;
	}
	return 0;
}

int vfio_dev_open(struct vfio_dev *d, const char *bdf)
{
	const char *cdev = getenv("VFIO_CDEV");

	if (cdev && !strcmp(cdev, "1")) {
		memset(d, 0, sizeof(*d));
		d->container = d->group = d->iommufd = d->fd = -1;
		snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);
		return vfio_dev_open_cdev(d);
	}
	return vfio_dev_open_kvm(d, bdf, -1, NULL);
}

int vfio_dev_open_peer(struct vfio_dev *d, const char *bdf)
{
	int fd;

	if (vfio_dev_is_cdev(d))
		return cdev_bind(bdf, d->iommufd, d->ioas);
	fd = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (fd < 0) {
		fd = -errno;
		tap_diag("%s: VFIO_GROUP_GET_DEVICE_FD: %s", bdf, strerror(errno));
	}
	return fd;
}

int vfio_dev_open_kvm(struct vfio_dev *d, const char *bdf, int kvm_dev,
		      struct kvm_device_attr *attr)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char gpath[PATH_MAX];
	int noiommu, ret;

	memset(d, 0, sizeof(*d));
	d->container = d->group = d->iommufd = d->fd = -1;
	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);

	ret = group_of(bdf, gpath, sizeof(gpath));
	if (ret) {
		tap_diag("%s: no iommu_group: %s", bdf, strerror(-ret));
		return ret;
	}
	noiommu = strstr(gpath, "noiommu-") != NULL;

	d->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (d->container < 0)
		goto fail;
	if (ioctl(d->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION) {
		errno = EINVAL;
		goto fail;
	}
	d->group = open(gpath, O_RDWR | O_CLOEXEC);
	if (d->group < 0)
		goto fail;
	if (ioctl(d->group, VFIO_GROUP_GET_STATUS, &status))
		goto fail;
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		tap_diag("%s: group %s not viable (another device of the group is bound to a host driver)",
			 bdf, gpath);
		errno = EBUSY;
		goto fail;
	}
	if (ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &d->container))
		goto fail;
	if (ioctl(d->container, VFIO_SET_IOMMU,
		  noiommu ? VFIO_NOIOMMU_IOMMU : VFIO_TYPE1v2_IOMMU))
		goto fail;
	if (kvm_dev >= 0) {
		attr->addr = (uint64_t)(uintptr_t)&d->group;
		if (ioctl(kvm_dev, KVM_SET_DEVICE_ATTR, attr))
			goto fail;
	}
	d->fd = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (d->fd < 0)
		goto fail;
	return 0;
fail:
	ret = -errno;
	tap_diag("%s: vfio open via %s failed: %s", bdf, gpath, strerror(errno));
	vfio_dev_close(d);
	return ret;
}

void vfio_dev_close(struct vfio_dev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	if (d->group >= 0)
		close(d->group);
	if (d->container >= 0)
		close(d->container);
	if (d->iommufd >= 0)
		close(d->iommufd);
	d->fd = d->group = d->container = d->iommufd = -1;
}

struct vfio_region_info *vfio_region_info_get(int fd, uint32_t index)
{
	struct vfio_region_info *info, *bigger;
	size_t sz = sizeof(*info);

	info = calloc(1, sz);
	if (!info)
		return NULL;
	for (;;) {
		info->argsz = sz;
		info->index = index;
		if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, info)) {
			free(info);
			return NULL;
		}
		if (info->argsz <= sz)
			return info;
		/* the capability chain did not fit: retry with what it needs */
		sz = info->argsz;
		bigger = realloc(info, sz);
		if (!bigger) {
			free(info);
			return NULL;
		}
		info = bigger;
		memset(info, 0, sz);
	}
}

const struct vfio_info_cap_header *
vfio_region_cap_find(const struct vfio_region_info *info, uint16_t id)
{
	const struct vfio_info_cap_header *hdr;
	uint32_t off, hops = 0;

	if (!(info->flags & VFIO_REGION_INFO_FLAG_CAPS))
		return NULL;
	for (off = info->cap_offset; off; off = hdr->next) {
		if (off < sizeof(*info) || off + sizeof(*hdr) > info->argsz ||
		    ++hops > 64)
			return NULL;
		hdr = (const void *)((const char *)info + off);
		if (hdr->id == id)
			return hdr;
	}
	return NULL;
}

int vfio_region_find(int fd, uint32_t type, uint32_t subtype,
		     struct vfio_region_info **out)
{
	struct vfio_device_info dinfo = { .argsz = sizeof(dinfo) };
	uint32_t i;

	if (ioctl(fd, VFIO_DEVICE_GET_INFO, &dinfo))
		return -1;
	for (i = VFIO_PCI_NUM_REGIONS; i < dinfo.num_regions; i++) {
		struct vfio_region_info *info = vfio_region_info_get(fd, i);
		const struct vfio_region_info_cap_type *t;

		if (!info)
			continue;
		t = (const void *)vfio_region_cap_find(info, VFIO_REGION_INFO_CAP_TYPE);
		if (t && t->type == type && t->subtype == subtype) {
			if (out)
				*out = info;
			else
				free(info);
			return (int)i;
		}
		free(info);
	}
	return -1;
}
