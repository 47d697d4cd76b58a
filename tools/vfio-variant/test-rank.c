// SPDX-License-Identifier: GPL-2.0
/* Unit tests of the tool's copy of the kernel's ranking rule (TAP). */
#include <stdio.h>
#include <string.h>

#include "rank.h"

static int n, failed;

static void ok(int cond, const char *what)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++n, what);
	failed += !cond;
}

static struct vv_candidate cand(const char *drv, int prio, unsigned int spec)
{
	struct vv_candidate c;

	memset(&c, 0, sizeof(c));
	snprintf(c.driver, sizeof(c.driver), "%s", drv);
	c.priority = prio;
	c.specificity = spec;
	return c;
}

int main(void)
{
	char buf[96];
	struct vv_candidate c[4];

	ok(vv_alias_specificity("vfio_pci:v*d*sv*sd*bc*sc*i*") == 0, "wildcard alias: 0");
	ok(vv_alias_specificity("vfio_pci:v00001234d000011E8sv*sd*bc*sc*i*") == 2 << 4,
	   "vendor+device alias");
	ok(vv_alias_specificity("vfio_pci:v000010DEd00001DB1sv000010DEsd00001212bc*sc*i*") ==
	   (2 << 4 | 2 << 2), "subsystem ids count next");
	ok(vv_alias_specificity("vfio_pci:v*d*sv*sd*bc03sc02i*") == 2, "class bytes count last");
	ok(vv_alias_specificity("vfio_pci:v*d*sv*sd*bc03sc*i*") <
	   vv_alias_specificity("vfio_pci:v*d*sv*sd*bc03sc02i*"), "base class < full class");
	ok(vv_alias_specificity("vfio_pci:v*d*sv*sd*bc*sc*i*") <
	   vv_alias_specificity("vfio_pci:v*d*sv*sd*bc03sc02i00"), "any < class");
	ok(vv_alias_specificity("vfio_pci:v*d*sv*sd*bc03sc02i00") <
	   vv_alias_specificity("vfio_pci:v00001234d*sv*sd*bc*sc*i*"), "class < vendor");
	ok(vv_alias_specificity("pci:v1234") == -1, "malformed alias refused");
	ok(vv_alias_specificity("nocolon") == -1, "no prefix refused");
	ok(vv_alias_specificity("vfio_pci:v0000123Gd*sv*sd*bc*sc*i*") == -1, "bad hex refused");
	ok(vv_alias_specificity("vfio_pci:v*d*sv*sd*bc*sc*i*x") == -1, "trailing junk refused");

	vv_modalias(buf, sizeof(buf), "vfio_pci", 0x1234, 0x11e8, 0x1af4, 0x1100, 0x00ff00);
	ok(!strcmp(buf, "vfio_pci:v00001234d000011E8sv00001AF4sd00001100bc00scFFi00"),
	   "modalias as the kernel requests it");
	ok(strlen(buf) == 58, "58 bytes: longer than MODULE_NAME_LEN");

	c[0] = cand("vfio-pci", 0, 0);
	c[1] = cand("edu-vfio-alt", 15, 32);
	c[2] = cand("edu-vfio-best", 20, 32);
	vv_rank(c, 3);
	ok(!strcmp(c[0].driver, "edu-vfio-best") && !strcmp(c[1].driver, "edu-vfio-alt") &&
	   !strcmp(c[2].driver, "vfio-pci"), "priority orders, whatever the names");

	c[0] = cand("a-by-class", 10, 2);
	c[1] = cand("z-by-id", 10, 32);
	vv_rank(c, 2);
	ok(!strcmp(c[0].driver, "z-by-id"), "equal priority: the more specific id");

	c[0] = cand("beta", 10, 32);
	c[1] = cand("alpha", 10, 32);
	vv_rank(c, 2);
	ok(!strcmp(c[0].driver, "alpha"), "full tie: the name that sorts first");

	c[0] = cand("", 10, 32);
	snprintf(c[0].module, sizeof(c[0].module), "mod_b");
	ok(!strcmp(vv_candidate_name(&c[0]), "mod_b"), "an unloaded candidate goes by its module");

	printf("1..%d\n", n);
	return failed != 0;
}
