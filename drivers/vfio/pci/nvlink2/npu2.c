// SPDX-License-Identifier: GPL-2.0-only
/*
 * npu2-vfio-pci: vfio-pci for the NVLink2 links of the IBM POWER9 NPU2.
 * The variant gives a guest its link's ATSD (address translation shootdown)
 * register as a device region (VFIO_REGION_SUBTYPE_IBM_NVLINK2_ATSD), with
 * the link's target address and speed as capabilities. See
 * Documentation/userspace-api/vfio-nvlink2.rst.
 */
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/property.h>
#include <linux/vfio_pci_core.h>

#include "nvlink2.h"

struct npu2_device {
	struct vfio_pci_core_device core;
	struct nvlink2_npu_fw fw;
	struct nvlink2_mem atsd;
	void __iomem *atsd_regs;
};

static struct npu2_device *to_npu(struct vfio_pci_core_device *vdev)
{
	return container_of(vdev, struct npu2_device, core);
}

static ssize_t npu2_atsd_rw(struct vfio_pci_core_device *vdev,
			    char __user *buf, size_t count, loff_t *ppos,
			    bool iswrite)
{
	struct npu2_device *npu = to_npu(vdev);
	u64 pos = *ppos & VFIO_PCI_OFFSET_MASK;
	ssize_t done;

	if (!npu->atsd_regs || pos >= npu->atsd.size)
		return -EINVAL;
	count = min_t(u64, count, npu->atsd.size - pos);

	done = vfio_pci_core_do_io_rw(vdev, false, npu->atsd_regs, buf, pos,
				      count, 0, 0, iswrite, VFIO_PCI_IO_WIDTH_8);
	if (done > 0)
		*ppos += done;
	return done;
}

static int npu2_atsd_mmap(struct vfio_pci_core_device *vdev,
			  struct vfio_pci_region *region,
			  struct vm_area_struct *vma)
{
	return nvlink2_mem_mmap(region->data, vma);
}

static int npu2_atsd_add_caps(struct vfio_pci_core_device *vdev,
			      struct vfio_pci_region *region,
			      struct vfio_info_cap *caps)
{
	struct npu2_device *npu = to_npu(vdev);
	struct vfio_region_info_cap_nvlink2_ssatgt tgt = {
		.header.id = VFIO_REGION_INFO_CAP_NVLINK2_SSATGT,
		.header.version = 1,
		.tgt = npu->fw.tgt,
	};
	struct vfio_region_info_cap_nvlink2_lnkspd spd = {
		.header.id = VFIO_REGION_INFO_CAP_NVLINK2_LNKSPD,
		.header.version = 1,
		.link_speed = npu->fw.link_speed,
	};
	int ret;

	ret = vfio_info_add_capability(caps, &tgt.header, sizeof(tgt));
	if (ret)
		return ret;
	return vfio_info_add_capability(caps, &spd.header, sizeof(spd));
}

static void npu2_atsd_release(struct vfio_pci_core_device *vdev,
			      struct vfio_pci_region *region)
{
	nvlink2_mem_revoke(region->data, false);
}

static const struct vfio_pci_regops npu2_atsd_regops = {
	.rw = npu2_atsd_rw,
	.mmap = npu2_atsd_mmap,
	.add_capability = npu2_atsd_add_caps,
	.release = npu2_atsd_release,
};

static int npu2_open_device(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev =
		container_of(core_vdev, struct vfio_pci_core_device, vdev);
	struct npu2_device *npu = to_npu(vdev);
	u32 type = VFIO_REGION_TYPE_PCI_VENDOR_TYPE | PCI_VENDOR_ID_IBM;
	u32 subtype = VFIO_REGION_SUBTYPE_IBM_NVLINK2_ATSD;
	u32 flags = VFIO_REGION_INFO_FLAG_READ |
		    VFIO_REGION_INFO_FLAG_WRITE | VFIO_REGION_INFO_FLAG_MMAP;
	int ret;

	ret = vfio_pci_core_enable(vdev);
	if (ret)
		return ret;

	/*
	 * With no ATSD register for this link the region is still there, of
	 * size 0: a VMM finds the link's capabilities on it.
	 */
	npu->atsd.index = VFIO_PCI_NUM_REGIONS + vdev->num_regions;
	ret = vfio_pci_core_register_dev_region(vdev, type, subtype,
						&npu2_atsd_regops,
						npu->atsd.size, flags,
						&npu->atsd);
	if (ret) {
		vfio_pci_core_disable(vdev);
		return ret;
	}

	vfio_pci_core_finish_enable(vdev);
	return 0;
}

static long npu2_ioctl(struct vfio_device *core_vdev, unsigned int cmd,
		       unsigned long arg)
{
	struct vfio_pci_core_device *vdev =
		container_of(core_vdev, struct vfio_pci_core_device, vdev);

	if (cmd == VFIO_DEVICE_RESET || cmd == VFIO_DEVICE_PCI_HOT_RESET)
		nvlink2_mem_revoke(&to_npu(vdev)->atsd, false);

	return vfio_pci_core_ioctl(core_vdev, cmd, arg);
}

static ssize_t npu2_write(struct vfio_device *core_vdev,
			  const char __user *buf, size_t count,
			  loff_t *ppos)
{
	struct vfio_pci_core_device *vdev =
		container_of(core_vdev, struct vfio_pci_core_device, vdev);

	/* a function level reset through config space is a reset too */
	if (VFIO_PCI_OFFSET_TO_INDEX(*ppos) == VFIO_PCI_CONFIG_REGION_INDEX &&
	    nvlink2_config_write_resets(vdev->pdev, buf, count,
					*ppos & VFIO_PCI_OFFSET_MASK))
		nvlink2_mem_revoke(&to_npu(vdev)->atsd, false);

	return vfio_pci_core_write(core_vdev, buf, count, ppos);
}

static const struct vfio_device_ops npu2_vfio_ops = {
	.name		= "npu2-vfio-pci",
	.init		= vfio_pci_core_init_dev,
	.release	= vfio_pci_core_release_dev,
	.open_device	= npu2_open_device,
	.close_device	= vfio_pci_core_close_device,
	.ioctl		= npu2_ioctl,
	.device_feature	= vfio_pci_core_ioctl_feature,
	.read		= vfio_pci_core_read,
	.write		= npu2_write,
	.mmap		= vfio_pci_core_mmap,
	.request	= vfio_pci_core_request,
	.match		= vfio_pci_core_match,
	.bind_iommufd	= vfio_iommufd_physical_bind,
	.unbind_iommufd	= vfio_iommufd_physical_unbind,
	.attach_ioas	= vfio_iommufd_physical_attach_ioas,
	.detach_ioas	= vfio_iommufd_physical_detach_ioas,
};

static int npu2_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct fwnode_handle *fwnode = dev_fwnode(&pdev->dev);
	struct nvlink2_npu_fw fw;
	struct npu2_device *npu;
	int ret;

	/* A link with no GPU behind it is of no use: leave it to vfio-pci. */
	ret = fwnode ? nvlink2_fw_read_npu(fwnode, &fw) : -ENODEV;
	if (ret == -EINVAL)
		pci_warn(pdev, "malformed NVLink2 link description, not using it\n");
	if (ret)
		return ret == -ENOMEM ? ret : -ENODEV;

	npu = vfio_alloc_device(npu2_device, core.vdev, &pdev->dev,
				&npu2_vfio_ops);
	if (IS_ERR(npu))
		return PTR_ERR(npu);

	npu->fw = fw;
	nvlink2_mem_init(&npu->atsd, &npu->core, fw.atsd,
			 fw.has_atsd ? PAGE_SIZE : 0, true);
	if (fw.has_atsd) {
		npu->atsd_regs = ioremap(fw.atsd, PAGE_SIZE);
		if (!npu->atsd_regs) {
			ret = -ENOMEM;
			goto put;
		}
	}

	dev_set_drvdata(&pdev->dev, &npu->core);
	ret = vfio_pci_core_register_device(&npu->core);
	if (ret)
		goto unmap;

	if (fw.has_atsd)
		pci_info(pdev, "NVLink2 link %u, ATSD register %pa\n",
			 fw.link_index, &npu->atsd.base);
	else
		pci_info(pdev, "NVLink2 link %u, no ATSD register\n",
			 fw.link_index);
	return 0;
unmap:
	if (npu->atsd_regs)
		iounmap(npu->atsd_regs);
put:
	vfio_put_device(&npu->core.vdev);
	return ret;
}

static void npu2_remove(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(&pdev->dev);
	struct npu2_device *npu = to_npu(vdev);

	nvlink2_mem_revoke(&npu->atsd, true);
	vfio_pci_core_unregister_device(vdev);
	if (npu->atsd_regs)
		iounmap(npu->atsd_regs);
	vfio_put_device(&vdev->vdev);
}

static const struct pci_device_id npu2_table[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_IBM, 0x04ea) }, /* NPU2 NVLink */
	{}
};
MODULE_DEVICE_TABLE(pci, npu2_table);

static struct pci_driver npu2_driver = {
	.name = "npu2-vfio-pci",
	.id_table = npu2_table,
	.probe = npu2_probe,
	.remove = npu2_remove,
	.err_handler = &vfio_pci_core_err_handlers,
	.driver_managed_dma = true,
	VFIO_PCI_VARIANT_OVERRIDE
};
module_pci_driver(npu2_driver);
VFIO_PCI_VARIANT_MODULE_INFO("npu2-vfio-pci", VFIO_PCI_VARIANT_PRIORITY);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfio-pci variant for IBM POWER9 NPU2 NVLink links: the ATSD register region");
