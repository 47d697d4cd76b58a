/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Body of the test vfio-pci variants for QEMU's edu device (1234:11e8), and
 * for its NVMe controller's SR-IOV functions (1b36:0010). Each variant
 * module defines VV_VARIANT_NAME and VV_VARIANT_PRIORITY (and for another
 * device VV_VARIANT_VENDOR, VV_VARIANT_DEVICE, VV_VARIANT_SUBVENDOR and
 * VV_VARIANT_SUBDEVICE for a narrower id, and VV_VARIANT_ACCEPTS(pdev),
 * which functions it takes, and VV_VARIANT_SRIOV for a PF's variant that
 * enables VFs) and includes this file, so that the tests have several variants of the same
 * device, with different priorities, loadable in any order. A variant is
 * a real vfio_pci_core driver: the device it binds is usable through VFIO.
 * Its 'decline' parameter makes its probe refuse the device, to test the
 * PCI core's fallback to the next candidate; 'defer' makes its next probes
 * ask to be retried later (-EPROBE_DEFER).
 */
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/uaccess.h>
#include <linux/vfio_pci_core.h>

#include "vv_compat.h"

#ifndef VV_VARIANT_VENDOR
#define VV_VARIANT_VENDOR	0x1234
#define VV_VARIANT_DEVICE	0x11e8
#endif
#ifndef VV_VARIANT_SUBVENDOR
#define VV_VARIANT_SUBVENDOR	PCI_ANY_ID
#define VV_VARIANT_SUBDEVICE	PCI_ANY_ID
#endif
#ifndef VV_VARIANT_ACCEPTS
#define VV_VARIANT_ACCEPTS(pdev)	((void)(pdev), true)
#endif

static bool decline;
module_param(decline, bool, 0644);
MODULE_PARM_DESC(decline, "Refuse every device in probe (-ENODEV)");

static unsigned int defer;
module_param(defer, uint, 0644);
MODULE_PARM_DESC(defer, "Defer this many probes (-EPROBE_DEFER)");

/*
 * A test region (VFIO_REGION_TYPE_PCI_VENDOR_TYPE | 0x1234, subtype 1): a
 * page of RAM the device "has" outside its BARs, mapped by faults under
 * memory_lock as a variant maps such memory (the NVLink2 GPU RAM). It shows
 * that vfio-pci-core's zap covers device-specific regions on every path,
 * the hot reset of a dev_set through another device's fd included.
 */
struct vv_edu_device {
	struct vfio_pci_core_device core;
	struct page *page;
};

static struct vv_edu_device *to_edu(struct vfio_pci_core_device *vdev)
{
	return container_of(vdev, struct vv_edu_device, core);
}

static vm_fault_t vv_edu_test_fault(struct vm_fault *vmf)
{
	struct vv_edu_device *e = vmf->vma->vm_private_data;
	vm_fault_t ret = VM_FAULT_SIGBUS;

	down_read(&e->core.memory_lock);
	if (!e->core.pm_runtime_engaged)
		ret = vmf_insert_pfn(vmf->vma, vmf->address, page_to_pfn(e->page));
	up_read(&e->core.memory_lock);
	return ret;
}

static const struct vm_operations_struct vv_edu_test_vm_ops = {
	.fault = vv_edu_test_fault,
};

static int vv_edu_test_mmap(struct vfio_pci_core_device *vdev,
			    struct vfio_pci_region *region,
			    struct vm_area_struct *vma)
{
	if ((vma->vm_pgoff & (VFIO_PCI_OFFSET_MASK >> PAGE_SHIFT)) ||
	    vma->vm_end - vma->vm_start != PAGE_SIZE)
		return -EINVAL;
	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_private_data = to_edu(vdev);
	vma->vm_ops = &vv_edu_test_vm_ops;
	return 0;
}

static ssize_t vv_edu_test_rw(struct vfio_pci_core_device *vdev, char __user *buf,
			      size_t count, loff_t *ppos, bool iswrite)
{
	u64 pos = *ppos & VFIO_PCI_OFFSET_MASK;
	void *p = page_address(to_edu(vdev)->page);

	if (pos >= PAGE_SIZE)
		return -EINVAL;
	count = min_t(u64, count, PAGE_SIZE - pos);
	if (iswrite ? copy_from_user(p + pos, buf, count) : copy_to_user(buf, p + pos, count))
		return -EFAULT;
	*ppos += count;
	return count;
}

static void vv_edu_test_release(struct vfio_pci_core_device *vdev,
				struct vfio_pci_region *region)
{
}

static const struct vfio_pci_regops vv_edu_test_regops = {
	.rw = vv_edu_test_rw,
	.mmap = vv_edu_test_mmap,
	.release = vv_edu_test_release,
};

static int vv_edu_variant_open_device(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev =
		container_of(core_vdev, struct vfio_pci_core_device, vdev);
	int ret;

	ret = vfio_pci_core_enable(vdev);
	if (ret)
		return ret;
	ret = vfio_pci_core_register_dev_region(vdev,
						VFIO_REGION_TYPE_PCI_VENDOR_TYPE | 0x1234,
						1, &vv_edu_test_regops, PAGE_SIZE,
						VFIO_REGION_INFO_FLAG_READ |
						VFIO_REGION_INFO_FLAG_WRITE |
						VFIO_REGION_INFO_FLAG_MMAP, NULL);
	if (ret) {
		vfio_pci_core_disable(vdev);
		return ret;
	}
	vfio_pci_core_finish_enable(vdev);
	return 0;
}

static void vv_edu_variant_release(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev =
		container_of(core_vdev, struct vfio_pci_core_device, vdev);

	if (to_edu(vdev)->page)
		__free_page(to_edu(vdev)->page);
	vfio_pci_core_release_dev(core_vdev);
}

static const struct vfio_device_ops vv_edu_variant_ops = {
	.name		= VV_VARIANT_NAME,
	.init		= vfio_pci_core_init_dev,
	.release	= vv_edu_variant_release,
	.open_device	= vv_edu_variant_open_device,
	.close_device	= vfio_pci_core_close_device,
	.ioctl		= vfio_pci_core_ioctl,
	VV_VFIO_PCI_CORE_OPS_6_19
	.device_feature	= vfio_pci_core_ioctl_feature,
	.read		= vfio_pci_core_read,
	.write		= vfio_pci_core_write,
	.mmap		= vfio_pci_core_mmap,
	.request	= vfio_pci_core_request,
	.match		= vfio_pci_core_match,
	.bind_iommufd	= vfio_iommufd_physical_bind,
	.unbind_iommufd	= vfio_iommufd_physical_unbind,
	.attach_ioas	= vfio_iommufd_physical_attach_ioas,
	.detach_ioas	= vfio_iommufd_physical_detach_ioas,
};

static int vv_edu_variant_probe(struct pci_dev *pdev,
				const struct pci_device_id *id)
{
	struct vv_edu_device *e;
	int ret;

	if (READ_ONCE(decline) || !VV_VARIANT_ACCEPTS(pdev))
		return -ENODEV;
	if (READ_ONCE(defer)) {
		WRITE_ONCE(defer, defer - 1);
		return -EPROBE_DEFER;
	}

	e = vfio_alloc_device(vv_edu_device, core.vdev, &pdev->dev, &vv_edu_variant_ops);
	if (IS_ERR(e))
		return PTR_ERR(e);
	e->page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!e->page) {
		vfio_put_device(&e->core.vdev);
		return -ENOMEM;
	}

	dev_set_drvdata(&pdev->dev, &e->core);
	ret = vfio_pci_core_register_device(&e->core);
	if (ret)
		vfio_put_device(&e->core.vdev);
	return ret;
}

#ifdef VV_VARIANT_SRIOV
static int vv_edu_variant_sriov_configure(struct pci_dev *pdev, int nr_virtfn)
{
	return vfio_pci_core_sriov_configure(dev_get_drvdata(&pdev->dev), nr_virtfn);
}
#endif

static void vv_edu_variant_remove(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(&pdev->dev);

	vfio_pci_core_unregister_device(vdev);
	vfio_put_device(&vdev->vdev);
}

static const struct pci_device_id vv_edu_variant_ids[] = {
	{ PCI_DEVICE_SUB(VV_VARIANT_VENDOR, VV_VARIANT_DEVICE, VV_VARIANT_SUBVENDOR,
			 VV_VARIANT_SUBDEVICE), .override_only = PCI_ID_F_VFIO_DRIVER_OVERRIDE },
	{}
};
MODULE_DEVICE_TABLE(pci, vv_edu_variant_ids);

static struct pci_driver vv_edu_variant_driver = {
	.name			= VV_VARIANT_NAME,
	.id_table		= vv_edu_variant_ids,
	.probe			= vv_edu_variant_probe,
	.remove			= vv_edu_variant_remove,
#ifdef VV_VARIANT_SRIOV
	.sriov_configure	= vv_edu_variant_sriov_configure,
#endif
	.err_handler		= &vfio_pci_core_err_handlers,
	.driver_managed_dma	= true,
#ifdef VFIO_PCI_DRIVER_NAME	/* a kernel with driver_override aliases */
	/* not VFIO_PCI_VARIANT_OVERRIDE: its priority is the default one */
	.override_alias		= VFIO_PCI_DRIVER_NAME,
	.override_priority	= VV_VARIANT_PRIORITY,
#endif
};
module_pci_driver(vv_edu_variant_driver);
/* for userspace's prediction before loading, with the series or without */
MODULE_INFO(override_priority, VV_VARIANT_NAME ":" __stringify(VV_VARIANT_PRIORITY));

MODULE_LICENSE("GPL");
