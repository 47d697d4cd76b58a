// SPDX-License-Identifier: GPL-2.0-only
/*
 * A "native" driver for the V100 ids of the simulated NVLink2 node,
 * standing in for nouveau: without driver_override it owns the GPUs; with
 * driver_override=vfio-pci the nvlink2gpu-vfio-pci variant does.
 */
#include <linux/module.h>
#include <linux/pci.h>

static int vv_gpu_native_probe(struct pci_dev *pdev,
			       const struct pci_device_id *id)
{
	return pcim_enable_device(pdev);
}

static const struct pci_device_id vv_gpu_native_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_NVIDIA, 0x1db1) },
	{ PCI_DEVICE(PCI_VENDOR_ID_NVIDIA, 0x1db5) },
	{ PCI_DEVICE(PCI_VENDOR_ID_NVIDIA, 0x1db8) },
	{ PCI_DEVICE(PCI_VENDOR_ID_NVIDIA, 0x1df5) },
	{}
};
MODULE_DEVICE_TABLE(pci, vv_gpu_native_ids);

static struct pci_driver vv_gpu_native_driver = {
	.name		= "gpu-native",
	.id_table	= vv_gpu_native_ids,
	.probe		= vv_gpu_native_probe,
};
module_pci_driver(vv_gpu_native_driver);

MODULE_DESCRIPTION("vfio-variant test: native driver for the simulated V100s");
MODULE_LICENSE("GPL");
