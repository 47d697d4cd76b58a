// SPDX-License-Identifier: GPL-2.0-only
/*
 * A simulated POWER9 NVLink2 node for x86 test machines.
 *
 * The module creates a PCI domain of its own (as Intel VMD does) whose
 * config space is emulated in memory, holding V100 GPUs and NPU2 links with
 * their real ids, class codes and BAR sizes, and describes them with
 * software nodes laid out as POWER9 firmware lays out its device tree:
 * the NVLink2 variant drivers read them through the same fwnode calls they
 * use on POWER9 and cannot tell the difference.
 *
 * GPU RAM is memory the kernel does not manage: a range reserved at boot
 * with memmap=SIZE$BASE and handed to the module with ram=SIZE@BASE. Each
 * GPU gets a piece aligned for PUD (1 GiB pieces) or PMD mappings, except
 * the GPU named by unaligned=, whose RAM starts 64 KiB off so that its
 * mappings must fall back to 4 KiB pages. ATSD registers are pages of the
 * same range, each marked with its index so a test can tell which one a
 * link mapped.
 *
 * Default node (AC922-like): 2 GPUs with 3 links each, one more GPU with no
 * NVLink2 description (the variant must decline it) and one link with no
 * GPU (likewise). The layout is in debugfs, nvlink2-sim/layout.
 *
 * The node's firmware answers OPAL's NPU calls, which the GPU variant makes
 * to map a GPU into a KVM guest's partition, with the checks skiboot's
 * hw/npu2.c makes (no LPCR bits, a partition before a context, valid MSR
 * bits, a context destroyed once per creation), and counts what real
 * hardware would not refuse but must not see: a GPU that masters in a
 * guest's partition with no translation context, or that is given back to
 * the host with bus mastering on. nvlink2-sim/opal shows each GPU's state.
 * nvlink2-sim/error makes the PCI core's error recovery visit a device:
 * "detected BDF" calls its driver's error_detected(), "resume BDF" resume().
 */
#include <linux/debugfs.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/property.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "nvlink2_ext.h"	/* the OPAL calls it answers, off POWER9 */

#define SIM_MAX_GPUS		192
#define SIM_MAX_LINKS		6	/* per GPU, as on POWER9 */
#define SIM_PM_CAP		0x50
#define SIM_PCIE_CAP		0x60
#define SIM_ATSD_MAGIC		0xa75d000000000000ULL
#define SIM_TGT_BASE		0x200000000000ULL	/* per GPU, POWER9-like */
#define SIM_TGT_STRIDE		0x004000000000ULL

static unsigned int gpus = 2;
module_param(gpus, uint, 0444);
MODULE_PARM_DESC(gpus, "NVLink2 GPUs (default 2)");

static unsigned int links = 3;
module_param(links, uint, 0444);
MODULE_PARM_DESC(links, "NPU2 links per GPU (default 3)");

static unsigned int atsd_regs = 8;
module_param(atsd_regs, uint, 0444);
MODULE_PARM_DESC(atsd_regs, "ATSD registers of the NPU (default 8, as POWER9); links with a higher index have none");

static bool bare_gpu = true;
module_param(bare_gpu, bool, 0444);
MODULE_PARM_DESC(bare_gpu, "add a V100 with no NVLink2 description (default on)");

static bool lone_link = true;
module_param(lone_link, bool, 0444);
MODULE_PARM_DESC(lone_link, "add an NPU2 link with no GPU (default on)");

static int unaligned = 1;
module_param(unaligned, int, 0444);
MODULE_PARM_DESC(unaligned, "GPU whose RAM is 64 KiB off huge page alignment (default 1; -1: none)");

static unsigned int ram_mb[SIM_MAX_GPUS];
static int nr_ram_mb;
module_param_array(ram_mb, uint, &nr_ram_mb, 0444);
MODULE_PARM_DESC(ram_mb, "GPU RAM per GPU in MiB (default ram_default_mb)");

static unsigned int ram_default_mb = 64;
module_param(ram_default_mb, uint, 0444);
MODULE_PARM_DESC(ram_default_mb, "GPU RAM of GPUs ram_mb leaves out, in MiB (default 64)");

static char *ram;
module_param(ram, charp, 0444);
MODULE_PARM_DESC(ram, "SIZE@BASE of memory reserved with memmap=SIZE$BASE for GPU RAM and ATSD registers");

static unsigned int link_speed = 9;
module_param(link_speed, uint, 0444);
MODULE_PARM_DESC(link_speed, "ibm,nvlink-speed of every link (default 9)");

static unsigned int bar1_mb = 16384;
module_param(bar1_mb, uint, 0444);
MODULE_PARM_DESC(bar1_mb, "GPU BAR1 in MiB, a power of two (default 16384, as a V100 16GB; smaller to fit many GPUs)");

static int domain = 4;
module_param(domain, int, 0444);
MODULE_PARM_DESC(domain, "first PCI domain number to try (default 4)");

struct sim_fn {
	u8 devfn;
	const struct software_node *node;
	u8 cfg[PCI_CFG_SPACE_EXP_SIZE];
	u8 wmask[PCI_CFG_SPACE_EXP_SIZE];
};

/* what the NPU's XTS tables hold for a GPU, as skiboot keeps them */
struct sim_xts {
	bool mapped;		/* a BDF map entry: map_lpar was called */
	u64 lpid;
	unsigned int ctx_ref;	/* contexts created, not destroyed */
	u64 msr;
};

struct sim_gpu {
	struct sim_fn *fn;
	bool described;
	struct sim_xts xts;
	phys_addr_t base;
	u64 size;
	u64 tgt;
	void *map;
	u64 reg[2];
	struct software_node node, mem_node;
	struct property_entry props[2], mem_props[2];
	struct software_node_ref_args npu_refs[SIM_MAX_LINKS];
};

struct sim_link {
	struct sim_fn *fn;
	int gpu;		/* -1: no GPU */
	u32 index;
	struct software_node node, nvlink_node;
	struct property_entry props[6], nvlink_props[2];
	struct software_node_ref_args gpu_ref, mem_ref, nvlink_ref;
};

static struct {
	struct device *parent;
	struct pci_sysdata sysdata;
	struct pci_bus *bus;
	struct resource busn, win32, win64;
	struct sim_fn *fns;
	unsigned int nr_fns;
	struct sim_gpu *gpu;
	unsigned int nr_gpus;
	struct sim_link *link;
	unsigned int nr_links;
	phys_addr_t pool, pool_size, atsd;
	u64 *atsd_prop;
	struct software_node phb_node;
	struct property_entry phb_props[3];
	unsigned int opal_refused, opal_unsafe;
	const struct software_node **group;
	struct dentry *debugfs;
} sim;

/* Config space */

static void cfg_put(u8 *b, int where, u32 val, int size)
{
	int i;

	for (i = 0; i < size; i++)
		b[where + i] = val >> (8 * i);
}

static u32 cfg_get(const u8 *b, int where, int size)
{
	u32 val = 0;
	int i;

	for (i = 0; i < size; i++)
		val |= (u32)b[where + i] << (8 * i);
	return val;
}

static void cfg_bar(struct sim_fn *f, int bar, u64 size, bool mem64, bool pref)
{
	int where = PCI_BASE_ADDRESS_0 + 4 * bar;
	u32 flags = (mem64 ? PCI_BASE_ADDRESS_MEM_TYPE_64 : 0) |
		    (pref ? PCI_BASE_ADDRESS_MEM_PREFETCH : 0);

	cfg_put(f->cfg, where, flags, 4);
	cfg_put(f->wmask, where, (u32)~(size - 1) & PCI_BASE_ADDRESS_MEM_MASK, 4);
	if (mem64)
		cfg_put(f->wmask, where + 4, ~(u32)((size - 1) >> 32), 4);
}

static void cfg_init(struct sim_fn *f, u16 vendor, u16 device, u32 class,
		     u16 subsys, bool multifunction)
{
	u8 *c = f->cfg;
	int cap = SIM_PCIE_CAP;

	cfg_put(c, PCI_VENDOR_ID, vendor, 2);
	cfg_put(c, PCI_DEVICE_ID, device, 2);
	cfg_put(f->wmask, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
		PCI_COMMAND_PARITY | PCI_COMMAND_SERR |
		PCI_COMMAND_INTX_DISABLE, 2);
	cfg_put(c, PCI_STATUS, PCI_STATUS_CAP_LIST, 2);
	cfg_put(c, PCI_CLASS_REVISION, class << 8 | 0xa1, 4);
	c[PCI_HEADER_TYPE] = multifunction ? PCI_HEADER_TYPE_MFD : 0;
	cfg_put(c, PCI_SUBSYSTEM_VENDOR_ID, vendor, 2);
	cfg_put(c, PCI_SUBSYSTEM_ID, subsys, 2);
	c[PCI_CAPABILITY_LIST] = SIM_PM_CAP;

	/* power management: D0 and D3hot, state kept across D3 (NoSoftRst) */
	c[SIM_PM_CAP + PCI_CAP_LIST_ID] = PCI_CAP_ID_PM;
	c[SIM_PM_CAP + PCI_CAP_LIST_NEXT] = cap;
	cfg_put(c, SIM_PM_CAP + PCI_PM_PMC, 3, 2);
	cfg_put(c, SIM_PM_CAP + PCI_PM_CTRL, PCI_PM_CTRL_NO_SOFT_RESET, 2);
	cfg_put(f->wmask, SIM_PM_CAP + PCI_PM_CTRL, PCI_PM_CTRL_STATE_MASK, 2);

	/* PCIe endpoint, function level reset, Gen3 x16 (what a V100 trains to) */
	c[cap + PCI_CAP_LIST_ID] = PCI_CAP_ID_EXP;
	cfg_put(c, cap + PCI_EXP_FLAGS, 2 | PCI_EXP_TYPE_ENDPOINT << 4, 2);
	cfg_put(c, cap + PCI_EXP_DEVCAP, PCI_EXP_DEVCAP_FLR | 1, 4);
	cfg_put(f->wmask, cap + PCI_EXP_DEVCTL, 0xffff, 2);
	cfg_put(c, cap + PCI_EXP_LNKCAP, 16 << 4 | 3, 4);
	cfg_put(f->wmask, cap + PCI_EXP_LNKCTL, 0x0fff, 2);
	cfg_put(c, cap + PCI_EXP_LNKSTA, 16 << 4 | 3, 2);
	cfg_put(f->wmask, cap + PCI_EXP_DEVCTL2, 0xffff, 2);
	cfg_put(f->wmask, cap + PCI_EXP_LNKCTL2, 0xffff, 2);
}

static struct sim_fn *sim_fn(struct pci_bus *bus, unsigned int devfn)
{
	unsigned int i;

	if (bus->number)
		return NULL;
	for (i = 0; i < sim.nr_fns; i++)
		if (sim.fns[i].devfn == devfn)
			return &sim.fns[i];
	return NULL;
}

/* OPAL's NPU calls (off POWER; there OPAL itself answers them) */

#define SIM_OPAL_SUCCESS	0
#define SIM_OPAL_PARAMETER	-1
#define SIM_OPAL_UNSUPPORTED	-7
#define SIM_MSR_DR		BIT_ULL(4)
#define SIM_MSR_PR		BIT_ULL(14)
#define SIM_MSR_HV		BIT_ULL(60)
#define SIM_MSR_SF		BIT_ULL(63)

/* the XTS state of every GPU; taken in config writes, under pci_lock */
static DEFINE_RAW_SPINLOCK(sim_opal_lock);

static struct sim_gpu *sim_opal_gpu(u64 phb_id, u64 bdf)
{
	unsigned int i;

	if (phb_id != sim.sysdata.domain)
		return NULL;
	for (i = 0; i < sim.nr_gpus; i++)
		if (sim.gpu[i].described && sim.gpu[i].fn->devfn == bdf)
			return &sim.gpu[i];
	return NULL;
}

static bool sim_gpu_masters(struct sim_gpu *g)
{
	return cfg_get(g->fn->cfg, PCI_COMMAND, 2) & PCI_COMMAND_MASTER;
}

/* bus mastering turned on: in a guest's partition, a context must exist */
static void sim_opal_check_master(struct sim_fn *f)
{
	unsigned int i;

	raw_spin_lock(&sim_opal_lock);
	for (i = 0; i < sim.nr_gpus; i++) {
		struct sim_gpu *g = &sim.gpu[i];

		if (g->fn == f && g->xts.lpid && !g->xts.ctx_ref && sim_gpu_masters(g)) {
			sim.opal_unsafe++;
			pr_warn("nvlink2-sim: GPU %u masters in partition %llu with no translation context\n",
				i, g->xts.lpid);
		}
	}
	raw_spin_unlock(&sim_opal_lock);
}

s64 opal_npu_map_lpar(u64 phb_id, u64 bdf, u64 lparid, u64 lpcr)
{
	struct sim_gpu *g;
	s64 rc = SIM_OPAL_SUCCESS;

	raw_spin_lock(&sim_opal_lock);
	g = sim_opal_gpu(phb_id, bdf);
	if (lpcr) {
		/* skiboot: "LPCR bits are only required for hash based ATS" */
		rc = SIM_OPAL_UNSUPPORTED;
	} else if (!g) {
		rc = SIM_OPAL_PARAMETER;
	} else {
		if (!lparid && sim_gpu_masters(g)) {
			sim.opal_unsafe++;
			pr_warn("nvlink2-sim: a GPU back to the host partition with bus mastering on\n");
		}
		/* a new BDF map entry resets the PID map and its references */
		g->xts = (struct sim_xts){ .mapped = true, .lpid = lparid };
	}
	if (rc) {
		sim.opal_refused++;
		pr_warn("nvlink2-sim: OPAL_NPU_MAP_LPAR(%llx, %llx, %llu, %#llx) refused: %lld\n",
			phb_id, bdf, lparid, lpcr, rc);
	}
	raw_spin_unlock(&sim_opal_lock);
	return rc;
}
EXPORT_SYMBOL_GPL(opal_npu_map_lpar);

s64 opal_npu_init_context(u64 phb_id, int pasid, u64 msr, u64 bdf)
{
	struct sim_gpu *g;
	s64 rc;

	raw_spin_lock(&sim_opal_lock);
	g = sim_opal_gpu(phb_id, bdf);
	if (msr & ~(SIM_MSR_DR | SIM_MSR_HV | SIM_MSR_PR | SIM_MSR_SF))
		rc = SIM_OPAL_UNSUPPORTED;
	else if (!g || !g->xts.mapped)	/* "LPARID not associated with any GPU" */
		rc = SIM_OPAL_PARAMETER;
	else if (g->xts.ctx_ref && g->xts.msr != msr)	/* "Unexpected MSR value" */
		rc = SIM_OPAL_PARAMETER;
	else
		rc = g - sim.gpu;	/* the LPARSHORT id */
	if (rc >= 0) {
		g->xts.msr = msr;
		g->xts.ctx_ref++;
	} else {
		sim.opal_refused++;
		pr_warn("nvlink2-sim: OPAL_NPU_INIT_CONTEXT(%llx, %d, %#llx, %llx) refused: %lld\n",
			phb_id, pasid, msr, bdf, rc);
	}
	raw_spin_unlock(&sim_opal_lock);
	return rc;
}
EXPORT_SYMBOL_GPL(opal_npu_init_context);

s64 opal_npu_destroy_context(u64 phb_id, u64 pid, u64 bdf)
{
	struct sim_gpu *g;
	s64 rc = SIM_OPAL_PARAMETER;

	raw_spin_lock(&sim_opal_lock);
	g = sim_opal_gpu(phb_id, bdf);
	if (g && g->xts.mapped && g->xts.ctx_ref) {
		g->xts.ctx_ref--;
		rc = SIM_OPAL_SUCCESS;
	} else {
		sim.opal_refused++;
		pr_warn("nvlink2-sim: OPAL_NPU_DESTROY_CONTEXT(%llx, %llu, %llx) refused\n",
			phb_id, pid, bdf);
	}
	raw_spin_unlock(&sim_opal_lock);
	return rc;
}
EXPORT_SYMBOL_GPL(opal_npu_destroy_context);

static int sim_read(struct pci_bus *bus, unsigned int devfn, int where,
		    int size, u32 *val)
{
	struct sim_fn *f = sim_fn(bus, devfn);

	if (!f || where < 0 || where + size > PCI_CFG_SPACE_EXP_SIZE) {
		*val = size == 4 ? ~0U : (1U << (8 * size)) - 1;
		return PCIBIOS_DEVICE_NOT_FOUND;
	}
	*val = cfg_get(f->cfg, where, size);
	return PCIBIOS_SUCCESSFUL;
}

static int sim_write(struct pci_bus *bus, unsigned int devfn, int where,
		     int size, u32 val)
{
	struct sim_fn *f = sim_fn(bus, devfn);
	int flr = SIM_PCIE_CAP + PCI_EXP_DEVCTL;
	int i;

	if (!f || where < 0 || where + size > PCI_CFG_SPACE_EXP_SIZE)
		return PCIBIOS_DEVICE_NOT_FOUND;

	for (i = 0; i < size; i++) {
		u8 m = f->wmask[where + i];

		f->cfg[where + i] = (f->cfg[where + i] & ~m) | ((val >> (8 * i)) & m);
	}

	/* a function level reset disables decoding; the bit reads back 0 */
	if (cfg_get(f->cfg, flr, 2) & PCI_EXP_DEVCTL_BCR_FLR) {
		cfg_put(f->cfg, flr, cfg_get(f->cfg, flr, 2) &
			~PCI_EXP_DEVCTL_BCR_FLR, 2);
		cfg_put(f->cfg, PCI_COMMAND, 0, 2);
	}
	if (where <= PCI_COMMAND && where + size > PCI_COMMAND)
		sim_opal_check_master(f);
	return PCIBIOS_SUCCESSFUL;
}

static struct pci_ops sim_ops = {
	.read = sim_read,
	.write = sim_write,
};

/* Devices and their firmware description */

static struct sim_fn *sim_add_fn(unsigned int devfn)
{
	struct sim_fn *f = &sim.fns[sim.nr_fns++];

	f->devfn = devfn;
	return f;
}

static int sim_layout_memory(void)
{
	phys_addr_t cur, end;
	char *p;
	unsigned int i;

	if (!ram) {
		pr_err("nvlink2-sim: no GPU RAM: reserve it at boot with memmap=SIZE$BASE and pass ram=SIZE@BASE\n");
		return -EINVAL;
	}
	sim.pool_size = memparse(ram, &p);
	if (*p != '@' || !sim.pool_size) {
		pr_err("nvlink2-sim: ram=%s is not SIZE@BASE\n", ram);
		return -EINVAL;
	}
	sim.pool = memparse(p + 1, &p);
	if (region_intersects(sim.pool, sim.pool_size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		pr_err("nvlink2-sim: ram=%s is System RAM; reserve it with memmap=SIZE$BASE\n",
		       ram);
		return -EINVAL;
	}

	cur = sim.pool;
	end = sim.pool + sim.pool_size;
	for (i = 0; i < sim.nr_gpus; i++) {
		struct sim_gpu *g = &sim.gpu[i];
		u64 size = (u64)(i < nr_ram_mb && ram_mb[i] ? ram_mb[i] : ram_default_mb) * SZ_1M;

		if (!g->described)
			continue;
		cur = ALIGN(cur, size >= SZ_1G ? SZ_1G : SZ_2M);
		if (i == unaligned)
			cur += SZ_64K;
		g->base = cur;
		g->size = size;
		g->tgt = SIM_TGT_BASE + i * SIM_TGT_STRIDE;
		cur += size;
	}
	sim.atsd = ALIGN(cur, PAGE_SIZE);
	cur = sim.atsd + (u64)atsd_regs * PAGE_SIZE;
	if (cur > end) {
		pr_err("nvlink2-sim: ram=%s too small, the layout needs %llu MiB\n",
		       ram, (u64)(cur - sim.pool + SZ_1M - 1) / SZ_1M);
		return -ENOSPC;
	}
	return 0;
}

static int sim_mark_atsd(void)
{
	u64 *regs;
	unsigned int i;

	if (!atsd_regs)
		return 0;
	regs = memremap(sim.atsd, atsd_regs * PAGE_SIZE, MEMREMAP_WB);
	if (!regs)
		return -ENOMEM;
	for (i = 0; i < atsd_regs; i++) {
		memset(regs + i * PAGE_SIZE / 8, 0, PAGE_SIZE);
		regs[i * PAGE_SIZE / 8] = SIM_ATSD_MAGIC | i;
	}
	memunmap(regs);
	return 0;
}

/*
 * Links take devfns 0.. (8 functions to a device, as the NPU's links are
 * functions of one device), GPUs the devices after them: one function
 * each on a real node, packed 8 to a device when there are more than fit.
 */
static unsigned int gpu_devfn(unsigned int i)
{
	unsigned int first = ALIGN(sim.nr_links, 8);

	if (first + 8 * sim.nr_gpus <= 256)
		return first + 8 * i;
	return first + i;
}

static char *sim_name(const char *what, unsigned int i)
{
	return kasprintf(GFP_KERNEL, "nvlink2-sim-%s%u", what, i);
}

static int sim_build(void)
{
	unsigned int i, j, n = 0, nr_nodes;
	int g;

	sim.nr_gpus = gpus + bare_gpu;
	sim.nr_links = gpus * links + lone_link;
	sim.gpu = kcalloc(sim.nr_gpus, sizeof(*sim.gpu), GFP_KERNEL);
	sim.link = kcalloc(sim.nr_links, sizeof(*sim.link), GFP_KERNEL);
	sim.fns = vzalloc(array_size(sim.nr_gpus + sim.nr_links, sizeof(*sim.fns)));
	sim.atsd_prop = kcalloc(max(atsd_regs, 1U), sizeof(u64), GFP_KERNEL);
	/* PHB, per GPU node and memory node, per link node and nvlink node */
	nr_nodes = 1 + 2 * sim.nr_gpus + 2 * sim.nr_links;
	sim.group = kcalloc(nr_nodes + 1, sizeof(*sim.group), GFP_KERNEL);
	if (!sim.gpu || !sim.link || !sim.fns || !sim.atsd_prop || !sim.group)
		return -ENOMEM;

	for (i = 0; i < sim.nr_gpus; i++)
		sim.gpu[i].described = i < gpus;
	for (j = 0; j < sim.nr_links; j++)
		sim.link[j].gpu = j < gpus * links ? j / links : -1;

	g = sim_layout_memory();
	if (g)
		return g;
	g = sim_mark_atsd();
	if (g)
		return g;

	for (i = 0; i < atsd_regs; i++)
		sim.atsd_prop[i] = sim.atsd + i * PAGE_SIZE;
	sim.phb_node.name = "nvlink2-sim-phb";
	sim.phb_props[0] = PROPERTY_ENTRY_U64_ARRAY_LEN("ibm,mmio-atsd",
							sim.atsd_prop, atsd_regs);
	sim.phb_props[1] = PROPERTY_ENTRY_U64("ibm,opal-phbid", sim.sysdata.domain);
	sim.phb_node.properties = sim.phb_props;
	sim.group[n++] = &sim.phb_node;

	/* NPU2 links: IBM 04ea, class "bridge, other", functions of devices 0.. */
	for (j = 0; j < sim.nr_links; j++) {
		struct sim_link *l = &sim.link[j];
		struct sim_fn *f = sim_add_fn(j);
		bool mf = j % 8 == 0 && j + 1 < sim.nr_links;

		cfg_init(f, PCI_VENDOR_ID_IBM, 0x04ea, PCI_CLASS_BRIDGE_OTHER << 8,
			 0x04ea, mf);
		cfg_bar(f, 0, SZ_16M, true, false);
		cfg_bar(f, 2, SZ_64K, true, false);
		l->fn = f;
		l->index = j;	/* links are numbered across the NPU */
	}

	/* V100 SXM2 16GB: BAR0 16M, BAR1 16G prefetchable, BAR3 32M prefetchable */
	for (i = 0; i < sim.nr_gpus; i++) {
		struct sim_gpu *gp = &sim.gpu[i];
		unsigned int devfn = gpu_devfn(i);
		struct sim_fn *f = sim_add_fn(devfn);
		bool mf = devfn + 1 == gpu_devfn(i + 1) && !PCI_FUNC(devfn) &&
			  i + 1 < sim.nr_gpus;

		cfg_init(f, PCI_VENDOR_ID_NVIDIA, 0x1db1,
			 PCI_CLASS_DISPLAY_3D << 8, 0x1212, mf);
		cfg_bar(f, 0, SZ_16M, false, false);
		cfg_bar(f, 1, (u64)bar1_mb * SZ_1M, true, true);
		cfg_bar(f, 3, SZ_32M, true, true);
		gp->fn = f;
	}

	for (i = 0; i < sim.nr_gpus; i++) {
		struct sim_gpu *gp = &sim.gpu[i];

		if (!gp->described)
			continue;
		gp->node.name = sim_name("gpu", i);
		gp->mem_node.name = sim_name("memory", i);
		if (!gp->node.name || !gp->mem_node.name)
			return -ENOMEM;
		gp->reg[0] = gp->base;
		gp->reg[1] = gp->size;
		gp->mem_props[0] = PROPERTY_ENTRY_U64_ARRAY("reg", gp->reg);
		gp->mem_node.properties = gp->mem_props;
		for (j = 0; j < links; j++)
			gp->npu_refs[j] = SOFTWARE_NODE_REFERENCE(&sim.link[i * links + j].node);
		gp->props[0] = PROPERTY_ENTRY_REF_ARRAY_LEN("ibm,npu", gp->npu_refs, links);
		gp->node.properties = gp->props;
		gp->fn->node = &gp->node;
		sim.group[n++] = &gp->mem_node;
		sim.group[n++] = &gp->node;
	}

	for (j = 0; j < sim.nr_links; j++) {
		struct sim_link *l = &sim.link[j];
		struct property_entry *p = l->props;
		u64 tgt = l->gpu < 0 ? 0 : sim.gpu[l->gpu].tgt;

		l->node.name = sim_name("link", j);
		l->nvlink_node.name = sim_name("nvlink", j);
		if (!l->node.name || !l->nvlink_node.name)
			return -ENOMEM;
		l->node.parent = &sim.phb_node;
		l->nvlink_props[0] = PROPERTY_ENTRY_U32("ibm,npu-link-index", l->index);
		l->nvlink_node.properties = l->nvlink_props;
		l->nvlink_ref = SOFTWARE_NODE_REFERENCE(&l->nvlink_node);
		*p++ = PROPERTY_ENTRY_REF_ARRAY_LEN("ibm,nvlink", &l->nvlink_ref, 1);
		if (l->gpu >= 0) {
			l->gpu_ref = SOFTWARE_NODE_REFERENCE(&sim.gpu[l->gpu].node);
			l->mem_ref = SOFTWARE_NODE_REFERENCE(&sim.gpu[l->gpu].mem_node);
			*p++ = PROPERTY_ENTRY_REF_ARRAY_LEN("ibm,gpu", &l->gpu_ref, 1);
			*p++ = PROPERTY_ENTRY_REF_ARRAY_LEN("memory-region", &l->mem_ref, 1);
		}
		*p++ = PROPERTY_ENTRY_U64("ibm,device-tgt-addr", tgt);
		*p++ = PROPERTY_ENTRY_U32("ibm,nvlink-speed", link_speed);
		l->node.properties = l->props;
		l->fn->node = &l->node;
		sim.group[n++] = &l->nvlink_node;
	}
	/* children after their parent; references resolve at lookup */
	for (j = 0; j < sim.nr_links; j++)
		sim.group[n++] = &sim.link[j].node;

	return software_node_register_node_group(sim.group);
}

static void sim_free(void)
{
	unsigned int i;

	if (sim.group && sim.group[0] && software_node_fwnode(sim.group[0]))
		software_node_unregister_node_group(sim.group);
	for (i = 0; sim.gpu && i < sim.nr_gpus; i++) {
		if (sim.gpu[i].map)
			memunmap(sim.gpu[i].map);
		kfree(sim.gpu[i].node.name);
		kfree(sim.gpu[i].mem_node.name);
	}
	for (i = 0; sim.link && i < sim.nr_links; i++) {
		kfree(sim.link[i].node.name);
		kfree(sim.link[i].nvlink_node.name);
	}
	kfree(sim.group);
	kfree(sim.atsd_prop);
	vfree(sim.fns);
	kfree(sim.link);
	kfree(sim.gpu);
}

/*
 * Firmware nodes go on at device_add() time, before any driver can probe,
 * and come back when a removed device is found again by a rescan. They go
 * off at BUS_NOTIFY_DEL_DEVICE: device_del() itself unlinks a software node
 * (software_node_notify_remove()) before BUS_NOTIFY_REMOVED_DEVICE.
 */
static int sim_notify(struct notifier_block *nb, unsigned long action,
		      void *data)
{
	struct device *dev = data;
	struct pci_dev *pdev = to_pci_dev(dev);
	struct sim_fn *f;

	if (!sim.bus || pci_domain_nr(pdev->bus) != sim.sysdata.domain)
		return NOTIFY_DONE;
	f = sim_fn(pdev->bus, pdev->devfn);
	if (!f || !f->node)
		return NOTIFY_DONE;

	if (action == BUS_NOTIFY_ADD_DEVICE) {
		if (device_add_software_node(dev, f->node))
			pci_err(pdev, "nvlink2-sim: cannot attach its firmware node\n");
	} else if (action == BUS_NOTIFY_DEL_DEVICE) {
		device_remove_software_node(dev);
	}
	return NOTIFY_OK;
}

static struct notifier_block sim_nb = {
	.notifier_call = sim_notify,
};

/* BAR windows: 32-bit ones from the host's own window, as VMD's are */
static int sim_windows(void)
{
	struct pci_bus *b0 = pci_find_bus(0, 0);
	struct resource *r;
	int ret = -ENOSPC;
	u64 size;

	sim.win32.name = "nvlink2-sim 32-bit";
	sim.win32.flags = IORESOURCE_MEM;
	pci_bus_for_each_resource(b0, r) {
		if (!r || resource_type(r) != IORESOURCE_MEM ||
		    (r->flags & IORESOURCE_PREFETCH) || r->end > U32_MAX)
			continue;
		ret = allocate_resource(r, &sim.win32, SZ_256M, r->start, r->end,
					SZ_256M, NULL, NULL);
		if (!ret)
			break;
	}
	if (ret) {
		pr_err("nvlink2-sim: no room for 32-bit BARs\n");
		return ret;
	}

	sim.win64.name = "nvlink2-sim 64-bit";
	sim.win64.flags = IORESOURCE_MEM | IORESOURCE_MEM_64 | IORESOURCE_PREFETCH;
	size = roundup_pow_of_two(sim.nr_gpus * ((u64)bar1_mb * SZ_1M + SZ_32M));
	ret = allocate_resource(&iomem_resource, &sim.win64, size, SZ_64G,
				iomem_resource.end, size, NULL, NULL);
	if (ret) {
		pr_err("nvlink2-sim: no room for 64-bit BARs\n");
		release_resource(&sim.win32);
	}
	return ret;
}

static int sim_layout_show(struct seq_file *s, void *unused)
{
	int dom = sim.sysdata.domain;
	unsigned int i;

	for (i = 0; i < sim.nr_gpus; i++) {
		struct sim_gpu *g = &sim.gpu[i];
		unsigned int devfn = g->fn->devfn;

		seq_printf(s, "%04x:00:%02x.%u gpu %u", dom, PCI_SLOT(devfn),
			   PCI_FUNC(devfn), i);
		if (g->described)
			seq_printf(s, " ram=%#llx size=%#llx tgt=%#llx\n",
				   (u64)g->base, g->size, g->tgt);
		else
			seq_puts(s, " none\n");
	}
	for (i = 0; i < sim.nr_links; i++) {
		struct sim_link *l = &sim.link[i];
		unsigned int devfn = l->fn->devfn;

		seq_printf(s, "%04x:00:%02x.%u link %u gpu=%d index=%u speed=%u",
			   dom, PCI_SLOT(devfn), PCI_FUNC(devfn), i, l->gpu,
			   l->index, link_speed);
		if (l->gpu >= 0)
			seq_printf(s, " tgt=%#llx", sim.gpu[l->gpu].tgt);
		if (l->index < atsd_regs)
			seq_printf(s, " atsd=%#llx atsd_magic=%#llx",
				   (u64)sim.atsd_prop[l->index],
				   SIM_ATSD_MAGIC | l->index);
		seq_putc(s, '\n');
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_layout);

static int sim_opal_show(struct seq_file *s, void *unused)
{
	unsigned int i;

	raw_spin_lock(&sim_opal_lock);
	for (i = 0; i < sim.nr_gpus; i++) {
		struct sim_xts *x = &sim.gpu[i].xts;

		if (sim.gpu[i].described)
			seq_printf(s, "gpu %u mapped=%d lpid=%llu contexts=%u msr=%#llx\n",
				   i, x->mapped, x->lpid, x->ctx_ref, x->msr);
	}
	seq_printf(s, "refused=%u unsafe=%u\n", sim.opal_refused, sim.opal_unsafe);
	raw_spin_unlock(&sim_opal_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sim_opal);

/* What pcie_do_recovery() does to a device's driver, one step at a time */
static ssize_t sim_error_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	char buf[64], step[16], bdf[32];
	const struct pci_error_handlers *err;
	struct pci_dev *pdev = NULL;
	unsigned int dom, bus, slot, fn;
	int ret = -EINVAL;

	if (count >= sizeof(buf) || copy_from_user(buf, ubuf, count))
		return -EINVAL;
	buf[count] = '\0';
	if (sscanf(buf, "%15s %31s", step, bdf) != 2 ||
	    sscanf(bdf, "%x:%x:%x.%x", &dom, &bus, &slot, &fn) != 4)
		return -EINVAL;
	pdev = pci_get_domain_bus_and_slot(dom, bus, PCI_DEVFN(slot, fn));
	if (!pdev)
		return -ENODEV;
	device_lock(&pdev->dev);
	err = pdev->driver ? pdev->driver->err_handler : NULL;
	if (!strcmp(step, "detected") && err && err->error_detected) {
		err->error_detected(pdev, pci_channel_io_frozen);
		ret = count;
	} else if (!strcmp(step, "resume") && err && err->resume) {
		err->resume(pdev);
		ret = count;
	}
	device_unlock(&pdev->dev);
	pci_dev_put(pdev);
	return ret;
}

static const struct file_operations sim_error_fops = {
	.owner = THIS_MODULE,
	.write = sim_error_write,
};

static int __init sim_init(void)
{
	LIST_HEAD(resources);
	unsigned int i;
	int ret;

	if (!gpus || gpus > SIM_MAX_GPUS - 1 || !links || links > SIM_MAX_LINKS ||
	    ALIGN(gpus * links + lone_link, 8) + gpus + bare_gpu > 256 ||
	    !is_power_of_2(bar1_mb) || bar1_mb > SZ_64K) {
		pr_err("nvlink2-sim: gpus must be 1..%d, links 1..%d, all fit in 256 functions, bar1_mb a power of 2\n",
		       SIM_MAX_GPUS - 1, SIM_MAX_LINKS);
		return -EINVAL;
	}

	while (pci_find_bus(domain, 0))
		domain++;
	sim.sysdata.domain = domain;
	ret = sim_build();
	if (ret)
		goto free;

	/* keep GPU RAM mapped cacheable, as firmware describes RAM */
	for (i = 0; i < sim.nr_gpus; i++) {
		if (!sim.gpu[i].described)
			continue;
		sim.gpu[i].map = memremap(sim.gpu[i].base, sim.gpu[i].size,
					  MEMREMAP_WB);
		if (!sim.gpu[i].map) {
			ret = -ENOMEM;
			goto free;
		}
	}

	ret = sim_windows();
	if (ret)
		goto free;

	sim.sysdata.node = NUMA_NO_NODE;
	sim.busn.name = "nvlink2-sim";
	sim.busn.start = 0;
	sim.busn.end = 0;
	sim.busn.flags = IORESOURCE_BUS;
	pci_add_resource(&resources, &sim.busn);
	pci_add_resource(&resources, &sim.win32);
	pci_add_resource(&resources, &sim.win64);

	sim.parent = root_device_register("nvlink2-sim");
	if (IS_ERR(sim.parent)) {
		ret = PTR_ERR(sim.parent);
		sim.parent = NULL;
		goto windows;
	}

	ret = bus_register_notifier(&pci_bus_type, &sim_nb);
	if (ret)
		goto parent;

	pci_lock_rescan_remove();
	sim.bus = pci_create_root_bus(sim.parent, 0, &sim_ops, &sim.sysdata,
				      &resources);
	if (!sim.bus) {
		pci_unlock_rescan_remove();
		ret = -ENODEV;
		goto notifier;
	}
	pci_scan_child_bus(sim.bus);
	pci_assign_unassigned_bus_resources(sim.bus);
	pci_bus_add_devices(sim.bus);
	pci_unlock_rescan_remove();

	sim.debugfs = debugfs_create_dir("nvlink2-sim", NULL);
	debugfs_create_file("layout", 0444, sim.debugfs, NULL, &sim_layout_fops);
	debugfs_create_file("opal", 0444, sim.debugfs, NULL, &sim_opal_fops);
	debugfs_create_file("error", 0200, sim.debugfs, NULL, &sim_error_fops);

	pr_info("nvlink2-sim: domain %04x: %u GPUs (%u described), %u NPU2 links, %u ATSD registers\n",
		domain, sim.nr_gpus, gpus, sim.nr_links, atsd_regs);
	return 0;

notifier:
	bus_unregister_notifier(&pci_bus_type, &sim_nb);
parent:
	root_device_unregister(sim.parent);
windows:
	pci_free_resource_list(&resources);
	release_resource(&sim.win64);
	release_resource(&sim.win32);
free:
	sim_free();
	return ret;
}
module_init(sim_init);

static void __exit sim_exit(void)
{
	debugfs_remove_recursive(sim.debugfs);
	pci_lock_rescan_remove();
	pci_stop_root_bus(sim.bus);
	pci_remove_root_bus(sim.bus);
	pci_unlock_rescan_remove();
	sim.bus = NULL;
	bus_unregister_notifier(&pci_bus_type, &sim_nb);
	root_device_unregister(sim.parent);
	release_resource(&sim.win64);
	release_resource(&sim.win32);
	sim_free();
}
module_exit(sim_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfio-variant test: a simulated POWER9 NVLink2 node (V100 GPUs, NPU2 links)");
