// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rank.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* the fields of a PCI modalias, in order, and how many hex digits each has */
static const struct {
	const char *tag;
	int digits;
} fields[] = {
	{ "v", 8 }, { "d", 8 }, { "sv", 8 }, { "sd", 8 },
	{ "bc", 2 }, { "sc", 2 }, { "i", 2 },
};

int vv_alias_specificity(const char *pattern)
{
	const char *p = strchr(pattern, ':');
	unsigned int fixed = 0;
	size_t i;

	if (!p)
		return -1;
	p++;
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		size_t tl = strlen(fields[i].tag);

		if (strncmp(p, fields[i].tag, tl))
			return -1;
		p += tl;
		if (*p == '*') {
			p++;
			continue;
		}
		for (int d = 0; d < fields[i].digits; d++, p++)
			if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'F')))
				return -1;
		fixed++;
	}
	/* modpost ends an alias whose last field is fixed with a '*' */
	if (*p == '*')
		p++;
	if (*p)
		return -1;
	return (int)fixed;
}

const char *vv_candidate_name(const struct vv_candidate *c)
{
	return c->driver[0] ? c->driver : c->module;
}

int vv_candidate_cmp(const struct vv_candidate *a, const struct vv_candidate *b)
{
	if (a->priority != b->priority)
		return a->priority > b->priority ? -1 : 1;
	if (a->specificity != b->specificity)
		return a->specificity > b->specificity ? -1 : 1;
	return strcmp(vv_candidate_name(a), vv_candidate_name(b));
}

static int cmp_qsort(const void *a, const void *b)
{
	return vv_candidate_cmp(a, b);
}

void vv_rank(struct vv_candidate *c, int n)
{
	if (n > 1)
		qsort(c, (size_t)n, sizeof(*c), cmp_qsort);
}

void vv_modalias(char *buf, unsigned int len, const char *prefix,
		 unsigned int vendor, unsigned int device, unsigned int subvendor,
		 unsigned int subdevice, unsigned int class)
{
	snprintf(buf, len, "%s:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X", prefix,
		 vendor, device, subvendor, subdevice, (class >> 16) & 0xff,
		 (class >> 8) & 0xff, class & 0xff);
}
