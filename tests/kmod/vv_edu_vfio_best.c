// SPDX-License-Identifier: GPL-2.0-only
/* Test variant of vfio-pci for edu, preferred over edu-vfio-alt. */
#define VV_VARIANT_NAME		"edu-vfio-best"
#define VV_VARIANT_PRIORITY	20
#include "vv_edu_variant.h"

MODULE_DESCRIPTION("vfio-variant test: edu variant of vfio-pci, priority 20");
