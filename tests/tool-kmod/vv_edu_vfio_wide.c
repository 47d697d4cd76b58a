// SPDX-License-Identifier: GPL-2.0-only
/*
 * A vfio-pci variant for every device of vendor 1234 (one modalias field
 * fixed, where edu-vfio-best and edu-vfio-alt fix two): at equal priority
 * it ranks after them on specificity, though its name sorts first.
 */
#define VV_VARIANT_NAME		"edu-vfio-aa-wide"
#define VV_VARIANT_PRIORITY	15
#define VV_VARIANT_VENDOR	0x1234
#define VV_VARIANT_DEVICE	PCI_ANY_ID
#include "vv_edu_variant.h"

MODULE_DESCRIPTION("vfio-variant test: a vendor-wide edu variant, priority 15");
