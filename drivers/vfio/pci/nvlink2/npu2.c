// SPDX-License-Identifier: GPL-2.0-only
/*
 * npu2-vfio-pci: vfio-pci for the NVLink2 links of the IBM POWER9 NPU2.
 * The variant gives a guest its link's ATSD (address translation shootdown)
 * register as a device region (VFIO_REGION_SUBTYPE_IBM_NVLINK2_ATSD), with
 * the link's target address and speed as capabilities. See
 * Documentation/userspace-api/vfio-nvlink2.rst.
 *
 * The firmware describes the link on its node (POWER9 device tree, as
 * skiboot writes it): "ibm,gpu" (the GPU behind it), "ibm,nvlink" leading
 * to "ibm,npu-link-index", "ibm,device-tgt-addr" and "ibm,nvlink-speed";
 * the link's parent, the NPU PHB, lists an ATSD register per link index in
 * "ibm,mmio-atsd".
 */
#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/module.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <kunit/visibility.h>

#include "nvlink2.h"

struct npu2_device {
	struct nvlink2_device nv;
	u64 tgt;
	u32 link_speed;
	void __iomem *atsd;
};

static struct npu2_device *to_npu(struct vfio_pci_core_device *vdev)
{
	return container_of(vdev, struct npu2_device, nv.core);
}

/*
 * The ATSD register of link @index, 0 when the PHB has none for it (POWER9
 * has 8 for 6 links; a region of size 0 still carries the capabilities).
 */
static int npu2_read_atsd(struct fwnode_handle *npu, u32 index, phys_addr_t *atsd)
{
	struct fwnode_handle *phb = fwnode_get_parent(npu);
	int n = phb ? fwnode_property_count_u64(phb, "ibm,mmio-atsd") : 0;
	u64 *regs = NULL;
	int ret = 0;

	*atsd = 0;
	if (n > 0 && index < n) {
		regs = kcalloc(n, sizeof(*regs), GFP_KERNEL);
		ret = regs ? fwnode_property_read_u64_array(phb, "ibm,mmio-atsd", regs, n) :
			     -ENOMEM;
		if (!ret && (!regs[index] || !PAGE_ALIGNED(regs[index])))
			ret = -EINVAL;
		if (!ret)
			*atsd = regs[index];
	}
	kfree(regs);
	fwnode_handle_put(phb);
	return ret;
}

/**
 * npu2_read_fw() - read the description of an NPU2 NVLink link
 * @npu: the link's firmware node
 * @index: set to the link's index in its NPU
 * @tgt: set to the link's target address
 * @speed: set to the link speed code
 * @atsd: set to the physical address of the link's ATSD register, or 0
 *
 * Return: 0; -ENODEV when the link has no GPU; -EINVAL when the
 * description is malformed; -ENOMEM.
 */
VISIBLE_IF_KUNIT int npu2_read_fw(struct fwnode_handle *npu, u32 *index, u64 *tgt,
				  u32 *speed, phys_addr_t *atsd)
{
	struct fwnode_handle *ref;
	int ret;

	ref = fwnode_find_reference(npu, "ibm,gpu", 0);
	if (IS_ERR(ref))
		return -ENODEV;
	fwnode_handle_put(ref);

	ref = fwnode_find_reference(npu, "ibm,nvlink", 0);
	if (IS_ERR(ref))
		return -EINVAL;
	ret = fwnode_property_read_u32(ref, "ibm,npu-link-index", index);
	fwnode_handle_put(ref);
	if (ret || fwnode_property_read_u64(npu, "ibm,device-tgt-addr", tgt) ||
	    fwnode_property_read_u32(npu, "ibm,nvlink-speed", speed))
		return -EINVAL;

	return npu2_read_atsd(npu, *index, atsd);
}
EXPORT_SYMBOL_IF_KUNIT(npu2_read_fw);

/*
 * Accesses of the widths the core uses for BARs, up to 8 bytes, naturally
 * aligned, under memory_lock; the user's buffer goes through a bounce
 * buffer outside it, as the core's BAR accesses do: a fault on it takes
 * mmap_lock, which the fault handler holds when it takes memory_lock.
 */
static int npu2_atsd_io(struct vfio_pci_core_device *vdev, void *val,
			void __iomem *io, size_t n, bool iswrite)
{
	if (iswrite) {
		switch (n) {
		case 8:
			return vfio_pci_core_iowrite64(vdev, false, *(u64 *)val, io);
		case 4:
			return vfio_pci_core_iowrite32(vdev, false, *(u32 *)val, io);
		case 2:
			return vfio_pci_core_iowrite16(vdev, false, *(u16 *)val, io);
		}
		return vfio_pci_core_iowrite8(vdev, false, *(u8 *)val, io);
	}
	switch (n) {
	case 8:
		return vfio_pci_core_ioread64(vdev, false, val, io);
	case 4:
		return vfio_pci_core_ioread32(vdev, false, val, io);
	case 2:
		return vfio_pci_core_ioread16(vdev, false, val, io);
	}
	return vfio_pci_core_ioread8(vdev, false, val, io);
}

static ssize_t npu2_atsd_rw(struct vfio_pci_core_device *vdev,
			    char __user *buf, size_t count, loff_t *ppos,
			    bool iswrite)
{
	struct npu2_device *npu = to_npu(vdev);
	u64 pos = *ppos & VFIO_PCI_OFFSET_MASK;
	size_t off, n;
	u8 *bounce, *b;
	int err = 0;

	if (pos >= npu->nv.mem.size)
		return -EINVAL;
	count = min_t(u64, count, npu->nv.mem.size - pos);
	/* b + off is aligned as pos + off is: each access is aligned in both */
	bounce = kmalloc(count + pos % 8, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	b = bounce + pos % 8;
	if (iswrite && copy_from_user(b, buf, count))
		err = -EFAULT;

	down_read(&vdev->memory_lock);
	if (!err && !nvlink2_mem_usable(&npu->nv.mem))
		err = -EIO;
	for (off = 0; !err && off < count; off += n) {
		u64 at = pos + off;

		for (n = 8; n > 1 && (at % n || count - off < n); n /= 2)
			;
		err = npu2_atsd_io(vdev, b + off, npu->atsd + at, n, iswrite);
	}
	up_read(&vdev->memory_lock);

	if (!err && !iswrite && copy_to_user(buf, b, count))
		err = -EFAULT;
	kfree(bounce);
	if (err)
		return err;
	*ppos += count;
	return count;
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
		.tgt = npu->tgt,
	};
	struct vfio_region_info_cap_nvlink2_lnkspd spd = {
		.header.id = VFIO_REGION_INFO_CAP_NVLINK2_LNKSPD,
		.header.version = 1,
		.link_speed = npu->link_speed,
	};

	return vfio_info_add_capability(caps, &tgt.header, sizeof(tgt)) ?:
	       vfio_info_add_capability(caps, &spd.header, sizeof(spd));
}

/* at close: no mapping is left, each pinned the device file */
static void npu2_atsd_release(struct vfio_pci_core_device *vdev,
			      struct vfio_pci_region *region)
{
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
	int ret;

	ret = vfio_pci_core_enable(vdev);
	if (ret)
		return ret;

	/* with no ATSD register the region has size 0: a VMM finds the caps */
	ret = vfio_pci_core_register_dev_region(vdev,
						VFIO_REGION_TYPE_PCI_VENDOR_TYPE |
						PCI_VENDOR_ID_IBM,
						VFIO_REGION_SUBTYPE_IBM_NVLINK2_ATSD,
						&npu2_atsd_regops, npu->nv.mem.size,
						VFIO_REGION_INFO_FLAG_READ |
						VFIO_REGION_INFO_FLAG_WRITE |
						VFIO_REGION_INFO_FLAG_MMAP,
						&npu->nv.mem);
	if (ret) {
		vfio_pci_core_disable(vdev);
		return ret;
	}

	vfio_pci_core_finish_enable(vdev);
	return 0;
}

static const struct vfio_device_ops npu2_vfio_ops = {
	.name		= "npu2-vfio-pci",
	.open_device	= npu2_open_device,
	.close_device	= vfio_pci_core_close_device,
	NVLINK2_VFIO_PCI_CORE_OPS,
};

static int npu2_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct fwnode_handle *fwnode = dev_fwnode(&pdev->dev);
	struct npu2_device *npu;
	phys_addr_t atsd;
	u32 index, speed;
	u64 tgt;
	int ret;

	/* A link with no GPU behind it is of no use: leave it to vfio-pci */
	ret = fwnode ? npu2_read_fw(fwnode, &index, &tgt, &speed, &atsd) : -ENODEV;
	if (ret == -EINVAL)
		pci_warn(pdev, "malformed NVLink2 link description, not using it\n");
	if (ret)
		return ret == -ENOMEM ? ret : -ENODEV;

	npu = vfio_alloc_device(npu2_device, nv.core.vdev, &pdev->dev, &npu2_vfio_ops);
	if (IS_ERR(npu))
		return PTR_ERR(npu);
	npu->nv.mem = (struct nvlink2_mem){
		.vdev = &npu->nv.core, .base = atsd, .size = atsd ? PAGE_SIZE : 0,
		.uncached = true,
	};
	npu->tgt = tgt;
	npu->link_speed = speed;
	if (atsd) {
		npu->atsd = ioremap(atsd, PAGE_SIZE);
		if (!npu->atsd) {
			ret = -ENOMEM;
			goto put;
		}
	}

	dev_set_drvdata(&pdev->dev, &npu->nv.core);
	ret = vfio_pci_core_register_device(&npu->nv.core);
	if (ret)
		goto unmap;
	pci_info(pdev, "NVLink2 link %u, ATSD register %pa\n", index, &atsd);
	return 0;
unmap:
	if (npu->atsd)
		iounmap(npu->atsd);
put:
	vfio_put_device(&npu->nv.core.vdev);
	return ret;
}

static void npu2_remove(struct pci_dev *pdev)
{
	struct npu2_device *npu = to_npu(dev_get_drvdata(&pdev->dev));

	vfio_pci_core_unregister_device(&npu->nv.core);
	if (npu->atsd)
		iounmap(npu->atsd);
	vfio_put_device(&npu->nv.core.vdev);
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
	.err_handler = &nvlink2_err_handlers,
	.driver_managed_dma = true,
	VFIO_PCI_VARIANT_OVERRIDE
};
module_pci_driver(npu2_driver);
VFIO_PCI_VARIANT_MODULE_INFO("npu2-vfio-pci", VFIO_PCI_VARIANT_PRIORITY);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfio-pci variant for IBM POWER9 NPU2 NVLink links: the ATSD register region");
