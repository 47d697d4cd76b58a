// SPDX-License-Identifier: GPL-2.0-only
/*
 * Harness self-test: a module that warns on load. The VM harness must turn
 * a run red when this splat appears in the kernel log, even though every
 * test of the run passed.
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init vv_selftest_warn_init(void)
{
	WARN_ON(1);
	return 0;
}
module_init(vv_selftest_warn_init);

static void __exit vv_selftest_warn_exit(void)
{
}
module_exit(vv_selftest_warn_exit);

MODULE_DESCRIPTION("vfio-variant harness self-test: warns when loaded");
MODULE_LICENSE("GPL");
