// SPDX-License-Identifier: GPL-2.0-only
/*
 * An edu variant whose driver name sorts before edu-vfio-alt's while its
 * module name sorts after: at equal priority and specificity the kernel
 * orders by driver name, so this one wins over edu-vfio-alt.
 */
#define VV_VARIANT_NAME		"edu-vfio-ak"
#define VV_VARIANT_PRIORITY	15
#include "vv_edu_variant.h"

MODULE_DESCRIPTION("vfio-variant test: edu variant named to test the name tie-break");
