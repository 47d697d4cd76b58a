// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test variant of vfio-pci for the virtual functions of QEMU's NVMe
 * controller with SR-IOV (1b36:0010); it declines the physical function.
 */
#define VV_VARIANT_NAME		"nvme-vf-vfio"
#define VV_VARIANT_PRIORITY	15
#define VV_VARIANT_VENDOR	PCI_VENDOR_ID_REDHAT
#define VV_VARIANT_DEVICE	0x0010
#define VV_VARIANT_ACCEPTS(pdev)	((pdev)->is_virtfn)
#include "vv_edu_variant.h"

MODULE_DESCRIPTION("vfio-variant test: NVMe VF variant of vfio-pci, priority 15");
