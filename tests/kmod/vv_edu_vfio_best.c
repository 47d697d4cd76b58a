// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test variant of vfio-pci for edu, preferred over edu-vfio-alt: by its
 * priority in the kernel, and by its narrower id (QEMU's subsystem ids
 * too) for userspace that picks by the fewest wildcards (libvirt >= 10).
 */
#define VV_VARIANT_NAME		"edu-vfio-best"
#define VV_VARIANT_PRIORITY	20
#define VV_VARIANT_SUBVENDOR	PCI_SUBVENDOR_ID_REDHAT_QUMRANET
#define VV_VARIANT_SUBDEVICE	PCI_SUBDEVICE_ID_QEMU
#include "vv_edu_variant.h"

MODULE_DESCRIPTION("vfio-variant test: edu variant of vfio-pci, priority 20");
