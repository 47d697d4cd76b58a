/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The test modules are written for the newest kernel (7.2), like the
 * NVLink2 variants (drivers/vfio/pci/nvlink2/nvlink2_compat.h); this file
 * is the one place that knows the 6.12 base.
 */
#ifndef VV_COMPAT_H
#define VV_COMPAT_H

#include <linux/slab.h>
#include <linux/version.h>

/* the typed allocation helpers of the newest kernels, not in 6.12 */
#ifndef kzalloc_obj
#define kzalloc_obj(P, gfp)	kzalloc(sizeof(P), gfp)
#endif

/* ops every vfio-pci-core driver sets since 6.19 (as nvlink2_compat.h) */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 19, 0)
#define VV_VFIO_PCI_CORE_OPS_6_19					\
	.get_region_info_caps = vfio_pci_ioctl_get_region_info,		\
	.match_token_uuid = vfio_pci_core_match_token_uuid,
#else
#define VV_VFIO_PCI_CORE_OPS_6_19
#endif

#endif /* VV_COMPAT_H */
