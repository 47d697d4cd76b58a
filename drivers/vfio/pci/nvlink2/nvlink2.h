/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the NVLink2 variants of vfio-pci: the firmware description of
 * an NVLink2 GPU and its NPU links, a VFIO region of physical memory whose
 * user mappings can be revoked, and the steps only platform firmware can do.
 */
#ifndef VFIO_PCI_NVLINK2_H
#define VFIO_PCI_NVLINK2_H

#include <linux/fwnode.h>
#include <linux/mm_types.h>
#include <linux/rwsem.h>
#include <linux/types.h>

/*
 * On a kernel without driver_override aliases the variants answer to their
 * own names only (the initializers go last in struct pci_driver); modinfo
 * still tells userspace their priority.
 */
#ifndef VFIO_PCI_VARIANT_OVERRIDE
#define VFIO_PCI_VARIANT_OVERRIDE
#define VFIO_PCI_VARIANT_PRIORITY	10
#define VFIO_PCI_VARIANT_MODULE_INFO(name, priority)		\
	MODULE_INFO(override_priority, name ":" __stringify(priority))
#endif

struct kvm;
struct pci_dev;
struct vfio_pci_core_device;

/**
 * struct nvlink2_gpu_fw - what the firmware says about an NVLink2 GPU
 * @ram_base: physical address of the GPU RAM (``reg`` of the memory node)
 * @ram_size: size of the GPU RAM in bytes, a multiple of PAGE_SIZE
 * @tgt: the GPU RAM's address as the NPU sees it (``ibm,device-tgt-addr``)
 */
struct nvlink2_gpu_fw {
	phys_addr_t ram_base;
	u64 ram_size;
	u64 tgt;
};

/**
 * struct nvlink2_npu_fw - what the firmware says about one NPU2 link
 * @link_index: the link's index in its NPU (``ibm,npu-link-index``)
 * @tgt: the link's target address (``ibm,device-tgt-addr``)
 * @link_speed: the link speed code (``ibm,nvlink-speed``)
 * @has_atsd: whether the PHB has an ATSD register for @link_index
 * @atsd: physical address of that ATSD register, when @has_atsd
 */
struct nvlink2_npu_fw {
	u32 link_index;
	u64 tgt;
	u32 link_speed;
	bool has_atsd;
	phys_addr_t atsd;
};

int nvlink2_fw_read_gpu(struct fwnode_handle *gpu, struct nvlink2_gpu_fw *fw);
int nvlink2_fw_read_npu(struct fwnode_handle *npu, struct nvlink2_npu_fw *fw);

/**
 * struct nvlink2_mem - physical memory exposed as a VFIO device region
 * @vdev: the VFIO device whose file the region is mapped through
 * @index: the VFIO region index, set when the region is registered
 * @base: physical address of the memory
 * @size: size of the region in bytes (0: nothing to map)
 * @uncached: map it uncached (a register) rather than cached (RAM)
 * @lock: orders faults against revocation
 * @gen: bumped on each revocation; a mapping faults only in its generation
 * @dead: the device is going away; no new mappings, every fault fails
 *
 * User mappings fault in PUD, PMD or PTE entries as alignment allows and are
 * revoked by nvlink2_mem_revoke(): after it, touching a mapping made before
 * raises SIGBUS instead of reaching memory the user may no longer own.
 */
struct nvlink2_mem {
	struct vfio_pci_core_device *vdev;
	unsigned int index;
	phys_addr_t base;
	u64 size;
	bool uncached;
	struct rw_semaphore lock;
	unsigned int gen;
	bool dead;
};

void nvlink2_mem_init(struct nvlink2_mem *mem, struct vfio_pci_core_device *vdev,
		      phys_addr_t base, u64 size, bool uncached);
int nvlink2_mem_mmap(struct nvlink2_mem *mem, struct vm_area_struct *vma);
void nvlink2_mem_revoke(struct nvlink2_mem *mem, bool dead);
bool nvlink2_config_write_resets(struct pci_dev *pdev, const char __user *buf,
				 size_t count, loff_t pos);

int nvlink2_platform_map_lpar(struct pci_dev *gpu, struct fwnode_handle *npu,
			      struct kvm *kvm);
void nvlink2_platform_unmap_lpar(struct pci_dev *gpu, struct fwnode_handle *npu);

#endif /* VFIO_PCI_NVLINK2_H */
