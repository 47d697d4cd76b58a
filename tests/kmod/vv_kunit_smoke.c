// SPDX-License-Identifier: GPL-2.0-only
/*
 * Smoke suite for the VM harness: proves that KTAP from a built-in KUnit
 * suite reaches the host and is parsed, case by case.
 */
#include <kunit/test.h>
#include <linux/string.h>

#define VFIO_PCI_NAME "vfio-pci"

static void vv_smoke_arithmetic(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 4, 2 + 2);
}

static void vv_smoke_strings(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, "vfio-pci", VFIO_PCI_NAME);
	KUNIT_EXPECT_EQ(test, strlen("vfio_pci:"), 9);
}

static struct kunit_case vv_smoke_cases[] = {
	KUNIT_CASE(vv_smoke_arithmetic),
	KUNIT_CASE(vv_smoke_strings),
	{}
};

static struct kunit_suite vv_smoke_suite = {
	.name = "vfio_variant_smoke",
	.test_cases = vv_smoke_cases,
};

kunit_test_suite(vv_smoke_suite);

MODULE_DESCRIPTION("KUnit smoke suite of the vfio-variant VM harness");
MODULE_LICENSE("GPL");
