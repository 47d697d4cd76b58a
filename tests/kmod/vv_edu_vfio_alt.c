// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test variant of vfio-pci for edu, priority 15: below edu-vfio-best, whose
 * name sorts after this one's, so that only the priority makes best win.
 */
#define VV_VARIANT_NAME		"edu-vfio-alt"
#define VV_VARIANT_PRIORITY	15
#include "vv_edu_variant.h"

MODULE_DESCRIPTION("vfio-variant test: edu variant of vfio-pci, priority 15");
