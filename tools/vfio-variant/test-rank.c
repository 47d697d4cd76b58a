// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the tool's copy of the kernel's ranking rule (TAP).
 *
 * The cases are the kernel's own: drivers/pci/tests/pci-override-rank-cases.h
 * of the series, which the PCI core's KUnit suite checks too. For each case
 * this builds the vfio_pci: aliases modpost writes for the drivers' ids,
 * ranks the drivers whose aliases match the device's modalias as the tool
 * does, and compares the order with the kernel's. It also runs libvirt's
 * own choice (virPCIDeviceFindBestVFIOVariant() of libvirt 11.3, ported
 * as it is) on the same aliases, and checks that it is the kernel's first
 * choice whenever the priorities are equal, no two aliases tie for fewest
 * wildcards and no alias fixes the interface byte.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rank.h"
#include "pci-override-rank-cases.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static int n, failed;

static void ok(int cond, const char *fmt, const char *arg)
{
	printf("%sok %d - ", cond ? "" : "not ", ++n);
	printf(fmt, arg);
	putchar('\n');
	failed += !cond;
}

/* the alias modpost writes for an id (scripts/mod/file2alias.c, do_pci_entry) */
static void alias_of(char *buf, size_t len, const struct pci_override_rank_id *id)
{
	unsigned int bc = id->class >> 16, sc = (id->class >> 8) & 0xff, ic = id->class & 0xff;
	unsigned int bm = id->class_mask >> 16, sm = (id->class_mask >> 8) & 0xff;
	unsigned int im = id->class_mask & 0xff;
	size_t l;

	l = (size_t)snprintf(buf, len, "vfio_pci:");
#define ADD(tag, cond, fmt, val) \
	l += (size_t)((cond) ? snprintf(buf + l, len - l, tag fmt, val) : \
			       snprintf(buf + l, len - l, tag "*"))
	ADD("v", id->vendor != PCI_OVERRIDE_RANK_ANY, "%08X", id->vendor);
	ADD("d", id->device != PCI_OVERRIDE_RANK_ANY, "%08X", id->device);
	ADD("sv", id->subvendor != PCI_OVERRIDE_RANK_ANY, "%08X", id->subvendor);
	ADD("sd", id->subdevice != PCI_OVERRIDE_RANK_ANY, "%08X", id->subdevice);
	ADD("bc", bm == 0xff, "%02X", bc);
	ADD("sc", sm == 0xff, "%02X", sc);
	ADD("i", im == 0xff, "%02X", ic);
#undef ADD
	if (buf[l - 1] != '*')
		snprintf(buf + l, len - l, "*");
}

/* --- libvirt 11.3, src/util/virpci.c, as it is ---------------------------- */

static const char *fieldnames[] = { "v", "d", "sv", "sd", "bc", "sc", "i", NULL };

/* virPCIDeviceAliasInfoNew(); returns 0, or -1 where libvirt returns NULL */
static int lv_parse(const char *str, char fields[7][16])
{
	const char *field = str, *next;
	size_t i;

	for (i = 0; i < 7; i++) {
		size_t len = strlen(fieldnames[i]);

		if (strncmp(field, fieldnames[i], len))
			return -1;
		field += len;
		if (fieldnames[i + 1]) {
			next = strstr(field, fieldnames[i + 1]);
			if (!next)
				return -1;
		} else {
			next = field;
			while (*next && *next != ' ' && *next != '\n')
				next++;
		}
		snprintf(fields[i], 16, "%.*s", (int)(next - field), field);
		field = next;
	}
	return 0;
}

/* virPCIDeviceAliasInfoMatch() */
static int lv_match(char orig[7][16], char match[7][16], unsigned int *wild)
{
	size_t i;

	*wild = 0;
	for (i = 0; i < 7; i++) {
		if (!strcmp(match[i], "*"))
			(*wild)++;
		else if (strcmp(orig[i], match[i]))
			return 0;
	}
	return 1;
}

int main(void)
{
	char buf[96], what[200];
	struct vv_candidate c[4];
	size_t k;

	ok(vv_alias_specificity("vfio_pci:v*d*sv*sd*bc*sc*i*") == 0, "%s", "wildcard alias: 0");
	ok(vv_alias_specificity("vfio_pci:v00001234d000011E8sv*sd*bc*sc*i*") == 2, "%s",
	   "vendor+device alias: 2");
	ok(vv_alias_specificity("vfio_pci:v000010DEd00001DB1sv000010DEsd00001212bc*sc*i*") == 4,
	   "%s", "subsystem ids: 4");
	ok(vv_alias_specificity("vfio_pci:v*d*sv*sd*bc03sc02i*") == 2, "%s", "class bytes count");
	ok(vv_alias_specificity("vfio_pci:v*d*sv*sd*bc03sc02i00*") == 3, "%s",
	   "a fixed interface byte, with modpost's trailing '*'");
	ok(vv_alias_specificity("pci:v1234") == -1, "%s", "malformed alias refused");
	ok(vv_alias_specificity("nocolon") == -1, "%s", "no prefix refused");
	ok(vv_alias_specificity("vfio_pci:v0000123Gd*sv*sd*bc*sc*i*") == -1, "%s", "bad hex refused");
	ok(vv_alias_specificity("vfio_pci:v*d*sv*sd*bc*sc*i*x") == -1, "%s", "trailing junk refused");

	vv_modalias(buf, sizeof(buf), "vfio_pci", 0x1234, 0x11e8, 0x1af4, 0x1100, 0x00ff00);
	ok(!strcmp(buf, "vfio_pci:v00001234d000011E8sv00001AF4sd00001100bc00scFFi00"), "%s",
	   "modalias as the kernel requests it");
	ok(strlen(buf) == 58, "%s", "58 bytes: longer than MODULE_NAME_LEN");

	memset(c, 0, sizeof(c));
	snprintf(c[0].module, sizeof(c[0].module), "mod_b");
	ok(!strcmp(vv_candidate_name(&c[0]), "mod_b"), "%s", "an unloaded candidate goes by its module");

	for (k = 0; k < ARRAY_SIZE(pci_override_rank_cases); k++) {
		const struct pci_override_rank_case *rc = &pci_override_rank_cases[k];
		char modalias[96], dev_fields[7][16], alias[96], lv_fields[7][16];
		const char *lv_pick = NULL, *kernel_order[4] = { NULL };
		unsigned int lv_best = ~0u, wild;
		int nc = 0, i, j, lv_tie = 0, iface = 0, same_prio = 1, agree;

		const struct pci_override_rank_dev *dev = &pci_override_rank_dev;

		vv_modalias(modalias, sizeof(modalias), "vfio_pci", dev->vendor, dev->device,
			    dev->subvendor, dev->subdevice, dev->class);
		lv_parse(modalias + strlen("vfio_pci:"), dev_fields);
		for (i = 0; i < 3 && rc->drv[i].name; i++) {
			const struct pci_override_rank_drv *d = &rc->drv[i];
			int best = -1;

			same_prio &= d->priority == rc->drv[0].priority;
			for (j = 0; j < 2 && (d->ids[j].vendor || d->ids[j].class_mask); j++) {
				alias_of(alias, sizeof(alias), &d->ids[j]);
				/* the tool: fnmatch, the most specific matching alias */
				if (!fnmatch(alias, modalias, 0)) {
					int s = vv_alias_specificity(alias);

					best = s > best ? s : best;
					iface |= (d->ids[j].class_mask & 0xff) != 0;
				}
				/* libvirt: aliases in file order, fewest wildcards */
				if (!lv_parse(alias + strlen("vfio_pci:"), lv_fields) &&
				    lv_match(dev_fields, lv_fields, &wild)) {
					if (wild < lv_best) {
						lv_best = wild;
						lv_pick = d->name;
						lv_tie = 0;
					} else if (wild == lv_best && strcmp(d->name, lv_pick)) {
						lv_tie = 1;
					}
				}
			}
			if (best < 0)
				continue;
			memset(&c[nc], 0, sizeof(c[nc]));
			snprintf(c[nc].driver, sizeof(c[nc].driver), "%s", d->name);
			c[nc].priority = d->priority;
			c[nc].specificity = (unsigned int)best;
			nc++;
		}
		vv_rank(c, nc);
		for (i = 0; i < nc; i++)
			kernel_order[i] = c[i].driver;

		for (i = 0, j = 1; i < 4 && (kernel_order[i] || rc->order[i]); i++)
			j &= kernel_order[i] && rc->order[i] && !strcmp(kernel_order[i], rc->order[i]);
		ok(j, "the tool ranks as the kernel: %s", rc->what);
		ok(lv_pick && !strcmp(lv_pick, rc->libvirt),
		   "libvirt's own rule picks the case's choice: %s", rc->what);
		agree = lv_pick && !strcmp(lv_pick, rc->order[0]);
		if (same_prio && !lv_tie && !iface) {
			snprintf(what, sizeof(what), "equal priorities, no tie: libvirt and the kernel "
				 "pick %s: %s", rc->order[0], rc->what);
			ok(agree, "%s", what);
		}
	}

	printf("1..%d\n", n);
	return failed != 0;
}
