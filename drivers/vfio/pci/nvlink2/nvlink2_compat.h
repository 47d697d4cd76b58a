/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The variants are written for the newest kernel (7.2). This file is the
 * one place that knows older ones, for the 6.12 base and the DKMS package
 * on distribution kernels, as the kernel's backports project does it: each
 * block gives an older kernel what the code uses under the newest name.
 * It would not go upstream with the drivers.
 */
#ifndef VFIO_PCI_NVLINK2_COMPAT_H
#define VFIO_PCI_NVLINK2_COMPAT_H

#include <linux/module.h>
#include <linux/version.h>

/* 6.13 made symbol namespaces string literals */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
#undef MODULE_IMPORT_NS
#define MODULE_IMPORT_NS(ns)	MODULE_INFO(import_ns, ns)
#endif

/* 6.17 dropped pfn_t: the huge PFN inserts take a plain PFN */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 17, 0)
#include <linux/pfn_t.h>
#define vmf_insert_pfn_pmd(vmf, pfn, write) \
	vmf_insert_pfn_pmd(vmf, __pfn_to_pfn_t(pfn, PFN_DEV), write)
#define vmf_insert_pfn_pud(vmf, pfn, write) \
	vmf_insert_pfn_pud(vmf, __pfn_to_pfn_t(pfn, PFN_DEV), write)
#endif

/*
 * 6.19 took VFIO_DEVICE_GET_REGION_INFO out of vfio_pci_core_ioctl(), into
 * an op of its own that vfio-pci-core's device regions go through, and
 * made vfio_pci_core_match() call match_token_uuid (the VF token), which
 * every vfio-pci-core driver must now set.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 19, 0)
#define NVLINK2_VFIO_PCI_CORE_OPS_6_19					\
	.get_region_info_caps = vfio_pci_ioctl_get_region_info,		\
	.match_token_uuid = vfio_pci_core_match_token_uuid,
#else
#define NVLINK2_VFIO_PCI_CORE_OPS_6_19
#endif

#endif /* VFIO_PCI_NVLINK2_COMPAT_H */
