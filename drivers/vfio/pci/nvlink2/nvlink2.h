/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What nvlink2gpu-vfio-pci and npu2-vfio-pci share: memory outside the
 * device's BARs (GPU RAM, an ATSD register page) given to userspace as a
 * device region, and governed as vfio-pci-core governs BARs: faults and
 * accesses under vdev->memory_lock, mappings zapped by the core before a
 * reset or a power transition and faulted again afterwards.
 */
#ifndef VFIO_PCI_NVLINK2_H
#define VFIO_PCI_NVLINK2_H

#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/vfio_pci_core.h>

#include "nvlink2_compat.h"
#include "nvlink2_ext.h"

/*
 * On a kernel without driver_override aliases the variants answer to their
 * own names only (the initializers go last in struct pci_driver); modinfo
 * still tells userspace their priority.
 */
#ifndef VFIO_PCI_VARIANT_OVERRIDE
#define VFIO_PCI_VARIANT_OVERRIDE
#define VFIO_PCI_VARIANT_PRIORITY	10
#define VFIO_PCI_VARIANT_MODULE_INFO(name, priority)		\
	MODULE_INFO(override_priority, name ":" __stringify(priority))
#endif

/**
 * struct nvlink2_mem - memory given to userspace as a device region
 * @vdev: the VFIO device the region belongs to
 * @base: physical address
 * @size: size in bytes, a multiple of PAGE_SIZE (0: nothing to map)
 * @uncached: map it uncached, as registers are
 * @error: error recovery is under way: no access until it ends
 *
 * @error is written under @vdev->memory_lock held for write.
 */
struct nvlink2_mem {
	struct vfio_pci_core_device *vdev;
	phys_addr_t base;
	u64 size;
	bool uncached;
	bool error;
};

/**
 * struct nvlink2_device - what the devices of both variants start with
 * @core: the vfio-pci core device
 * @mem: the memory of its device region
 */
struct nvlink2_device {
	struct vfio_pci_core_device core;
	struct nvlink2_mem mem;
};

/*
 * The vfio_device_ops both variants take from vfio-pci-core as they are:
 * each adds its name, open_device and close_device.
 */
#define NVLINK2_VFIO_PCI_CORE_OPS				\
	.init		= vfio_pci_core_init_dev,		\
	.release	= vfio_pci_core_release_dev,		\
	.ioctl		= vfio_pci_core_ioctl,			\
	NVLINK2_VFIO_PCI_CORE_OPS_6_19				\
	.device_feature	= vfio_pci_core_ioctl_feature,		\
	.read		= vfio_pci_core_read,			\
	.write		= vfio_pci_core_write,			\
	.mmap		= vfio_pci_core_mmap,			\
	.request	= vfio_pci_core_request,		\
	.match		= vfio_pci_core_match,			\
	.bind_iommufd	= vfio_iommufd_physical_bind,		\
	.unbind_iommufd	= vfio_iommufd_physical_unbind,		\
	.attach_ioas	= vfio_iommufd_physical_attach_ioas,	\
	.detach_ioas	= vfio_iommufd_physical_detach_ioas

static inline struct nvlink2_device *to_nvlink2(struct pci_dev *pdev)
{
	return container_of(dev_get_drvdata(&pdev->dev), struct nvlink2_device, core);
}

/*
 * Whether the memory may be touched, with vdev->memory_lock held: only in
 * D0, not while the device is in a low power state (the link is down) or
 * recovers from an error. A reset holds the lock for write, so it is never under way.
 */
static inline bool nvlink2_mem_usable(const struct nvlink2_mem *mem)
{
	struct vfio_pci_core_device *vdev = mem->vdev;

	lockdep_assert_held(&vdev->memory_lock);
	return !vdev->pm_runtime_engaged && vdev->pdev->current_state == PCI_D0 &&
	       !mem->error;
}

/* PTE, PMD or PUD entries, as the alignment of both addresses allows */
static inline vm_fault_t nvlink2_mem_fault(struct vm_fault *vmf,
					   unsigned int order)
{
	struct vm_area_struct *vma = vmf->vma;
	struct nvlink2_mem *mem = vma->vm_private_data;
	unsigned long addr = ALIGN_DOWN(vmf->address, PAGE_SIZE << order);
	unsigned long pfn = PHYS_PFN(mem->base) +
			    (vma->vm_pgoff & (VFIO_PCI_OFFSET_MASK >> PAGE_SHIFT)) +
			    ((addr - vma->vm_start) >> PAGE_SHIFT);
	vm_fault_t ret = VM_FAULT_SIGBUS;

	if (order && (addr < vma->vm_start ||
		      addr + (PAGE_SIZE << order) > vma->vm_end ||
		      pfn & ((1UL << order) - 1)))
		return VM_FAULT_FALLBACK;

	down_read(&mem->vdev->memory_lock);
	if (!nvlink2_mem_usable(mem))
		goto out;
	/* not a switch: PMD_ORDER is a variable on powerpc (hash or radix MMU) */
	if (!order)
		ret = vmf_insert_pfn(vma, vmf->address, pfn);
	else if (IS_ENABLED(CONFIG_ARCH_SUPPORTS_PMD_PFNMAP) && order == PMD_ORDER)
		ret = vmf_insert_pfn_pmd(vmf, pfn, vmf->flags & FAULT_FLAG_WRITE);
	else if (IS_ENABLED(CONFIG_ARCH_SUPPORTS_PUD_PFNMAP) && order == PUD_ORDER)
		ret = vmf_insert_pfn_pud(vmf, pfn, vmf->flags & FAULT_FLAG_WRITE);
	else
		ret = VM_FAULT_FALLBACK;
out:
	up_read(&mem->vdev->memory_lock);
	return ret;
}

static inline vm_fault_t nvlink2_mem_page_fault(struct vm_fault *vmf)
{
	return nvlink2_mem_fault(vmf, 0);
}

static const struct vm_operations_struct nvlink2_mem_vm_ops = {
	.fault = nvlink2_mem_page_fault,
#ifdef CONFIG_ARCH_SUPPORTS_HUGE_PFNMAP
	.huge_fault = nvlink2_mem_fault,
#endif
};

/*
 * Map a page-aligned part of the region, any number of times. The mapping
 * is filled by faults, so that the core's zap takes it away for a reset and
 * the next access after the reset brings it back.
 */
static inline int nvlink2_mem_mmap(struct nvlink2_mem *mem,
				   struct vm_area_struct *vma)
{
	u64 start = (vma->vm_pgoff << PAGE_SHIFT) & VFIO_PCI_OFFSET_MASK;
	u64 len = vma->vm_end - vma->vm_start;

	if (start >= mem->size || len > mem->size - start)
		return -EINVAL;
	if (mem->uncached)
		vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_private_data = mem;
	vma->vm_ops = &nvlink2_mem_vm_ops;
	return 0;
}

/*
 * Error recovery (AER) may reset the device behind vfio's back: take the
 * memory away from userspace for its duration, as a reset through vfio
 * does, and give it back once the device has recovered.
 */
static inline void nvlink2_mem_error(struct pci_dev *pdev, bool error)
{
	struct nvlink2_device *nv = to_nvlink2(pdev);

	down_write(&nv->core.memory_lock);
	if (error)
		unmap_mapping_range(nv->core.vdev.inode->i_mapping, 0, 0, true);
	nv->mem.error = error;
	up_write(&nv->core.memory_lock);
}

static inline pci_ers_result_t nvlink2_error_detected(struct pci_dev *pdev,
						      pci_channel_state_t state)
{
	nvlink2_mem_error(pdev, true);
	return vfio_pci_core_aer_err_detected(pdev, state);
}

static inline void nvlink2_error_resume(struct pci_dev *pdev)
{
	nvlink2_mem_error(pdev, false);
}

static const struct pci_error_handlers nvlink2_err_handlers = {
	.error_detected = nvlink2_error_detected,
	.resume = nvlink2_error_resume,
};

#endif /* VFIO_PCI_NVLINK2_H */
