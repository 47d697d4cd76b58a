// SPDX-License-Identifier: GPL-2.0-only
/*
 * count= PCI drivers that match no device, for the benchmarks: how the
 * cost of binding through driver_override grows with the drivers a
 * bus has to consider.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

static unsigned int count = 500;
module_param(count, uint, 0444);
MODULE_PARM_DESC(count, "PCI drivers to register (default 500)");

struct vv_dummy {
	struct pci_driver drv;
	struct pci_device_id ids[2];
	char name[24];
};

static struct vv_dummy *dummies;
static unsigned int registered;

static int vv_dummy_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	return -ENODEV;
}

static int __init vv_dummy_init(void)
{
	unsigned int i;
	int ret;

	dummies = kcalloc(count, sizeof(*dummies), GFP_KERNEL);
	if (!dummies)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		struct vv_dummy *d = &dummies[i];

		/* a vendor id no device has (PCI-SIG's "invalid" 0xffff less one) */
		d->ids[0] = (struct pci_device_id){ PCI_DEVICE(0xfffe, i) };
		snprintf(d->name, sizeof(d->name), "vv-dummy-%u", i);
		d->drv.name = d->name;
		d->drv.id_table = d->ids;
		d->drv.probe = vv_dummy_probe;
		ret = pci_register_driver(&d->drv);
		if (ret)
			goto unregister;
		registered++;
	}
	return 0;
unregister:
	while (registered)
		pci_unregister_driver(&dummies[--registered].drv);
	kfree(dummies);
	return ret;
}
module_init(vv_dummy_init);

static void __exit vv_dummy_exit(void)
{
	while (registered)
		pci_unregister_driver(&dummies[--registered].drv);
	kfree(dummies);
}
module_exit(vv_dummy_exit);

MODULE_DESCRIPTION("vfio-variant bench: PCI drivers that match nothing");
MODULE_LICENSE("GPL");
