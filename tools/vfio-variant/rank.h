/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's driver_override ranking, as userspace can predict it:
 * highest override_priority first, then the most specific matching id (the
 * most modalias fields fixed), then the name that sorts first
 * (drivers/pci/pci-driver.c, pci_bus_match_rank()). test-rank checks it
 * against the cases the kernel's KUnit suite checks; a VM test checks the
 * prediction against what the kernel binds.
 */
#ifndef VV_RANK_H
#define VV_RANK_H

#include <stdbool.h>

/* The default priority of a variant (VFIO_PCI_VARIANT_PRIORITY) */
#define VV_VARIANT_PRIORITY	10

struct vv_candidate {
	char driver[64];	/* driver name, "" while its module is not loaded */
	char module[64];	/* module name, "" for a driver with none */
	char alias[160];	/* the module alias pattern that matched */
	char modinfo_driver[64];	/* the driver name the module's modinfo gives */
	int modinfo_priority;	/* and its priority */
	int priority;
	bool priority_known;	/* read from sysfs or modinfo, not assumed */
	bool priority_cmdline;	/* not loaded: pci=override_priority= gives it */
	unsigned int specificity;
	bool loaded;
};

/*
 * Specificity of a modalias pattern such as "vfio_pci:v00001234d*sv*sd*bc03sc*i*",
 * as the kernel computes it from the id the pattern came from: how many of
 * the seven fields it fixes (the fewer wildcards, the more specific).
 * Returns -1 if @pattern is not a PCI modalias pattern.
 */
int vv_alias_specificity(const char *pattern);

/* <0 if @a is probed before @b, >0 if after; never 0 for distinct names */
int vv_candidate_cmp(const struct vv_candidate *a, const struct vv_candidate *b);

/* Sort @c (n entries) into probe order. */
void vv_rank(struct vv_candidate *c, int n);

/* The name the kernel orders by: the driver's, else the module's */
const char *vv_candidate_name(const struct vv_candidate *c);

/*
 * The modalias string of a device under @prefix ("vfio_pci"), as the kernel
 * builds it for request_module(): "vfio_pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X".
 */
void vv_modalias(char *buf, unsigned int len, const char *prefix,
		 unsigned int vendor, unsigned int device, unsigned int subvendor,
		 unsigned int subdevice, unsigned int class);

#endif
