// SPDX-License-Identifier: GPL-2.0-only
/*
 * nvlink2gpu-vfio-pci: vfio-pci for NVIDIA V100 GPUs attached to POWER9
 * over NVLink2, whose RAM the host sees as coherent memory. The variant
 * adds that RAM as a device region (VFIO_REGION_SUBTYPE_NVIDIA_NVLINK2_RAM)
 * with its NPU target address (VFIO_REGION_INFO_CAP_NVLINK2_SSATGT), which
 * a VMM maps into the guest, and maps the GPU into the guest's partition
 * while a KVM guest has it. See Documentation/userspace-api/vfio-nvlink2.rst.
 *
 * The firmware describes the GPU's RAM on its first NPU link (POWER9
 * device tree, as skiboot writes it): the GPU's "ibm,npu" phandle leads to
 * the link, whose "memory-region" leads to the memory node ("reg": base,
 * size) and whose "ibm,device-tgt-addr" is the target address; the link's
 * parent is the NPU PHB ("ibm,opal-phbid").
 */
#include <linux/io.h>
#include <linux/kvm_host.h>
#include <linux/module.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include "nvlink2.h"

#ifdef CONFIG_PPC_POWERNV
#include <asm/reg.h>
#define NVLINK2GPU_MSR		(MSR_DR | MSR_PR)
#define nvlink2gpu_lpid(kvm)	((kvm)->arch.lpid)
#else
#define NVLINK2GPU_MSR		(BIT(4) | BIT(14))	/* POWER's MSR_DR | MSR_PR */
/* the simulated node numbers its partitions after the VM */
#define nvlink2gpu_lpid(kvm)	((u64)(unsigned long)(kvm) >> PAGE_SHIFT)
#endif

#ifdef CONFIG_SPAPR_TCE_IOMMU
#include <asm/mmu_context.h>
#endif

/* Largest piece of GPU RAM mapped into the kernel at once by read/write */
#define NVLINK2GPU_RW_WINDOW	SZ_4M

struct nvlink2gpu_device {
	struct nvlink2_device nv;
	u64 tgt;
	u64 phb_id;
	bool lpar;
#ifdef CONFIG_SPAPR_TCE_IOMMU
	struct mutex prereg_lock;	/* preregs */
	struct list_head preregs;
#endif
};

static struct nvlink2gpu_device *to_gpu(struct vfio_pci_core_device *vdev)
{
	return container_of(vdev, struct nvlink2gpu_device, nv.core);
}

/**
 * nvlink2gpu_read_fw() - read the NVLink2 description of a GPU
 * @gpu: the GPU's firmware node
 * @base: set to the physical address of the GPU RAM
 * @size: set to its size, a multiple of PAGE_SIZE
 * @tgt: set to its address as the NPU sees it
 * @phb_id: set to the OPAL id of the NPU PHB (0 if the firmware has none)
 *
 * Return: 0; -ENODEV when the node says nothing of NVLink2 (no NPU link or
 * no memory region); -EINVAL when the description is malformed.
 */
VISIBLE_IF_KUNIT int nvlink2gpu_read_fw(struct fwnode_handle *gpu, phys_addr_t *base,
					u64 *size, u64 *tgt, u64 *phb_id)
{
	struct fwnode_handle *npu, *mem, *phb;
	u64 reg[2];
	int ret = -ENODEV;

	npu = fwnode_find_reference(gpu, "ibm,npu", 0);
	if (IS_ERR(npu))
		return -ENODEV;
	mem = fwnode_find_reference(npu, "memory-region", 0);
	if (IS_ERR(mem))
		goto put_npu;

	ret = -EINVAL;
	if (fwnode_property_read_u64_array(mem, "reg", reg, ARRAY_SIZE(reg)) ||
	    fwnode_property_read_u64(npu, "ibm,device-tgt-addr", tgt))
		goto put_mem;
	/* mapped by pages, so made of whole pages */
	if (!reg[1] || !PAGE_ALIGNED(reg[0]) || !PAGE_ALIGNED(reg[1]) ||
	    reg[0] + reg[1] < reg[0])
		goto put_mem;
	*base = reg[0];
	*size = reg[1];
	*phb_id = 0;
	phb = fwnode_get_parent(npu);
	if (phb)
		fwnode_property_read_u64(phb, "ibm,opal-phbid", phb_id);
	fwnode_handle_put(phb);
	ret = 0;
put_mem:
	fwnode_handle_put(mem);
put_npu:
	fwnode_handle_put(npu);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(nvlink2gpu_read_fw);

/*
 * Map the GPU into the partition of the KVM guest that opened it, and set
 * up the translation context of its accesses (MSR bits of a guest's
 * problem state with data relocation), in the order of 5.12's
 * pnv_npu2_map_lpar_dev(). OPAL takes no LPCR bits: they are for hash ATS.
 */
static int nvlink2gpu_map_lpar(struct nvlink2gpu_device *gpu, struct kvm *kvm)
{
	struct pci_dev *pdev = gpu->nv.core.pdev;
	s64 rc;

	if (!gpu->phb_id)
		return -ENODEV;
	rc = opal_npu_map_lpar(gpu->phb_id, pci_dev_id(pdev), nvlink2gpu_lpid(kvm), 0);
	if (!rc) {
		rc = opal_npu_init_context(gpu->phb_id, 0, NVLINK2GPU_MSR, pci_dev_id(pdev));
		if (rc < 0)
			opal_npu_map_lpar(gpu->phb_id, pci_dev_id(pdev), 0, 0);
	}
	if (rc < 0) {
		pci_err(pdev, "OPAL refused to map the GPU to partition %llu: %lld\n",
			(u64)nvlink2gpu_lpid(kvm), rc);
		return -EIO;
	}
	gpu->lpar = true;
	return 0;
}

/* Give the GPU back to the host partition (LPID 0), once it is quiet */
static void nvlink2gpu_unmap_lpar(struct nvlink2gpu_device *gpu)
{
	u64 bdf = pci_dev_id(gpu->nv.core.pdev);

	if (!gpu->lpar)
		return;
	if (opal_npu_destroy_context(gpu->phb_id, 0, bdf) ||
	    opal_npu_map_lpar(gpu->phb_id, bdf, 0, 0))
		pci_warn(gpu->nv.core.pdev, "OPAL could not give the GPU back to the host\n");
	gpu->lpar = false;
}

/*
 * read() and write() map only the pages they touch, and only while they
 * copy: the RAM sits behind NVLink, and a long-lived kernel mapping would
 * let the CPU prefetch from it while a reset has the link down. The user's
 * buffer goes through a bounce buffer outside memory_lock, as the core's
 * BAR accesses do: a fault on it takes mmap_lock, which the fault handler
 * holds when it takes memory_lock.
 */
static ssize_t nvlink2gpu_ram_rw(struct vfio_pci_core_device *vdev,
				 char __user *buf, size_t count, loff_t *ppos,
				 bool iswrite)
{
	struct nvlink2_mem *ram = &to_gpu(vdev)->nv.mem;
	u64 pos = *ppos & VFIO_PCI_OFFSET_MASK;
	size_t done = 0;
	int err = 0;
	void *bounce;

	if (pos >= ram->size)
		return -EINVAL;
	count = min_t(u64, count, ram->size - pos);
	bounce = kvmalloc(min_t(size_t, count, NVLINK2GPU_RW_WINDOW), GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;

	while (!err && done < count) {
		u64 off = pos + done, start = ALIGN_DOWN(off, PAGE_SIZE);
		size_t n = min_t(u64, count - done, NVLINK2GPU_RW_WINDOW - (off - start));
		void *p = NULL;

		if (iswrite && copy_from_user(bounce, buf + done, n)) {
			err = -EFAULT;
			break;
		}
		down_read(&vdev->memory_lock);
		if (!nvlink2_mem_usable(ram))
			err = -EIO;
		else
			p = memremap(ram->base + start, PAGE_ALIGN(off - start + n), MEMREMAP_WB);
		if (p) {
			if (iswrite)
				memcpy(p + (off - start), bounce, n);
			else
				memcpy(bounce, p + (off - start), n);
			memunmap(p);
		} else if (!err) {
			err = -ENOMEM;
		}
		up_read(&vdev->memory_lock);
		if (!err && !iswrite && copy_to_user(buf + done, bounce, n))
			err = -EFAULT;
		if (!err)
			done += n;
	}
	kvfree(bounce);

	if (!done)
		return err;
	*ppos += done;
	return done;
}

#ifdef CONFIG_SPAPR_TCE_IOMMU
/*
 * A guest may point DMA at its GPU RAM: register each mapping with the
 * sPAPR TCE memory tracker, which translates such DMA, as 5.12 did.
 */
struct nvlink2gpu_prereg {
	struct list_head node;
	struct mm_struct *mm;
	struct mm_iommu_table_group_mem_t *mem;
};

static int nvlink2gpu_prereg(struct nvlink2gpu_device *gpu, struct vm_area_struct *vma)
{
	u64 start = (vma->vm_pgoff << PAGE_SHIFT) & VFIO_PCI_OFFSET_MASK;
	struct nvlink2gpu_prereg *p = kzalloc(sizeof(*p), GFP_KERNEL);
	long ret;

	if (!p)
		return -ENOMEM;
	ret = mm_iommu_newdev(vma->vm_mm, vma->vm_start, vma_pages(vma),
			      gpu->nv.mem.base + start, &p->mem);
	if (ret) {
		kfree(p);
		return ret;
	}
	mmgrab(vma->vm_mm);
	p->mm = vma->vm_mm;
	mutex_lock(&gpu->prereg_lock);
	list_add(&p->node, &gpu->preregs);
	mutex_unlock(&gpu->prereg_lock);
	return 0;
}

static void nvlink2gpu_unprereg(struct nvlink2gpu_device *gpu)
{
	struct nvlink2gpu_prereg *p, *n;

	list_for_each_entry_safe(p, n, &gpu->preregs, node) {
		WARN_ON(mm_iommu_put(p->mm, p->mem));
		mmdrop(p->mm);
		list_del(&p->node);
		kfree(p);
	}
}
#else
static int nvlink2gpu_prereg(struct nvlink2gpu_device *gpu, struct vm_area_struct *vma)
{
	return 0;
}

static void nvlink2gpu_unprereg(struct nvlink2gpu_device *gpu)
{
}
#endif

static int nvlink2gpu_ram_mmap(struct vfio_pci_core_device *vdev,
			       struct vfio_pci_region *region,
			       struct vm_area_struct *vma)
{
	int ret = nvlink2_mem_mmap(region->data, vma);

	return ret ?: nvlink2gpu_prereg(to_gpu(vdev), vma);
}

static int nvlink2gpu_ram_add_cap(struct vfio_pci_core_device *vdev,
				  struct vfio_pci_region *region,
				  struct vfio_info_cap *caps)
{
	struct vfio_region_info_cap_nvlink2_ssatgt cap = {
		.header.id = VFIO_REGION_INFO_CAP_NVLINK2_SSATGT,
		.header.version = 1,
		.tgt = to_gpu(vdev)->tgt,
	};

	return vfio_info_add_capability(caps, &cap.header, sizeof(cap));
}

/* At close: no mapping is left, each pinned the device file */
static void nvlink2gpu_ram_release(struct vfio_pci_core_device *vdev,
				   struct vfio_pci_region *region)
{
	nvlink2gpu_unprereg(to_gpu(vdev));
}

static const struct vfio_pci_regops nvlink2gpu_ram_regops = {
	.rw = nvlink2gpu_ram_rw,
	.mmap = nvlink2gpu_ram_mmap,
	.add_capability = nvlink2gpu_ram_add_cap,
	.release = nvlink2gpu_ram_release,
};

static int nvlink2gpu_open_device(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev =
		container_of(core_vdev, struct vfio_pci_core_device, vdev);
	struct nvlink2gpu_device *gpu = to_gpu(vdev);
	int ret;

	ret = vfio_pci_core_enable(vdev);
	if (ret)
		return ret;

	ret = vfio_pci_core_register_dev_region(vdev,
						VFIO_REGION_TYPE_PCI_VENDOR_TYPE |
						PCI_VENDOR_ID_NVIDIA,
						VFIO_REGION_SUBTYPE_NVIDIA_NVLINK2_RAM,
						&nvlink2gpu_ram_regops,
						gpu->nv.mem.size,
						VFIO_REGION_INFO_FLAG_READ |
						VFIO_REGION_INFO_FLAG_WRITE |
						VFIO_REGION_INFO_FLAG_MMAP,
						&gpu->nv.mem);
	if (!ret && core_vdev->kvm)
		ret = nvlink2gpu_map_lpar(gpu, core_vdev->kvm);
	if (ret) {
		vfio_pci_core_disable(vdev);
		return ret;
	}

	vfio_pci_core_finish_enable(vdev);
	return 0;
}

/*
 * The core first stops the GPU (bus mastering off, reset): only then does
 * it go back to the host partition, as 5.12 did.
 */
static void nvlink2gpu_close_device(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev =
		container_of(core_vdev, struct vfio_pci_core_device, vdev);

	vfio_pci_core_close_device(core_vdev);
	nvlink2gpu_unmap_lpar(to_gpu(vdev));
}

static const struct vfio_device_ops nvlink2gpu_vfio_ops = {
	.name		= "nvlink2gpu-vfio-pci",
	.open_device	= nvlink2gpu_open_device,
	.close_device	= nvlink2gpu_close_device,
	NVLINK2_VFIO_PCI_CORE_OPS,
};

static int nvlink2gpu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct fwnode_handle *fwnode = dev_fwnode(&pdev->dev);
	struct nvlink2gpu_device *gpu;
	phys_addr_t base;
	u64 size, tgt, phb_id;
	int ret;

	/* Without NVLink2 this is a plain GPU: leave it to base vfio-pci */
	ret = fwnode ? nvlink2gpu_read_fw(fwnode, &base, &size, &tgt, &phb_id) : -ENODEV;
	if (ret == -EINVAL)
		pci_warn(pdev, "malformed NVLink2 GPU RAM description, not using it\n");
	if (ret)
		return -ENODEV;

	gpu = vfio_alloc_device(nvlink2gpu_device, nv.core.vdev, &pdev->dev,
				&nvlink2gpu_vfio_ops);
	if (IS_ERR(gpu))
		return PTR_ERR(gpu);
	gpu->nv.mem = (struct nvlink2_mem){ .vdev = &gpu->nv.core, .base = base, .size = size };
	gpu->tgt = tgt;
	gpu->phb_id = phb_id;
#ifdef CONFIG_SPAPR_TCE_IOMMU
	mutex_init(&gpu->prereg_lock);
	INIT_LIST_HEAD(&gpu->preregs);
#endif

	dev_set_drvdata(&pdev->dev, &gpu->nv.core);
	ret = vfio_pci_core_register_device(&gpu->nv.core);
	if (ret) {
		vfio_put_device(&gpu->nv.core.vdev);
		return ret;
	}
	pci_info(pdev, "NVLink2 GPU RAM %pa+%#llx, target address %#llx\n", &base, size, tgt);
	return 0;
}

/* Users are asked to let go first (the device request), then it goes */
static void nvlink2gpu_remove(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(&pdev->dev);

	vfio_pci_core_unregister_device(vdev);
	vfio_put_device(&vdev->vdev);
}

static const struct pci_device_id nvlink2gpu_table[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_NVIDIA, 0x1db1) }, /* V100 SXM2 16GB */
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_NVIDIA, 0x1db5) }, /* V100 SXM2 32GB */
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_NVIDIA, 0x1db8) }, /* V100 SXM3 32GB */
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_NVIDIA, 0x1df5) }, /* V100 SXM2 16GB */
	{}
};
MODULE_DEVICE_TABLE(pci, nvlink2gpu_table);

static struct pci_driver nvlink2gpu_driver = {
	.name = "nvlink2gpu-vfio-pci",
	.id_table = nvlink2gpu_table,
	.probe = nvlink2gpu_probe,
	.remove = nvlink2gpu_remove,
	.err_handler = &nvlink2_err_handlers,
	.driver_managed_dma = true,
	VFIO_PCI_VARIANT_OVERRIDE
};
module_pci_driver(nvlink2gpu_driver);
VFIO_PCI_VARIANT_MODULE_INFO("nvlink2gpu-vfio-pci", VFIO_PCI_VARIANT_PRIORITY);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfio-pci variant for NVIDIA V100 GPUs with NVLink2: the GPU RAM region");
