// SPDX-License-Identifier: GPL-2.0
/*
 * Harness self-test input: one warning that only sparse gives (a global
 * symbol without a declaration). The host checks must turn red on it.
 */
#include <linux/module.h>

int vv_sparse_undeclared;

MODULE_DESCRIPTION("vfio-variant harness self-test: a sparse warning");
MODULE_LICENSE("GPL");
