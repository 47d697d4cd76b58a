/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the NVLink2 variants meet outside their own code: OPAL's NPU calls,
 * which off POWER9 only the project's simulated node answers
 * (tests/kmod/vv_nvlink2_sim.c, which includes this file), and the
 * firmware readers their KUnit suite calls.
 */
#ifndef VFIO_PCI_NVLINK2_EXT_H
#define VFIO_PCI_NVLINK2_EXT_H

#include <linux/fwnode.h>
#include <linux/types.h>

#ifdef CONFIG_PPC_POWERNV
#include <asm/opal.h>
#else
/* as asm/opal.h declares them */
s64 opal_npu_map_lpar(u64 phb_id, u64 bdf, u64 lparid, u64 lpcr);
s64 opal_npu_init_context(u64 phb_id, int pasid, u64 msr, u64 bdf);
s64 opal_npu_destroy_context(u64 phb_id, u64 pid, u64 bdf);
#endif

#if IS_ENABLED(CONFIG_KUNIT)
int nvlink2gpu_read_fw(struct fwnode_handle *gpu, phys_addr_t *base, u64 *size,
		       u64 *tgt, u64 *phb_id);
int npu2_read_fw(struct fwnode_handle *npu, u32 *index, u64 *tgt, u32 *speed,
		 phys_addr_t *atsd);
#endif

#endif /* VFIO_PCI_NVLINK2_EXT_H */
