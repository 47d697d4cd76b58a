// SPDX-License-Identifier: GPL-2.0-only
/*
 * A "native" driver for QEMU's edu device, standing in for the host driver
 * (nouveau, mlx5_core) that owns a device unless the administrator asks
 * for vfio: it has an ordinary id, so it matches without driver_override.
 */
#include <linux/module.h>
#include <linux/pci.h>

static int vv_edu_native_probe(struct pci_dev *pdev,
			       const struct pci_device_id *id)
{
	return pcim_enable_device(pdev);
}

static const struct pci_device_id vv_edu_native_ids[] = {
	{ PCI_DEVICE(0x1234, 0x11e8) },
	{}
};
MODULE_DEVICE_TABLE(pci, vv_edu_native_ids);

static struct pci_driver vv_edu_native_driver = {
	.name		= "edu-native",
	.id_table	= vv_edu_native_ids,
	.probe		= vv_edu_native_probe,
};
module_pci_driver(vv_edu_native_driver);

MODULE_DESCRIPTION("vfio-variant test: native driver for QEMU's edu device");
MODULE_LICENSE("GPL");
