// SPDX-License-Identifier: GPL-2.0
/*
 * Harness self-test input: one warning that only W=1 enables
 * (-Wunused-but-set-variable). The host checks must turn red on it.
 */
#include <linux/module.h>

static int __init vv_w1_init(void)
{
	int set_but_not_used;

	set_but_not_used = 1;
	return 0;
}
module_init(vv_w1_init);

MODULE_DESCRIPTION("vfio-variant harness self-test: a W=1 warning");
MODULE_LICENSE("GPL");
