// SPDX-License-Identifier: GPL-2.0-only
/*
 * The firmware description of NVLink2 GPUs and NPU2 links, read through the
 * device property API so that one code path serves the POWER9 device tree
 * and any other firmware node (the simulated platform uses software nodes).
 * Property names and formats are those of POWER9 (skiboot) firmware:
 *
 *   GPU node         ibm,npu              phandles of the GPU's NPU links
 *   NPU link node    ibm,gpu              phandle of the GPU
 *                    memory-region        phandle of the GPU RAM memory node
 *                    ibm,device-tgt-addr  u64
 *                    ibm,nvlink-speed     u32
 *                    ibm,nvlink           phandle of the link node
 *   link node        ibm,npu-link-index   u32
 *   memory node      reg                  u64 base, u64 size
 *   NPU PHB node     ibm,mmio-atsd        u64 per ATSD register
 *
 * The NPU PHB is the parent of the NPU link's node.
 */
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/property.h>
#include <linux/slab.h>

#include "nvlink2.h"

/**
 * nvlink2_fw_read_gpu() - read the GPU RAM description of an NVLink2 GPU
 * @gpu: the GPU's firmware node
 * @fw: filled in on success
 *
 * The GPU RAM is described on the GPU's first NPU link.
 *
 * Return: 0; -ENODEV when the node says nothing of NVLink2 (no NPU link or
 * no memory region); -EINVAL when the description is malformed.
 */
int nvlink2_fw_read_gpu(struct fwnode_handle *gpu, struct nvlink2_gpu_fw *fw)
{
	struct fwnode_handle *npu, *mem;
	u64 reg[2];
	int ret;

	npu = fwnode_find_reference(gpu, "ibm,npu", 0);
	if (IS_ERR(npu))
		return -ENODEV;

	mem = fwnode_find_reference(npu, "memory-region", 0);
	if (IS_ERR(mem)) {
		ret = -ENODEV;
		goto put_npu;
	}

	ret = fwnode_property_read_u64_array(mem, "reg", reg, ARRAY_SIZE(reg));
	if (ret)
		goto bad;
	ret = fwnode_property_read_u64(npu, "ibm,device-tgt-addr", &fw->tgt);
	if (ret)
		goto bad;

	/* mapped by pages, so it must be made of whole pages */
	if (!reg[1] || !PAGE_ALIGNED(reg[0]) || !PAGE_ALIGNED(reg[1]) ||
	    reg[0] + reg[1] < reg[0])
		goto bad;

	fw->ram_base = reg[0];
	fw->ram_size = reg[1];
	ret = 0;
	goto put_mem;
bad:
	ret = -EINVAL;
put_mem:
	fwnode_handle_put(mem);
put_npu:
	fwnode_handle_put(npu);
	return ret;
}
EXPORT_SYMBOL_GPL(nvlink2_fw_read_gpu);

static int nvlink2_fw_read_atsd(struct fwnode_handle *npu,
				struct nvlink2_npu_fw *fw)
{
	struct fwnode_handle *phb = fwnode_get_parent(npu);
	u64 *atsd;
	int n, ret = 0;

	fw->has_atsd = false;
	fw->atsd = 0;
	if (!phb)
		return 0;

	n = fwnode_property_count_u64(phb, "ibm,mmio-atsd");
	if (n <= 0 || fw->link_index >= n)
		goto put_phb;

	atsd = kcalloc(n, sizeof(*atsd), GFP_KERNEL);
	if (!atsd) {
		ret = -ENOMEM;
		goto put_phb;
	}
	ret = fwnode_property_read_u64_array(phb, "ibm,mmio-atsd", atsd, n);
	if (!ret && atsd[fw->link_index] &&
	    PAGE_ALIGNED(atsd[fw->link_index])) {
		fw->atsd = atsd[fw->link_index];
		fw->has_atsd = true;
	} else if (!ret) {
		ret = -EINVAL;
	}
	kfree(atsd);
put_phb:
	fwnode_handle_put(phb);
	return ret;
}

/**
 * nvlink2_fw_read_npu() - read the description of an NPU2 NVLink link
 * @npu: the link's firmware node
 * @fw: filled in on success
 *
 * A link whose PHB lists no ATSD register for its index is valid: it has
 * no ATSD register to give a guest (@fw->has_atsd is false).
 *
 * Return: 0; -ENODEV when the link has no associated GPU; -EINVAL when the
 * description is malformed; -ENOMEM.
 */
int nvlink2_fw_read_npu(struct fwnode_handle *npu, struct nvlink2_npu_fw *fw)
{
	struct fwnode_handle *gpu, *link;
	int ret;

	gpu = fwnode_find_reference(npu, "ibm,gpu", 0);
	if (IS_ERR(gpu))
		return -ENODEV;
	fwnode_handle_put(gpu);

	link = fwnode_find_reference(npu, "ibm,nvlink", 0);
	if (IS_ERR(link))
		return -EINVAL;
	ret = fwnode_property_read_u32(link, "ibm,npu-link-index",
				       &fw->link_index);
	fwnode_handle_put(link);
	if (ret)
		return -EINVAL;

	if (fwnode_property_read_u64(npu, "ibm,device-tgt-addr", &fw->tgt) ||
	    fwnode_property_read_u32(npu, "ibm,nvlink-speed", &fw->link_speed))
		return -EINVAL;

	return nvlink2_fw_read_atsd(npu, fw);
}
EXPORT_SYMBOL_GPL(nvlink2_fw_read_npu);
