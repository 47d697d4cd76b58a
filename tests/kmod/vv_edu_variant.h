/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Body of the test vfio-pci variants for QEMU's edu device (1234:11e8), and
 * for its NVMe controller's SR-IOV functions (1b36:0010). Each variant
 * module defines VV_VARIANT_NAME and VV_VARIANT_PRIORITY (and for another
 * device VV_VARIANT_VENDOR, VV_VARIANT_DEVICE, and VV_VARIANT_ACCEPTS(pdev),
 * which functions it takes, and VV_VARIANT_SRIOV for a PF's variant that
 * enables VFs) and includes this file, so that the tests have several variants of the same
 * device, with different priorities, loadable in any order. A variant is
 * a real vfio_pci_core driver: the device it binds is usable through VFIO.
 * Its 'decline' parameter makes its probe refuse the device, to test the
 * PCI core's fallback to the next candidate; 'defer' makes its next probes
 * ask to be retried later (-EPROBE_DEFER).
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/vfio_pci_core.h>

#ifndef VV_VARIANT_VENDOR
#define VV_VARIANT_VENDOR	0x1234
#define VV_VARIANT_DEVICE	0x11e8
#endif
#ifndef VV_VARIANT_ACCEPTS
#define VV_VARIANT_ACCEPTS(pdev)	true
#endif

static bool decline;
module_param(decline, bool, 0644);
MODULE_PARM_DESC(decline, "Refuse every device in probe (-ENODEV)");

static unsigned int defer;
module_param(defer, uint, 0644);
MODULE_PARM_DESC(defer, "Defer this many probes (-EPROBE_DEFER)");

static int vv_edu_variant_open_device(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev =
		container_of(core_vdev, struct vfio_pci_core_device, vdev);
	int ret;

	ret = vfio_pci_core_enable(vdev);
	if (ret)
		return ret;
	vfio_pci_core_finish_enable(vdev);
	return 0;
}

static const struct vfio_device_ops vv_edu_variant_ops = {
	.name		= VV_VARIANT_NAME,
	.init		= vfio_pci_core_init_dev,
	.release	= vfio_pci_core_release_dev,
	.open_device	= vv_edu_variant_open_device,
	.close_device	= vfio_pci_core_close_device,
	.ioctl		= vfio_pci_core_ioctl,
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
	struct vfio_pci_core_device *vdev;
	int ret;

	if (READ_ONCE(decline) || !VV_VARIANT_ACCEPTS(pdev))
		return -ENODEV;
	if (READ_ONCE(defer)) {
		WRITE_ONCE(defer, defer - 1);
		return -EPROBE_DEFER;
	}

	vdev = vfio_alloc_device(vfio_pci_core_device, vdev, &pdev->dev,
				 &vv_edu_variant_ops);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);

	dev_set_drvdata(&pdev->dev, vdev);
	ret = vfio_pci_core_register_device(vdev);
	if (ret)
		vfio_put_device(&vdev->vdev);
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
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(VV_VARIANT_VENDOR, VV_VARIANT_DEVICE) },
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
