/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a VMM does to reach a VFIO device, for the client tests: open the
 * group of a PCI device (type1 container, or noiommu), get the device fd,
 * find regions by type/subtype and walk their capability chains.
 *
 * With VFIO_CDEV=1 in the environment, the device is opened the iommufd
 * way instead, as QEMU does with -object iommufd: its character device
 * /dev/vfio/devices/vfioN bound to /dev/iommu and attached to an IOAS.
 */
#ifndef VFIO_UTIL_H
#define VFIO_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <linux/vfio.h>

struct vfio_dev {
	int container;		/* group path: the type1/noiommu container */
	int group;		/* group path: the group */
	int iommufd;		/* cdev path: /dev/iommu */
	uint32_t ioas;		/* cdev path: the IOAS the device is attached to */
	int fd;
	char bdf[32];
};

/* TAP output */
void tap_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tap_skip(const char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tap_done(void);

/* 0 on success; on failure -errno and a diagnostic line */
int vfio_dev_open(struct vfio_dev *d, const char *bdf);
/* the same, telling KVM's VFIO device @kvm_dev about the group first */
struct kvm_device_attr;
int vfio_dev_open_kvm(struct vfio_dev *d, const char *bdf, int kvm_dev,
		      struct kvm_device_attr *attr);
void vfio_dev_close(struct vfio_dev *d);
/* 1 when @d was opened through its cdev and iommufd */
static inline int vfio_dev_is_cdev(const struct vfio_dev *d) { return d->iommufd >= 0; }
/*
 * Open another device of @d's dev_set in @d's context (same group, or the
 * same iommufd and IOAS): its fd, or -errno with a diagnostic line.
 */
int vfio_dev_open_peer(struct vfio_dev *d, const char *bdf);

/*
 * Region info with its capability chain: returns a malloc'ed buffer
 * (grown to the argsz the kernel asks for), or NULL with errno set.
 */
struct vfio_region_info *vfio_region_info_get(int fd, uint32_t index);

/* The first capability with this id in a region's chain, or NULL */
const struct vfio_info_cap_header *
vfio_region_cap_find(const struct vfio_region_info *info, uint16_t id);

/*
 * Find a device-specific region by (type, subtype): its index, or -1.
 * The info (with capabilities) is returned through @info when found.
 */
int vfio_region_find(int fd, uint32_t type, uint32_t subtype,
		     struct vfio_region_info **info);

#endif
