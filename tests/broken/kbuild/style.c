// SPDX-License-Identifier: GPL-2.0
/*
 * Harness self-test input: a checkpatch error (no space before the
 * parenthesis of an if). The host checks must turn red on it.
 */
#include <linux/module.h>

static int vv_style_value;

static int __init vv_style_init(void)
{
	if(vv_style_value)
		return 1;
	return 0;
}
module_init(vv_style_init);

MODULE_DESCRIPTION("vfio-variant harness self-test: a checkpatch error");
MODULE_LICENSE("GPL");
