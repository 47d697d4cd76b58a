// SPDX-License-Identifier: GPL-2.0-only
/*
 * The steps of NVLink2 passthrough only platform firmware can do.
 *
 * On POWER9 (powernv), the NPU translates a GPU's accesses to system memory
 * in the context of one logical partition: before a KVM guest can use its
 * GPU over NVLink, OPAL must be told the guest's LPID, and told to give the
 * GPU back to the host when the guest lets it go. Elsewhere (the simulated
 * platform included) there is no such step.
 */
#include <linux/kvm_host.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/property.h>

#include "nvlink2.h"

#ifdef CONFIG_PPC_POWERNV
#include <asm/opal.h>
#include <asm/reg.h>

/* The OPAL id of the NPU PHB: the PHB node is the link node's parent. */
static int nvlink2_npu_phb_id(struct fwnode_handle *npu, u64 *id)
{
	struct fwnode_handle *phb = fwnode_get_parent(npu);
	int ret;

	if (!phb)
		return -ENODEV;
	ret = fwnode_property_read_u64(phb, "ibm,opal-phbid", id);
	fwnode_handle_put(phb);
	return ret;
}

static int nvlink2_opal_map_lpar(struct pci_dev *gpu, struct fwnode_handle *npu,
				 struct kvm *kvm)
{
	u64 phb_id;
	s64 rc;

	if (nvlink2_npu_phb_id(npu, &phb_id))
		return -ENODEV;

	/* guest translation: data relocation on, problem state (as pre-5.13) */
	rc = opal_npu_map_lpar(phb_id, pci_dev_id(gpu), kvm->arch.lpid,
			       MSR_DR | MSR_PR);
	if (rc) {
		pci_warn(gpu, "OPAL could not map the GPU to LPID %llu: %lld\n",
			 kvm->arch.lpid, rc);
		return -EIO;
	}
	return 0;
}

static void nvlink2_opal_unmap_lpar(struct pci_dev *gpu,
				    struct fwnode_handle *npu)
{
	u64 phb_id;

	/* LPID 0 is the host */
	if (!nvlink2_npu_phb_id(npu, &phb_id))
		opal_npu_map_lpar(phb_id, pci_dev_id(gpu), 0, 0);
}
#else
static int nvlink2_opal_map_lpar(struct pci_dev *gpu, struct fwnode_handle *npu,
				 struct kvm *kvm)
{
	return 0;
}

static void nvlink2_opal_unmap_lpar(struct pci_dev *gpu,
				    struct fwnode_handle *npu)
{
}
#endif

/**
 * nvlink2_platform_map_lpar() - let a KVM guest's partition use the GPU
 * @gpu: the GPU
 * @npu: the firmware node of one of its NPU links
 * @kvm: the guest, or NULL when the device is not used by one
 *
 * Return: 0, or a negative errno when firmware refused.
 */
int nvlink2_platform_map_lpar(struct pci_dev *gpu, struct fwnode_handle *npu,
			      struct kvm *kvm)
{
	return kvm ? nvlink2_opal_map_lpar(gpu, npu, kvm) : 0;
}
EXPORT_SYMBOL_GPL(nvlink2_platform_map_lpar);

/**
 * nvlink2_platform_unmap_lpar() - give the GPU back to the host partition
 * @gpu: the GPU
 * @npu: the firmware node of one of its NPU links
 */
void nvlink2_platform_unmap_lpar(struct pci_dev *gpu, struct fwnode_handle *npu)
{
	nvlink2_opal_unmap_lpar(gpu, npu);
}
EXPORT_SYMBOL_GPL(nvlink2_platform_unmap_lpar);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Firmware description, memory mapping and platform steps shared by the NVLink2 vfio-pci variants");
