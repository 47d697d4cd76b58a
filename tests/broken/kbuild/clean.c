// SPDX-License-Identifier: GPL-2.0
/*
 * Harness self-test input: clean for checkpatch --strict, kernel-doc, W=1
 * and sparse. The host checks must pass it.
 */
#include <linux/module.h>

static int vv_clean_value = 1;

static int __init vv_clean_init(void)
{
	return vv_clean_value - 1;
}
module_init(vv_clean_init);

MODULE_DESCRIPTION("vfio-variant harness self-test: a clean module");
MODULE_LICENSE("GPL");
