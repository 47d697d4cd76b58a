// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test variant of vfio-pci for the physical function of QEMU's NVMe
 * controller with SR-IOV (1b36:0010): it declines the virtual functions,
 * which have the same ids, so that the tests see what a VF of a PF bound
 * to a variant inherits.
 */
#define VV_VARIANT_NAME		"nvme-pf-vfio"
#define VV_VARIANT_PRIORITY	20
#define VV_VARIANT_VENDOR	PCI_VENDOR_ID_REDHAT
#define VV_VARIANT_DEVICE	0x0010
#define VV_VARIANT_ACCEPTS(pdev)	(!(pdev)->is_virtfn)
#define VV_VARIANT_SRIOV
#include "vv_edu_variant.h"

MODULE_DESCRIPTION("vfio-variant test: NVMe PF variant of vfio-pci, priority 20");
