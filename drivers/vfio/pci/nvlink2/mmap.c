// SPDX-License-Identifier: GPL-2.0-only
/*
 * Physical memory (GPU RAM, an ATSD register page) mapped to userspace
 * through a VFIO device region.
 *
 * The memory has no struct pages the user may hold, so mappings are
 * VM_PFNMAP and filled at fault time, with the largest page-table entry the
 * alignment of the memory and of the user address allows: 1 GiB of GPU RAM
 * then costs one fault, not 262144. Faulting rather than remapping the
 * whole range at mmap time is also what makes revocation possible: a
 * revoked range is zapped, and the next fault sees the generation changed
 * and raises SIGBUS.
 */
#include <linux/kref.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/pfn_t.h>
#include <linux/slab.h>
#include <linux/vfio_pci_core.h>

#include "nvlink2.h"

static bool huge_faults = true;
module_param(huge_faults, bool, 0644);
MODULE_PARM_DESC(huge_faults, "map with PUD/PMD entries where aligned (default Y; N: 4 KiB pages, for comparison)");

/* One per mmap() call, shared by the VMAs it splits or forks into. */
struct nvlink2_vma {
	struct kref kref;
	struct nvlink2_mem *mem;
	unsigned int gen;
};

/**
 * nvlink2_mem_init() - describe memory to be exposed as a region
 * @mem: the region state, living as long as the VFIO device
 * @vdev: the VFIO device
 * @base: physical address
 * @size: size in bytes, page aligned (0: a region that cannot be mapped)
 * @uncached: map uncached, as registers must be
 */
void nvlink2_mem_init(struct nvlink2_mem *mem, struct vfio_pci_core_device *vdev,
		      phys_addr_t base, u64 size, bool uncached)
{
	mem->vdev = vdev;
	mem->index = 0;
	mem->base = base;
	mem->size = size;
	mem->uncached = uncached;
	init_rwsem(&mem->lock);
	mem->gen = 0;
	mem->dead = false;
}
EXPORT_SYMBOL_GPL(nvlink2_mem_init);

static void nvlink2_vma_free(struct kref *kref)
{
	kfree(container_of(kref, struct nvlink2_vma, kref));
}

static void nvlink2_vma_open(struct vm_area_struct *vma)
{
	struct nvlink2_vma *nv = vma->vm_private_data;

	kref_get(&nv->kref);
}

static void nvlink2_vma_close(struct vm_area_struct *vma)
{
	struct nvlink2_vma *nv = vma->vm_private_data;

	kref_put(&nv->kref, nvlink2_vma_free);
}

static vm_fault_t nvlink2_vma_huge_fault(struct vm_fault *vmf,
					 unsigned int order)
{
	struct vm_area_struct *vma = vmf->vma;
	struct nvlink2_vma *nv = vma->vm_private_data;
	struct nvlink2_mem *mem = nv->mem;
	unsigned long addr = ALIGN_DOWN(vmf->address, PAGE_SIZE << order);
	unsigned long pgoff = vma->vm_pgoff &
			      (VFIO_PCI_OFFSET_MASK >> PAGE_SHIFT);
	unsigned long pfn = PHYS_PFN(mem->base) + pgoff +
			    ((addr - vma->vm_start) >> PAGE_SHIFT);
	vm_fault_t ret = VM_FAULT_SIGBUS;

	if (order && (!READ_ONCE(huge_faults) || addr < vma->vm_start ||
		      addr + (PAGE_SIZE << order) > vma->vm_end ||
		      pfn & ((1UL << order) - 1)))
		return VM_FAULT_FALLBACK;

	down_read(&mem->lock);
	if (mem->dead || nv->gen != mem->gen)
		goto out;

	switch (order) {
	case 0:
		ret = vmf_insert_pfn(vma, vmf->address, pfn);
		break;
#ifdef CONFIG_ARCH_SUPPORTS_PMD_PFNMAP
	case PMD_ORDER:
		ret = vmf_insert_pfn_pmd(vmf, __pfn_to_pfn_t(pfn, PFN_DEV),
					 vmf->flags & FAULT_FLAG_WRITE);
		break;
#endif
#ifdef CONFIG_ARCH_SUPPORTS_PUD_PFNMAP
	case PUD_ORDER:
		ret = vmf_insert_pfn_pud(vmf, __pfn_to_pfn_t(pfn, PFN_DEV),
					 vmf->flags & FAULT_FLAG_WRITE);
		break;
#endif
	default:
		ret = VM_FAULT_FALLBACK;
	}
out:
	up_read(&mem->lock);
	return ret;
}

static vm_fault_t nvlink2_vma_fault(struct vm_fault *vmf)
{
	return nvlink2_vma_huge_fault(vmf, 0);
}

static const struct vm_operations_struct nvlink2_vm_ops = {
	.open = nvlink2_vma_open,
	.close = nvlink2_vma_close,
	.fault = nvlink2_vma_fault,
#ifdef CONFIG_ARCH_SUPPORTS_HUGE_PFNMAP
	.huge_fault = nvlink2_vma_huge_fault,
#endif
};

/**
 * nvlink2_mem_mmap() - map a page-aligned part of the region
 * @mem: the region
 * @vma: the user's VMA; MAP_SHARED was checked by vfio_pci_core_mmap()
 *
 * Any page-aligned sub-range may be mapped, any number of times.
 *
 * Return: 0; -EINVAL for a range past the region; -ENODEV once the device
 * is going away; -ENOMEM.
 */
int nvlink2_mem_mmap(struct nvlink2_mem *mem, struct vm_area_struct *vma)
{
	u64 start = (vma->vm_pgoff << PAGE_SHIFT) & VFIO_PCI_OFFSET_MASK;
	u64 len = vma->vm_end - vma->vm_start;
	struct nvlink2_vma *nv;
	int ret = 0;

	if (start >= mem->size || len > mem->size - start)
		return -EINVAL;

	nv = kzalloc(sizeof(*nv), GFP_KERNEL_ACCOUNT);
	if (!nv)
		return -ENOMEM;
	kref_init(&nv->kref);
	nv->mem = mem;

	down_read(&mem->lock);
	if (mem->dead)
		ret = -ENODEV;
	nv->gen = mem->gen;
	up_read(&mem->lock);
	if (ret) {
		kfree(nv);
		return ret;
	}

	if (mem->uncached)
		vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_private_data = nv;
	vma->vm_ops = &nvlink2_vm_ops;
	return 0;
}
EXPORT_SYMBOL_GPL(nvlink2_mem_mmap);

/**
 * nvlink2_mem_revoke() - take the region away from existing mappings
 * @mem: the region
 * @dead: also refuse new mappings, for good (device removal)
 *
 * Zaps every user mapping of the region; a later touch of them raises
 * SIGBUS. Mappings made after a revocation that is not @dead work.
 */
void nvlink2_mem_revoke(struct nvlink2_mem *mem, bool dead)
{
	struct inode *inode = mem->vdev->vdev.inode;

	down_write(&mem->lock);
	mem->gen++;
	if (dead)
		mem->dead = true;
	/* index 0 is BAR0: the region was never registered, never mapped */
	if (mem->index)
		unmap_mapping_range(inode->i_mapping,
				    VFIO_PCI_INDEX_TO_OFFSET(mem->index),
				    VFIO_PCI_INDEX_TO_OFFSET(1), true);
	up_write(&mem->lock);
}
EXPORT_SYMBOL_GPL(nvlink2_mem_revoke);

static bool nvlink2_writes_bit(const char __user *buf, size_t count, loff_t pos,
			       int at, u8 bit)
{
	u8 b;

	return at >= pos && at < pos + count &&
	       !get_user(b, buf + (at - pos)) && (b & bit);
}

/**
 * nvlink2_config_write_resets() - whether a config space write resets
 * @pdev: the device
 * @buf: the user's bytes
 * @count: how many
 * @pos: where in config space they go
 *
 * vfio-pci turns the FLR bit of a write to PCIe Device Control or to the
 * Advanced Features control register into a function reset, which must
 * revoke mappings as VFIO_DEVICE_RESET does.
 *
 * Return: true when the write sets one of those bits.
 */
bool nvlink2_config_write_resets(struct pci_dev *pdev, const char __user *buf,
				 size_t count, loff_t pos)
{
	int exp = pci_pcie_cap(pdev);
	int af = pci_find_capability(pdev, PCI_CAP_ID_AF);

	return (exp && nvlink2_writes_bit(buf, count, pos, exp + PCI_EXP_DEVCTL + 1,
					  PCI_EXP_DEVCTL_BCR_FLR >> 8)) ||
	       (af && nvlink2_writes_bit(buf, count, pos, af + PCI_AF_CTRL,
					 PCI_AF_CTRL_FLR));
}
EXPORT_SYMBOL_GPL(nvlink2_config_write_resets);
