// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the NVLink2 firmware description: software nodes laid out
 * as POWER9 firmware lays out its device tree, complete and broken.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/property.h>

#include "nvlink2_compat.h"
#include "nvlink2_ext.h"

#define RAM_BASE	0x20000000000ULL
#define RAM_SIZE	0x400000000ULL
#define TGT		0x123400000000ULL
#define PHB_ID		0x8

static const u64 good_reg[] = { RAM_BASE, RAM_SIZE };
static const u64 short_reg[] = { RAM_BASE };
static const u64 zero_reg[] = { RAM_BASE, 0 };
static const u64 unaligned_reg[] = { RAM_BASE + 0x10, RAM_SIZE };
static const u64 atsd[] = { 0x6030201000000ULL, 0x6030201010000ULL,
			    0x6030201020000ULL, 0x6030201030000ULL };

static const struct property_entry phb_props[] = {
	PROPERTY_ENTRY_U64_ARRAY("ibm,mmio-atsd", atsd),
	PROPERTY_ENTRY_U64("ibm,opal-phbid", PHB_ID),
	{}
};

static const struct software_node phb = { "nvk-phb", NULL, phb_props };

#define MEM_NODE(_name, _reg)						\
	static const struct property_entry _name##_props[] = {		\
		PROPERTY_ENTRY_U64_ARRAY("reg", _reg),			\
		{}							\
	};								\
	static const struct software_node _name = { #_name, NULL, _name##_props }

MEM_NODE(mem_good, good_reg);
MEM_NODE(mem_short, short_reg);
MEM_NODE(mem_zero, zero_reg);
MEM_NODE(mem_unaligned, unaligned_reg);

static const struct property_entry link2_props[] = {
	PROPERTY_ENTRY_U32("ibm,npu-link-index", 2),
	{}
};

static const struct software_node link2 = { "nvk-link2", NULL, link2_props };
static const struct property_entry link5_props[] = {
	PROPERTY_ENTRY_U32("ibm,npu-link-index", 5),
	{}
};

static const struct software_node link5 = { "nvk-link5", NULL, link5_props };

static const struct software_node gpu_any = { "nvk-gpu-any" };

#define NPU_NODE(_name, _parent, _mem, _link)				\
	static const struct property_entry _name##_props[] = {		\
		PROPERTY_ENTRY_REF("ibm,gpu", &gpu_any),		\
		PROPERTY_ENTRY_REF("memory-region", _mem),		\
		PROPERTY_ENTRY_REF("ibm,nvlink", _link),		\
		PROPERTY_ENTRY_U64("ibm,device-tgt-addr", TGT),		\
		PROPERTY_ENTRY_U32("ibm,nvlink-speed", 9),		\
		{}							\
	};								\
	static const struct software_node _name = { #_name, _parent, _name##_props }

NPU_NODE(npu_good, &phb, &mem_good, &link2);
NPU_NODE(npu_short, &phb, &mem_short, &link2);
NPU_NODE(npu_zero, &phb, &mem_zero, &link2);
NPU_NODE(npu_unaligned, &phb, &mem_unaligned, &link2);
NPU_NODE(npu_no_atsd, &phb, &mem_good, &link5);
NPU_NODE(npu_orphan_phb, NULL, &mem_good, &link2);

static const struct property_entry npu_no_gpu_props[] = {
	PROPERTY_ENTRY_REF("memory-region", &mem_good),
	PROPERTY_ENTRY_REF("ibm,nvlink", &link2),
	PROPERTY_ENTRY_U64("ibm,device-tgt-addr", TGT),
	PROPERTY_ENTRY_U32("ibm,nvlink-speed", 9),
	{}
};

static const struct software_node npu_no_gpu = { "npu_no_gpu", &phb, npu_no_gpu_props };

static const struct property_entry npu_no_speed_props[] = {
	PROPERTY_ENTRY_REF("ibm,gpu", &gpu_any),
	PROPERTY_ENTRY_REF("ibm,nvlink", &link2),
	PROPERTY_ENTRY_U64("ibm,device-tgt-addr", TGT),
	{}
};

static const struct software_node npu_no_speed = { "npu_no_speed", &phb, npu_no_speed_props };

static const struct property_entry npu_no_mem_props[] = {
	PROPERTY_ENTRY_REF("ibm,gpu", &gpu_any),
	PROPERTY_ENTRY_U64("ibm,device-tgt-addr", TGT),
	{}
};

static const struct software_node npu_no_mem = { "npu_no_mem", &phb, npu_no_mem_props };

#define GPU_NODE(_name, _npu)						\
	static const struct property_entry _name##_props[] = {		\
		PROPERTY_ENTRY_REF("ibm,npu", _npu),			\
		{}							\
	};								\
	static const struct software_node _name = { #_name, NULL, _name##_props }

GPU_NODE(gpu_good, &npu_good);
GPU_NODE(gpu_short, &npu_short);
GPU_NODE(gpu_zero, &npu_zero);
GPU_NODE(gpu_unaligned, &npu_unaligned);
GPU_NODE(gpu_no_mem, &npu_no_mem);
static const struct software_node gpu_plain = { "gpu_plain" };

static const struct software_node *nodes[] = {
	&phb, &mem_good, &mem_short, &mem_zero, &mem_unaligned, &link2, &link5,
	&gpu_any, &npu_good, &npu_short, &npu_zero, &npu_unaligned,
	&npu_no_atsd, &npu_orphan_phb, &npu_no_gpu, &npu_no_speed, &npu_no_mem,
	&gpu_good, &gpu_short, &gpu_zero, &gpu_unaligned, &gpu_no_mem,
	&gpu_plain, NULL
};

static struct fwnode_handle *fw(const struct software_node *node)
{
	return software_node_fwnode(node);
}

struct gpu_fw {
	phys_addr_t base;
	u64 size, tgt, phb_id;
};

static int read_gpu(const struct software_node *node, struct gpu_fw *g)
{
	return nvlink2gpu_read_fw(fw(node), &g->base, &g->size, &g->tgt, &g->phb_id);
}

struct npu_fw {
	u32 index, speed;
	u64 tgt;
	phys_addr_t atsd;
};

static int read_npu(const struct software_node *node, struct npu_fw *n)
{
	return npu2_read_fw(fw(node), &n->index, &n->tgt, &n->speed, &n->atsd);
}

static void gpu_described(struct kunit *test)
{
	struct gpu_fw g = {};

	KUNIT_ASSERT_EQ(test, read_gpu(&gpu_good, &g), 0);
	KUNIT_EXPECT_EQ(test, g.base, RAM_BASE);
	KUNIT_EXPECT_EQ(test, g.size, RAM_SIZE);
	KUNIT_EXPECT_EQ(test, g.tgt, TGT);
	/* the NPU PHB's OPAL id, for the partition mapping */
	KUNIT_EXPECT_EQ(test, g.phb_id, PHB_ID);
}

static void gpu_not_nvlink2(struct kunit *test)
{
	struct gpu_fw g;

	KUNIT_EXPECT_EQ(test, read_gpu(&gpu_plain, &g), -ENODEV);
	KUNIT_EXPECT_EQ(test, read_gpu(&gpu_no_mem, &g), -ENODEV);
}

static void gpu_malformed(struct kunit *test)
{
	struct gpu_fw g;

	KUNIT_EXPECT_EQ(test, read_gpu(&gpu_short, &g), -EINVAL);
	KUNIT_EXPECT_EQ(test, read_gpu(&gpu_zero, &g), -EINVAL);
	KUNIT_EXPECT_EQ(test, read_gpu(&gpu_unaligned, &g), -EINVAL);
}

static void npu_described(struct kunit *test)
{
	struct npu_fw n = {};

	KUNIT_ASSERT_EQ(test, read_npu(&npu_good, &n), 0);
	KUNIT_EXPECT_EQ(test, n.index, 2);
	KUNIT_EXPECT_EQ(test, n.tgt, TGT);
	KUNIT_EXPECT_EQ(test, n.speed, 9);
	/* the link's own register, not its neighbour's */
	KUNIT_EXPECT_EQ(test, n.atsd, atsd[2]);
}

static void npu_without_atsd(struct kunit *test)
{
	struct npu_fw n = { .atsd = 1 };

	KUNIT_ASSERT_EQ(test, read_npu(&npu_no_atsd, &n), 0);
	KUNIT_EXPECT_EQ(test, n.index, 5);
	KUNIT_EXPECT_EQ(test, n.atsd, 0);

	n.atsd = 1;
	KUNIT_ASSERT_EQ(test, read_npu(&npu_orphan_phb, &n), 0);
	KUNIT_EXPECT_EQ(test, n.atsd, 0);
}

static void npu_not_usable(struct kunit *test)
{
	struct npu_fw n;

	KUNIT_EXPECT_EQ(test, read_npu(&npu_no_gpu, &n), -ENODEV);
	KUNIT_EXPECT_EQ(test, read_npu(&npu_no_speed, &n), -EINVAL);
	KUNIT_EXPECT_EQ(test, read_npu(&npu_no_mem, &n), -EINVAL);
}

static int nvlink2_fw_suite_init(struct kunit_suite *suite)
{
	return software_node_register_node_group(nodes);
}

static void nvlink2_fw_suite_exit(struct kunit_suite *suite)
{
	software_node_unregister_node_group(nodes);
}

static struct kunit_case nvlink2_fw_cases[] = {
	KUNIT_CASE(gpu_described),
	KUNIT_CASE(gpu_not_nvlink2),
	KUNIT_CASE(gpu_malformed),
	KUNIT_CASE(npu_described),
	KUNIT_CASE(npu_without_atsd),
	KUNIT_CASE(npu_not_usable),
	{}
};

static struct kunit_suite nvlink2_fw_suite = {
	.name = "nvlink2_fw",
	.suite_init = nvlink2_fw_suite_init,
	.suite_exit = nvlink2_fw_suite_exit,
	.test_cases = nvlink2_fw_cases,
};

kunit_test_suite(nvlink2_fw_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the NVLink2 firmware description");
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
