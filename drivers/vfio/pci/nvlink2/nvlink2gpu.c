// SPDX-License-Identifier: GPL-2.0-only
/*
 * nvlink2gpu-vfio-pci: vfio-pci for NVIDIA V100 GPUs attached to POWER9
 * over NVLink2, whose RAM the host sees as coherent memory. The variant
 * adds that RAM as a device region (VFIO_REGION_SUBTYPE_NVIDIA_NVLINK2_RAM)
 * with its NPU target address (VFIO_REGION_INFO_CAP_NVLINK2_SSATGT), which
 * a VMM maps into the guest. See Documentation/userspace-api/vfio-nvlink2.rst.
 */
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/property.h>
#include <linux/uaccess.h>
#include <linux/vfio_pci_core.h>

#include "nvlink2.h"

/* Largest piece of GPU RAM mapped into the kernel at once by read/write */
#define NVLINK2GPU_RW_WINDOW	SZ_4M

struct nvlink2gpu_device {
	struct vfio_pci_core_device core;
	struct nvlink2_gpu_fw fw;
	struct fwnode_handle *npu;
	struct nvlink2_mem ram;
	bool lpar_mapped;
};

static struct nvlink2gpu_device *to_gpu(struct vfio_pci_core_device *vdev)
{
	return container_of(vdev, struct nvlink2gpu_device, core);
}

/*
 * read() and write() map only the pages they touch, and only while they
 * copy: the RAM sits behind NVLink, and a long-lived kernel mapping would
 * let the CPU prefetch from it while a reset has the link down.
 */
static ssize_t nvlink2gpu_ram_rw(struct vfio_pci_core_device *vdev,
				 char __user *buf, size_t count, loff_t *ppos,
				 bool iswrite)
{
	struct nvlink2gpu_device *gpu = to_gpu(vdev);
	u64 pos = *ppos & VFIO_PCI_OFFSET_MASK;
	size_t done = 0;

	if (pos >= gpu->fw.ram_size)
		return -EINVAL;
	count = min_t(u64, count, gpu->fw.ram_size - pos);

	while (done < count) {
		u64 off = pos + done;
		u64 start = ALIGN_DOWN(off, PAGE_SIZE);
		size_t n = min_t(u64, count - done,
				 NVLINK2GPU_RW_WINDOW - (off - start));
		void *p;
		unsigned long left;

		p = memremap(gpu->fw.ram_base + start,
			     PAGE_ALIGN(off - start + n), MEMREMAP_WB);
		if (!p)
			return done ? done : -EFAULT;
		if (iswrite)
			left = copy_from_user(p + (off - start), buf + done, n);
		else
			left = copy_to_user(buf + done, p + (off - start), n);
		memunmap(p);
		done += n - left;
		if (left)
			break;
	}

	if (!done)
		return -EFAULT;
	*ppos += done;
	return done;
}

static int nvlink2gpu_ram_mmap(struct vfio_pci_core_device *vdev,
			       struct vfio_pci_region *region,
			       struct vm_area_struct *vma)
{
	return nvlink2_mem_mmap(region->data, vma);
}

static int nvlink2gpu_ram_add_cap(struct vfio_pci_core_device *vdev,
				  struct vfio_pci_region *region,
				  struct vfio_info_cap *caps)
{
	struct vfio_region_info_cap_nvlink2_ssatgt cap = {
		.header.id = VFIO_REGION_INFO_CAP_NVLINK2_SSATGT,
		.header.version = 1,
		.tgt = to_gpu(vdev)->fw.tgt,
	};

	return vfio_info_add_capability(caps, &cap.header, sizeof(cap));
}

/* The region goes with the open device: no mapping of it may outlive that */
static void nvlink2gpu_ram_release(struct vfio_pci_core_device *vdev,
				   struct vfio_pci_region *region)
{
	nvlink2_mem_revoke(region->data, false);
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
	u32 type = VFIO_REGION_TYPE_PCI_VENDOR_TYPE | PCI_VENDOR_ID_NVIDIA;
	u32 subtype = VFIO_REGION_SUBTYPE_NVIDIA_NVLINK2_RAM;
	u32 flags = VFIO_REGION_INFO_FLAG_READ |
		    VFIO_REGION_INFO_FLAG_WRITE | VFIO_REGION_INFO_FLAG_MMAP;
	int ret;

	ret = vfio_pci_core_enable(vdev);
	if (ret)
		return ret;

	gpu->ram.index = VFIO_PCI_NUM_REGIONS + vdev->num_regions;
	ret = vfio_pci_core_register_dev_region(vdev, type, subtype,
						&nvlink2gpu_ram_regops,
						gpu->fw.ram_size, flags,
						&gpu->ram);
	if (ret)
		goto disable;

	ret = nvlink2_platform_map_lpar(vdev->pdev, gpu->npu, core_vdev->kvm);
	if (ret)
		goto disable;
	gpu->lpar_mapped = !!core_vdev->kvm;

	vfio_pci_core_finish_enable(vdev);
	return 0;

disable:
	vfio_pci_core_disable(vdev);
	return ret;
}

static void nvlink2gpu_close_device(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev =
		container_of(core_vdev, struct vfio_pci_core_device, vdev);
	struct nvlink2gpu_device *gpu = to_gpu(vdev);

	if (gpu->lpar_mapped)
		nvlink2_platform_unmap_lpar(vdev->pdev, gpu->npu);
	gpu->lpar_mapped = false;
	vfio_pci_core_close_device(core_vdev);
}

static long nvlink2gpu_ioctl(struct vfio_device *core_vdev, unsigned int cmd,
			     unsigned long arg)
{
	struct vfio_pci_core_device *vdev =
		container_of(core_vdev, struct vfio_pci_core_device, vdev);

	/* what a reset leaves in GPU RAM is not what the mapping showed */
	if (cmd == VFIO_DEVICE_RESET || cmd == VFIO_DEVICE_PCI_HOT_RESET)
		nvlink2_mem_revoke(&to_gpu(vdev)->ram, false);

	return vfio_pci_core_ioctl(core_vdev, cmd, arg);
}

static void nvlink2gpu_release_dev(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev =
		container_of(core_vdev, struct vfio_pci_core_device, vdev);

	fwnode_handle_put(to_gpu(vdev)->npu);
	vfio_pci_core_release_dev(core_vdev);
}

static ssize_t nvlink2gpu_write(struct vfio_device *core_vdev,
				const char __user *buf, size_t count,
				loff_t *ppos)
{
	struct vfio_pci_core_device *vdev =
		container_of(core_vdev, struct vfio_pci_core_device, vdev);

	/* a function level reset through config space is a reset too */
	if (VFIO_PCI_OFFSET_TO_INDEX(*ppos) == VFIO_PCI_CONFIG_REGION_INDEX &&
	    nvlink2_config_write_resets(vdev->pdev, buf, count,
					*ppos & VFIO_PCI_OFFSET_MASK))
		nvlink2_mem_revoke(&to_gpu(vdev)->ram, false);

	return vfio_pci_core_write(core_vdev, buf, count, ppos);
}

static const struct vfio_device_ops nvlink2gpu_vfio_ops = {
	.name		= "nvlink2gpu-vfio-pci",
	.init		= vfio_pci_core_init_dev,
	.release	= nvlink2gpu_release_dev,
	.open_device	= nvlink2gpu_open_device,
	.close_device	= nvlink2gpu_close_device,
	.ioctl		= nvlink2gpu_ioctl,
	.device_feature	= vfio_pci_core_ioctl_feature,
	.read		= vfio_pci_core_read,
	.write		= nvlink2gpu_write,
	.mmap		= vfio_pci_core_mmap,
	.request	= vfio_pci_core_request,
	.match		= vfio_pci_core_match,
	.bind_iommufd	= vfio_iommufd_physical_bind,
	.unbind_iommufd	= vfio_iommufd_physical_unbind,
	.attach_ioas	= vfio_iommufd_physical_attach_ioas,
	.detach_ioas	= vfio_iommufd_physical_detach_ioas,
};

static int nvlink2gpu_probe(struct pci_dev *pdev,
			    const struct pci_device_id *id)
{
	struct fwnode_handle *fwnode = dev_fwnode(&pdev->dev);
	struct nvlink2gpu_device *gpu;
	struct nvlink2_gpu_fw fw;
	int ret;

	/* Without NVLink2 this is a plain GPU: leave it to base vfio-pci. */
	ret = fwnode ? nvlink2_fw_read_gpu(fwnode, &fw) : -ENODEV;
	if (ret == -EINVAL)
		pci_warn(pdev, "malformed NVLink2 GPU RAM description, not using it\n");
	if (ret)
		return -ENODEV;

	gpu = vfio_alloc_device(nvlink2gpu_device, core.vdev, &pdev->dev,
				&nvlink2gpu_vfio_ops);
	if (IS_ERR(gpu))
		return PTR_ERR(gpu);

	gpu->fw = fw;
	gpu->npu = fwnode_find_reference(fwnode, "ibm,npu", 0);
	if (IS_ERR(gpu->npu)) {
		gpu->npu = NULL;
		ret = -ENODEV;
		goto put;
	}
	nvlink2_mem_init(&gpu->ram, &gpu->core, fw.ram_base, fw.ram_size, false);

	dev_set_drvdata(&pdev->dev, &gpu->core);
	ret = vfio_pci_core_register_device(&gpu->core);
	if (ret)
		goto put;

	pci_info(pdev, "NVLink2 GPU RAM %pa+%#llx, target address %#llx\n",
		 &gpu->fw.ram_base, gpu->fw.ram_size, gpu->fw.tgt);
	return 0;
put:
	vfio_put_device(&gpu->core.vdev);
	return ret;
}

static void nvlink2gpu_remove(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(&pdev->dev);

	/* users may keep the device open for a while yet: cut their mappings */
	nvlink2_mem_revoke(&to_gpu(vdev)->ram, true);
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
	.err_handler = &vfio_pci_core_err_handlers,
	.driver_managed_dma = true,
	VFIO_PCI_VARIANT_OVERRIDE
};
module_pci_driver(nvlink2gpu_driver);
VFIO_PCI_VARIANT_MODULE_INFO("nvlink2gpu-vfio-pci", VFIO_PCI_VARIANT_PRIORITY);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfio-pci variant for NVIDIA V100 GPUs with NVLink2: the GPU RAM region");
