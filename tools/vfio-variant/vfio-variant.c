// SPDX-License-Identifier: GPL-2.0
/*
 * vfio-variant: explain and apply the kernel's choice of vfio-pci driver
 * for a PCI device. See vfio-variant(8).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libkmod.h>
#include <pci/pci.h>

#include "rank.h"

#define BASE_DRIVER	"vfio-pci"
#define ALIAS_PREFIX	"vfio_pci"
#define MAX_CANDIDATES	32
#define PERSIST_FILE	"/etc/vfio-variant/persist"

enum exit_code {
	EXIT_OK = 0,
	EXIT_USAGE = 1,
	EXIT_NODEV = 2,
	EXIT_PERM = 3,
	EXIT_MODULE = 4,
	EXIT_BUSY = 5,
	EXIT_UNBOUND = 6,
	EXIT_SYSFS = 7,
};

struct device {
	char bdf[32];
	unsigned int vendor, device, subvendor, subdevice, class;
	char driver[64];
	char override[256];
	char group[32];
	char modalias[96];
};

struct ctx {
	const char *sysfs;
	const char *modules;	/* NULL: libkmod's default */
	struct kmod_ctx *kmod;
	struct pci_access *pacc;
	bool json;
	bool series;		/* the kernel ranks driver_override aliases */
	int timeout_ms;
	bool persist;		/* bind/unbind: record the choice for udev */
	bool by_id;		/* --persist: for every device with these ids */
	const char *persist_file;
};

static void err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void err(const char *fmt, ...)
{
	va_list ap;

	fputs("vfio-variant: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* --- sysfs ---------------------------------------------------------------- */

/* copy a string, cut to fit */
static void copy(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int path(char *buf, size_t len, const struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int path(char *buf, size_t len, const struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(buf, len, "%s/", c->sysfs);

	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	va_start(ap, fmt);
	n += vsnprintf(buf + n, len - (size_t)n, fmt, ap);
	va_end(ap);
	return (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* read one line of a sysfs file, without its newline; -errno on failure */
static int read_line(const char *file, char *buf, size_t len)
{
	FILE *f = fopen(file, "r");
	size_t n;

	if (!f)
		return -errno;
	errno = 0;
	if (!fgets(buf, (int)len, f)) {
		/* keep the reason: kernfs says ENODEV for a device being removed */
		int e = ferror(f) ? (errno ? -errno : -EIO) : 0;

		fclose(f);
		buf[0] = '\0';
		return e;
	}
	fclose(f);
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

static int read_hex(const char *file, unsigned int *val)
{
	char buf[32], *end;
	int ret = read_line(file, buf, sizeof(buf));

	if (ret)
		return ret;
	errno = 0;
	*val = (unsigned int)strtoul(buf, &end, 16);
	return (errno || end == buf) ? -EINVAL : 0;
}

static int write_str(const char *file, const char *s)
{
	FILE *f = fopen(file, "w");
	int ret = 0;

	if (!f)
		return -errno;
	if (fputs(s, f) < 0)
		ret = -errno;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

/* basename of a symlink's target, or "" if there is no link */
static void link_name(const char *link, char *buf, size_t len)
{
	char target[PATH_MAX];
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	const char *b;

	buf[0] = '\0';
	if (n < 0)
		return;
	target[n] = '\0';
	b = strrchr(target, '/');
	copy(buf, len, b ? b + 1 : target);
}

static bool valid_bdf(const char *s)
{
	size_t n = strlen(s), i;

	/* a domain of 4 to 8 hex digits (Linux prints %04x: VMD's are 5), :bb:dd.f */
	if (n < 12 || n > 16 || s[n - 8] != ':' || s[n - 5] != ':' || s[n - 2] != '.')
		return false;
	for (i = 0; i < n; i++)
		if (i != n - 8 && i != n - 5 && i != n - 2 && !isxdigit((unsigned char)s[i]))
			return false;
	return strtoul(s + n - 4, NULL, 16) < 32 && s[n - 1] >= '0' && s[n - 1] <= '7';
}

static int read_device(const struct ctx *c, const char *bdf, struct device *d)
{
	static const char *const ids[] = { "vendor", "device", "subsystem_vendor",
					   "subsystem_device", "class" };
	unsigned int *vals[] = { &d->vendor, &d->device, &d->subvendor,
				 &d->subdevice, &d->class };
	char p[PATH_MAX];
	size_t i;
	int ret;

	memset(d, 0, sizeof(*d));
	copy(d->bdf, sizeof(d->bdf), bdf);
	for (i = 0; i < 5; i++) {
		if (path(p, sizeof(p), c, "bus/pci/devices/%s/%s", bdf, ids[i]))
			return -ENAMETOOLONG;
		ret = read_hex(p, vals[i]);
		if (ret)
			return ret;
	}
	path(p, sizeof(p), c, "bus/pci/devices/%s/driver", bdf);
	link_name(p, d->driver, sizeof(d->driver));
	path(p, sizeof(p), c, "bus/pci/devices/%s/iommu_group", bdf);
	link_name(p, d->group, sizeof(d->group));
	path(p, sizeof(p), c, "bus/pci/devices/%s/driver_override", bdf);
	if (read_line(p, d->override, sizeof(d->override)) || !strcmp(d->override, "(null)"))
		d->override[0] = '\0';
	vv_modalias(d->modalias, sizeof(d->modalias), ALIAS_PREFIX, d->vendor,
		    d->device, d->subvendor, d->subdevice, d->class);
	return 0;
}

/* the module a loaded driver belongs to ("" for none) */
static void driver_module(const struct ctx *c, const char *drv, char *buf, size_t len)
{
	char p[PATH_MAX];

	path(p, sizeof(p), c, "bus/pci/drivers/%s/module", drv);
	link_name(p, buf, len);
}

/* --- candidates ----------------------------------------------------------- */

/*
 * A module's vfio_pci: aliases and the driver name and priority its
 * modinfo gives (override_priority=<driver>:<priority>, which
 * VFIO_PCI_VARIANT_MODULE_INFO() writes), read once: reading them parses
 * the module file, which a list of many devices would otherwise do for
 * every device.
 */
struct module_aliases {
	char module[64];
	char **alias;
	int n;
	char driver[64];	/* "" if modinfo does not say */
	int priority;
};

static struct module_aliases alias_cache[64];
static int alias_cached;

static const struct module_aliases *module_aliases(struct kmod_module *mod)
{
	struct module_aliases *m;
	struct kmod_list *info = NULL, *l;
	const char *name = kmod_module_get_name(mod);
	int i;

	for (i = 0; i < alias_cached; i++)
		if (!strcmp(alias_cache[i].module, name))
			return &alias_cache[i];
	if (alias_cached == (int)(sizeof(alias_cache) / sizeof(alias_cache[0])) ||
	    kmod_module_get_info(mod, &info) < 0)
		return NULL;
	m = &alias_cache[alias_cached++];
	copy(m->module, sizeof(m->module), name);
	kmod_list_foreach(l, info) {
		const char *v = kmod_module_info_get_value(l);
		const char *colon = strrchr(v, ':');
		char **grown;

		if (!strcmp(kmod_module_info_get_key(l), "override_priority") && colon &&
		    !m->driver[0] && colon - v < (long)sizeof(m->driver)) {
			memcpy(m->driver, v, (size_t)(colon - v));
			m->driver[colon - v] = '\0';
			m->priority = atoi(colon + 1);
			continue;
		}
		if (strcmp(kmod_module_info_get_key(l), "alias") ||
		    strncmp(v, ALIAS_PREFIX ":", sizeof(ALIAS_PREFIX)))
			continue;
		grown = realloc(m->alias, (m->n + 1) * sizeof(*m->alias));
		if (!grown)
			break;
		m->alias = grown;
		m->alias[m->n] = strdup(v);
		if (m->alias[m->n])
			m->n++;
	}
	kmod_module_info_free_list(info);
	return m;
}

/*
 * The best specificity among @mod's aliases that match the device; the
 * driver name and priority its modinfo gives go to @cand.
 */
static int module_match(struct kmod_module *mod, const char *modalias,
			struct vv_candidate *cand)
{
	const struct module_aliases *m = module_aliases(mod);
	char *alias = cand->alias;
	size_t len = sizeof(cand->alias);
	int best = -1, i;

	if (m && m->driver[0]) {
		copy(cand->modinfo_driver, sizeof(cand->modinfo_driver), m->driver);
		cand->modinfo_priority = m->priority;
	}

	for (i = 0; m && i < m->n; i++) {
		int s;

		if (fnmatch(m->alias[i], modalias, 0))
			continue;
		s = vv_alias_specificity(m->alias[i]);
		if (s > best) {
			best = s;
			copy(alias, len, m->alias[i]);
		}
	}
	return best;
}

/* fill the driver, priority and loaded state of a candidate from sysfs */
static void candidate_from_sysfs(const struct ctx *c, struct vv_candidate *cand)
{
	char p[PATH_MAX], buf[32];
	struct dirent *e;
	DIR *dir;

	if (!cand->driver[0] && cand->module[0]) {
		/* a loaded module lists its drivers as pci:<name> */
		path(p, sizeof(p), c, "module/%s/drivers", cand->module);
		dir = opendir(p);
		while (dir && (e = readdir(dir)))
			if (!strncmp(e->d_name, "pci:", 4))
				copy(cand->driver, sizeof(cand->driver), e->d_name + 4);
		if (dir)
			closedir(dir);
	}
	cand->loaded = cand->driver[0];
	if (cand->loaded) {
		path(p, sizeof(p), c, "bus/pci/drivers/%s/override_priority", cand->driver);
		if (!read_line(p, buf, sizeof(buf))) {
			cand->priority = atoi(buf);
			cand->priority_known = true;
			return;
		}
	}
	/* not loaded, or a kernel without the series: what modinfo says */
	if (cand->modinfo_driver[0]) {
		if (!cand->driver[0])
			copy(cand->driver, sizeof(cand->driver), cand->modinfo_driver);
		cand->priority = cand->modinfo_priority;
		cand->priority_known = true;
		return;
	}
	cand->priority = strcmp(cand->module, ALIAS_PREFIX) ? VV_VARIANT_PRIORITY : 0;
	cand->priority_known = false;
}

/*
 * The drivers driver_override=vfio-pci can bind: the modules whose vfio_pci:
 * aliases match the device (libkmod, loaded or not), and vfio-pci itself if
 * it is loaded or built in without a module index. Returns the count, sorted
 * in probe order, or -errno.
 */
static int candidates(const struct ctx *c, const struct device *d,
		      struct vv_candidate *out, int max)
{
	struct kmod_list *mods = NULL, *l;
	char p[PATH_MAX];
	int n = 0, ret;
	bool have_base = false;

	ret = kmod_module_new_from_lookup(c->kmod, d->modalias, &mods);
	if (ret < 0)
		return ret;
	kmod_list_foreach(l, mods) {
		struct kmod_module *mod = kmod_module_get_module(l);
		struct vv_candidate *cand = &out[n];
		int s;

		memset(cand, 0, sizeof(*cand));
		s = module_match(mod, d->modalias, cand);
		copy(cand->module, sizeof(cand->module), kmod_module_get_name(mod));
		kmod_module_unref(mod);
		if (s < 0 || n >= max)
			continue;
		cand->specificity = (unsigned int)s;
		candidate_from_sysfs(c, cand);
		if (!strcmp(cand->module, ALIAS_PREFIX))
			have_base = true;
		n++;
	}
	kmod_module_unref_list(mods);

	/* vfio-pci built in or loaded without an index entry still counts */
	path(p, sizeof(p), c, "bus/pci/drivers/" BASE_DRIVER);
	if (!have_base && !access(p, F_OK) && n < max) {
		memset(&out[n], 0, sizeof(out[n]));
		snprintf(out[n].driver, sizeof(out[n].driver), BASE_DRIVER);
		driver_module(c, BASE_DRIVER, out[n].module, sizeof(out[n].module));
		snprintf(out[n].alias, sizeof(out[n].alias), "(driver_override names it)");
		candidate_from_sysfs(c, &out[n]);
		n++;
	}
	vv_rank(out, n);
	return n;
}

/*
 * Does the kernel rank driver_override aliases? With the series, every PCI
 * driver has an override_priority file.
 */
static bool kernel_ranks(const struct ctx *c)
{
	char p[PATH_MAX];
	struct dirent *e;
	bool ranks = false;
	DIR *dir;

	path(p, sizeof(p), c, "bus/pci/drivers");
	dir = opendir(p);
	while (dir && !ranks && (e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		path(p, sizeof(p), c, "bus/pci/drivers/%s/override_priority", e->d_name);
		ranks = !access(p, F_OK);
	}
	if (dir)
		closedir(dir);
	return ranks;
}

/* --- output --------------------------------------------------------------- */

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static const char *device_name(const struct ctx *c, const struct device *d,
			       char *buf, size_t len)
{
	if (!c->pacc)
		return "";
	return pci_lookup_name(c->pacc, buf, (int)len, PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE,
			       d->vendor, d->device);
}

static void print_device(const struct ctx *c, const struct device *d,
			 const struct vv_candidate *cand, int n, bool first)
{
	char name[256];
	int i;

	device_name(c, d, name, sizeof(name));
	if (c->json) {
		printf("%s\n  {\"address\": ", first ? "" : ",");
		json_str(d->bdf);
		printf(", \"vendor\": \"%04x\", \"device\": \"%04x\"", d->vendor, d->device);
		printf(", \"subsystem_vendor\": \"%04x\", \"subsystem_device\": \"%04x\"",
		       d->subvendor, d->subdevice);
		printf(", \"class\": \"%06x\", \"name\": ", d->class);
		json_str(name);
		printf(", \"driver\": ");
		d->driver[0] ? json_str(d->driver) : (void)printf("null");
		printf(", \"driver_override\": ");
		d->override[0] ? json_str(d->override) : (void)printf("null");
		printf(", \"iommu_group\": ");
		d->group[0] ? json_str(d->group) : (void)printf("null");
		printf(", \"candidates\": [");
		for (i = 0; i < n; i++) {
			printf("%s{\"driver\": ", i ? ", " : "");
			cand[i].driver[0] ? json_str(cand[i].driver) : (void)printf("null");
			printf(", \"module\": ");
			cand[i].module[0] ? json_str(cand[i].module) : (void)printf("null");
			printf(", \"loaded\": %s, \"priority\": %d, \"priority_known\": %s, "
			       "\"specificity\": %u, \"chosen\": %s}",
			       cand[i].loaded ? "true" : "false", cand[i].priority,
			       cand[i].priority_known ? "true" : "false",
			       cand[i].specificity, i == 0 ? "true" : "false");
		}
		printf("]}");
		return;
	}
	printf("%s %04x:%04x %s\n", d->bdf, d->vendor, d->device, name);
	printf("\tdriver: %s  override: %s  iommu group: %s\n", d->driver[0] ? d->driver : "-",
	       d->override[0] ? d->override : "-", d->group[0] ? d->group : "-");
	for (i = 0; i < n; i++)
		printf("\t%s %-24s module %-20s priority %3d%s  specificity %2u%s\n",
		       i == 0 ? "*" : " ", vv_candidate_name(&cand[i]),
		       cand[i].module[0] ? cand[i].module : "(built in)", cand[i].priority,
		       cand[i].priority_known ? "" : "?", cand[i].specificity,
		       cand[i].loaded ? "" : "  (not loaded)");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmd_list(struct ctx *c)
{
	struct vv_candidate cand[MAX_CANDIDATES];
	char p[PATH_MAX], **names = NULL;
	struct dirent *e;
	size_t n = 0, i;
	DIR *dir;
	int ret = EXIT_OK;

	path(p, sizeof(p), c, "bus/pci/devices");
	dir = opendir(p);
	if (!dir) {
		err("cannot read %s: %s (is sysfs mounted?)", p, strerror(errno));
		return EXIT_SYSFS;
	}
	while ((e = readdir(dir))) {
		char **more;

		if (e->d_name[0] == '.')
			continue;
		more = realloc(names, (n + 1) * sizeof(*names));
		if (!more)
			break;
		names = more;
		names[n] = strdup(e->d_name);
		if (names[n])
			n++;
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	if (c->json)
		printf("[");
	for (i = 0; i < n; i++) {
		struct device d;
		int k;

		if (read_device(c, names[i], &d)) {
			err("%s: cannot read its ids, skipped", names[i]);
			ret = EXIT_SYSFS;
			continue;
		}
		k = candidates(c, &d, cand, MAX_CANDIDATES);
		print_device(c, &d, cand, k < 0 ? 0 : k, i == 0);
	}
	if (c->json)
		printf("\n]\n");
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ret;
}

/* hot-removed while we were working on it */
static bool device_gone(const struct ctx *c, const char *bdf)
{
	char p[PATH_MAX];

	path(p, sizeof(p), c, "bus/pci/devices/%s", bdf);
	return access(p, F_OK) != 0;
}

static int gone(const char *bdf)
{
	err("%s: the device went away while being bound or released (hot-removed?); "
	    "nothing is left to undo", bdf);
	return EXIT_NODEV;
}

static int open_device(struct ctx *c, const char *bdf, struct device *d)
{
	int ret;

	if (!valid_bdf(bdf)) {
		err("'%s' is not a PCI address: use the DDDD:BB:DD.F form 'lspci -D' prints", bdf);
		return EXIT_USAGE;
	}
	ret = read_device(c, bdf, d);
	if (ret == -ENOENT) {
		err("%s: no such PCI device (see 'lspci -D')", bdf);
		return EXIT_NODEV;
	}
	if (ret && (ret == -ENODEV || device_gone(c, bdf)))
		return gone(bdf);
	if (ret) {
		err("%s: cannot read its ids in sysfs: %s", bdf, strerror(-ret));
		return EXIT_SYSFS;
	}
	return EXIT_OK;
}

static void explain(const struct ctx *c, const struct device *d,
		    const struct vv_candidate *cand, int n)
{
	int i, bound = -1;

	print_device(c, d, cand, n, true);
	putchar('\n');
	if (!n) {
		printf("No vfio-pci driver can take %s: neither vfio-pci nor a variant for\n"
		       "it is loaded or installed (modprobe vfio-pci).\n", d->bdf);
		return;
	}
	for (i = 0; i < n; i++)
		if (d->driver[0] && !strcmp(cand[i].driver, d->driver))
			bound = i;
	printf("With driver_override=vfio-pci the kernel probes, in this order:\n");
	for (i = 0; i < n; i++) {
		printf("  %d. %s: priority %d%s, ", i + 1, vv_candidate_name(&cand[i]),
		       cand[i].priority,
		       cand[i].priority_known ? "" : " (assumed: read once its module is loaded)");
		if (!strcmp(vv_candidate_name(&cand[i]), BASE_DRIVER))
			printf("the base driver, matches any device");
		else
			printf("matches through alias %s (specificity %u)", cand[i].alias,
			       cand[i].specificity);
		printf("%s\n", cand[i].loaded ? "" : "; not loaded: writing the override loads it");
	}
	printf("Order: higher priority first, then the more specific id, then the name.\n");
	if (bound > 0)
		printf("%s is bound to %s: the driver(s) ranked above it declined the device\n"
		       "in their probe (see dmesg), so the kernel fell back.\n", d->bdf, d->driver);
	else if (bound == 0)
		printf("%s is bound to %s, the first choice.\n", d->bdf, d->driver);
	else if (d->driver[0])
		printf("%s is bound to %s, not a vfio-pci driver: 'vfio-variant bind %s'\n"
		       "hands it to %s.\n", d->bdf, d->driver, d->bdf, vv_candidate_name(&cand[0]));
}

static int cmd_explain(struct ctx *c, const char *bdf)
{
	struct vv_candidate cand[MAX_CANDIDATES];
	struct device d;
	int ret = open_device(c, bdf, &d), n;

	if (ret)
		return ret;
	n = candidates(c, &d, cand, MAX_CANDIDATES);
	if (n < 0) {
		err("%s: module index lookup failed: %s (run depmod?)", bdf, strerror(-n));
		return EXIT_MODULE;
	}
	c->json = false;
	explain(c, &d, cand, n);
	return EXIT_OK;
}

static int load_modules(struct ctx *c, const struct vv_candidate *cand, int n)
{
	int i, ret = 0;

	for (i = 0; i < n; i++) {
		struct kmod_module *mod;

		if (cand[i].loaded || !cand[i].module[0])
			continue;
		if (kmod_module_new_from_name(c->kmod, cand[i].module, &mod) < 0)
			continue;
		ret = kmod_module_probe_insert_module(mod, KMOD_PROBE_IGNORE_LOADED,
						      NULL, NULL, NULL, NULL);
		if (ret < 0)
			err("cannot load module %s: %s", cand[i].module, strerror(-ret));
		kmod_module_unref(mod);
	}
	return ret < 0 ? ret : 0;
}

static bool wait_for_driver(const struct ctx *c, const char *bdf, char *drv, size_t len)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	char p[PATH_MAX];
	int waited;

	path(p, sizeof(p), c, "bus/pci/devices/%s/driver", bdf);
	for (waited = 0; waited <= c->timeout_ms; waited += 20) {
		link_name(p, drv, len);
		if (drv[0])
			return true;
		if (device_gone(c, bdf))
			return false;
		nanosleep(&ts, NULL);
	}
	return false;
}

/* other devices of the group bound to a host driver keep it from VFIO use */
static void warn_group(const struct ctx *c, const struct device *d)
{
	char p[PATH_MAX], q[PATH_MAX], drv[64], al[64];
	struct dirent *e;
	DIR *dir;

	if (!d->group[0])
		return;
	path(p, sizeof(p), c, "kernel/iommu_groups/%s/devices", d->group);
	dir = opendir(p);
	while (dir && (e = readdir(dir))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, d->bdf))
			continue;
		path(q, sizeof(q), c, "bus/pci/devices/%s/driver", e->d_name);
		link_name(q, drv, sizeof(drv));
		if (!drv[0] || !strcmp(drv, BASE_DRIVER) || !strcmp(drv, "pcieport") ||
		    !strcmp(drv, "pci-stub"))
			continue;
		path(q, sizeof(q), c, "bus/pci/drivers/%s/override_alias", drv);
		if (!read_line(q, al, sizeof(al)) && !strcmp(al, BASE_DRIVER))
			continue;
		err("warning: %s shares IOMMU group %s with %s, bound to %s: the group is "
		    "not viable for VFIO until it is unbound or given to vfio-pci too",
		    d->bdf, d->group, e->d_name, drv);
	}
	if (dir)
		closedir(dir);
}

static int set_override_and_probe(struct ctx *c, const struct device *d, const char *value)
{
	char p[PATH_MAX];
	int ret;

	path(p, sizeof(p), c, "bus/pci/devices/%s/driver_override", d->bdf);
	ret = write_str(p, value);
	if (ret && device_gone(c, d->bdf))
		return gone(d->bdf);
	if (ret) {
		err("%s: cannot write driver_override: %s%s", d->bdf, strerror(-ret),
		    ret == -EACCES || ret == -EPERM ? " (run as root)" : "");
		return ret == -EACCES || ret == -EPERM ? EXIT_PERM : EXIT_SYSFS;
	}
	if (d->driver[0]) {
		path(p, sizeof(p), c, "bus/pci/drivers/%s/unbind", d->driver);
		ret = write_str(p, d->bdf);
		if (ret && ret != -ENODEV) {
			err("%s: cannot unbind it from %s: %s (is it in use?)", d->bdf, d->driver,
			    strerror(-ret));
			return EXIT_BUSY;
		}
	}
	path(p, sizeof(p), c, "bus/pci/drivers_probe");
	ret = write_str(p, d->bdf);
	if (ret && ret != -ENODEV && ret != -EINVAL) {
		err("%s: drivers_probe failed: %s", d->bdf, strerror(-ret));
		return EXIT_SYSFS;
	}
	return EXIT_OK;
}

/* --- persistence (udev/60-vfio-variant.rules reads it) --------------------- */

/*
 * The persisted choices, one per line: a PCI address ("0000:01:00.0") or
 * vendor:device ids ("10de:1db1") of devices to give to vfio-pci whenever
 * they appear. '#' starts a comment.
 */
static bool persisted(const struct ctx *c, const struct device *d)
{
	char line[128], ids[16];
	FILE *f = fopen(c->persist_file, "r");
	bool found = false;

	if (!f)
		return false;
	snprintf(ids, sizeof(ids), "%04x:%04x", d->vendor, d->device);
	while (!found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "# \t\n")] = '\0';
		found = !strcasecmp(line, d->bdf) || !strcasecmp(line, ids);
	}
	fclose(f);
	return found;
}

/* add (@add) or remove the entry @key, atomically replacing the file */
static int persist_update(const struct ctx *c, const char *key, bool add)
{
	char tmp[PATH_MAX], line[128], entry[128];
	bool present = false;
	FILE *in, *out;
	int ret = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", c->persist_file) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	out = fopen(tmp, "w");
	if (!out)
		return -errno;
	in = fopen(c->persist_file, "r");
	if (!in)
		fprintf(out, "# Devices given to vfio-pci at boot and hotplug, by address or\n"
			     "# vendor:device; written by 'vfio-variant bind --persist'.\n");
	while (in && fgets(line, sizeof(line), in)) {
		copy(entry, sizeof(entry), line);
		entry[strcspn(entry, "# \t\n")] = '\0';
		if (entry[0] && !strcasecmp(entry, key)) {
			present = true;
			if (!add)
				continue;
		}
		fputs(line, out);
	}
	if (in)
		fclose(in);
	if (add && !present)
		fprintf(out, "%s\n", key);
	if (fclose(out))
		ret = -errno;
	if (!ret && rename(tmp, c->persist_file))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

static int persist(const struct ctx *c, const struct device *d, bool add)
{
	char key[32];
	int ret;

	if (c->by_id)
		snprintf(key, sizeof(key), "%04x:%04x", d->vendor, d->device);
	else
		copy(key, sizeof(key), d->bdf);
	ret = persist_update(c, key, add);
	if (ret) {
		err("cannot update %s: %s%s", c->persist_file, strerror(-ret),
		    ret == -EACCES ? " (run as root)" : "");
		return ret == -EACCES ? EXIT_PERM : EXIT_SYSFS;
	}
	printf("%s: %s %s %s\n", d->bdf, add ? "recorded" : "removed", key,
	       add ? "for udev" : "from the persisted choices");
	return EXIT_OK;
}

/* udev PROGRAM: exit 0 if the device was persisted */
static int cmd_persisted(struct ctx *c, const char *bdf)
{
	struct device d;
	int ret = open_device(c, bdf, &d);

	if (ret)
		return ret;
	return persisted(c, &d) ? EXIT_OK : EXIT_NODEV;
}

/*
 * udev RUN, after the rule set driver_override: if a host driver won the
 * race with the rule and holds the device, release it and probe again.
 */
static int cmd_reprobe(struct ctx *c, const char *bdf)
{
	struct vv_candidate cand[MAX_CANDIDATES];
	struct device d;
	int ret = open_device(c, bdf, &d), n, i;

	if (ret)
		return ret;
	if (!d.override[0]) {
		err("%s: no driver_override set; nothing to do", bdf);
		return EXIT_USAGE;
	}
	n = candidates(c, &d, cand, MAX_CANDIDATES);
	for (i = 0; i < n; i++)
		if (d.driver[0] && !strcmp(cand[i].driver, d.driver))
			return EXIT_OK;
	return set_override_and_probe(c, &d, d.override);
}

static int cmd_bind(struct ctx *c, const char *bdf)
{
	struct vv_candidate cand[MAX_CANDIDATES];
	char drv[64], want[64];
	struct device d;
	int ret = open_device(c, bdf, &d), n, i;

	if (ret)
		return ret;
	n = candidates(c, &d, cand, MAX_CANDIDATES);
	if (n <= 0) {
		err("%s: no vfio-pci driver found for %04x:%04x: install and load vfio-pci "
		    "(modprobe vfio-pci)", bdf, d.vendor, d.device);
		return EXIT_MODULE;
	}
	if (load_modules(c, cand, n))
		return EXIT_MODULE;
	/* loaded now: real driver names and priorities */
	n = candidates(c, &d, cand, MAX_CANDIDATES);
	if (n <= 0 || !cand[0].driver[0]) {
		err("%s: the vfio-pci modules loaded but registered no driver", bdf);
		return EXIT_MODULE;
	}
	copy(want, sizeof(want), cand[0].driver);
	/* a kernel without the series binds only the driver it is told */
	ret = set_override_and_probe(c, &d, c->series ? BASE_DRIVER : want);
	if (ret)
		return ret;
	warn_group(c, &d);
	if (!wait_for_driver(c, bdf, drv, sizeof(drv))) {
		if (device_gone(c, bdf))
			return gone(bdf);
		err("%s: no driver bound within %d ms; 'vfio-variant explain %s' shows the "
		    "candidates, dmesg their probe errors", bdf, c->timeout_ms, bdf);
		return EXIT_UNBOUND;
	}
	for (i = 0; i < n && strcmp(cand[i].driver, drv); i++)
		;
	if (i == n) {
		err("%s: bound to %s, which is not a vfio-pci driver: it was not released "
		    "(is the device in use?)", bdf, drv);
		return EXIT_UNBOUND;
	}
	printf("%s: bound to %s (predicted %s)\n", bdf, drv, want);
	if (strcmp(drv, want))
		printf("%s: %s declined the device; the kernel fell back to %s\n", bdf, want, drv);
	return c->persist ? persist(c, &d, true) : EXIT_OK;
}

static int cmd_unbind(struct ctx *c, const char *bdf)
{
	char drv[64];
	struct device d;
	int ret = open_device(c, bdf, &d);

	if (ret)
		return ret;
	if (c->persist) {
		ret = persist(c, &d, false);
		if (ret)
			return ret;
	}
	ret = set_override_and_probe(c, &d, "\n");
	if (ret)
		return ret;
	if (wait_for_driver(c, bdf, drv, sizeof(drv)))
		printf("%s: bound to %s\n", bdf, drv);
	else
		printf("%s: no driver bound (no native driver is loaded for it)\n", bdf);
	return EXIT_OK;
}

/* a missing pci.ids only costs the names */
static void pci_quiet(char *msg, ...)
{
	(void)msg;
}

static void PCI_NONRET pci_fatal(char *msg, ...)
{
	va_list ap;

	fputs("vfio-variant: libpci: ", stderr);
	va_start(ap, msg);
	vfprintf(stderr, msg, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_SYSFS);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: vfio-variant [OPTIONS] COMMAND [BDF]\n"
		"Explain and apply the kernel's choice of vfio-pci driver for PCI devices.\n\n"
		"Commands:\n"
		"  list            every PCI device with its driver, override, IOMMU group and\n"
		"                  vfio-pci candidates; '*' marks the one the kernel would bind\n"
		"  explain BDF     why that candidate wins, in words\n"
		"  bind BDF        load the candidates, set driver_override=vfio-pci, unbind,\n"
		"                  probe, and report the driver that bound\n"
		"  unbind BDF      clear driver_override and reprobe, so the native driver returns\n"
		"  persisted BDF   exit 0 if the device is in the persisted choices (for udev)\n"
		"  reprobe BDF     release the device from a host driver that holds it despite\n"
		"                  its driver_override, and probe again (for udev)\n\n"
		"Options:\n"
		"  -j, --json           list as JSON\n"
		"  -s, --sysfs DIR      sysfs root (default /sys)\n"
		"  -m, --modules DIR    module directory for libkmod (default /lib/modules/$(uname -r))\n"
		"  -t, --timeout MS     how long bind/unbind wait for a driver (default 5000)\n"
		"  -p, --persist        bind/unbind: add/remove the device in the persisted\n"
		"                       choices that udev applies at boot and hotplug\n"
		"      --by-id          with --persist: every device with the same vendor:device\n"
		"  -f, --persist-file F the persisted choices (default " PERSIST_FILE ")\n"
		"  -h, --help           this text\n\n"
		"Exit status: 0 ok, 1 usage, 2 no such device, 3 permission denied (run as root),\n"
		"4 module not found or not loadable, 5 device busy, 6 nothing bound,\n"
		"7 sysfs unreadable. See vfio-variant(8).\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "sysfs", required_argument, NULL, 's' },
		{ "modules", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "persist", no_argument, NULL, 'p' },
		{ "by-id", no_argument, NULL, 'I' },
		{ "persist-file", required_argument, NULL, 'f' },
		{}
	};
	struct ctx c = { .sysfs = "/sys", .timeout_ms = 5000,
			 .persist_file = PERSIST_FILE };
	const char *cmd;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "js:m:t:hpf:", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			c.json = true;
			break;
		case 's':
			c.sysfs = optarg;
			break;
		case 'm':
			c.modules = optarg;
			break;
		case 't':
			c.timeout_ms = atoi(optarg);
			break;
		case 'p':
			c.persist = true;
			break;
		case 'I':
			c.by_id = true;
			break;
		case 'f':
			c.persist_file = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind];
	if (strcmp(cmd, "list") && optind + 2 != argc) {
		err("'%s' takes one PCI address, e.g. 0000:01:00.0", cmd);
		return EXIT_USAGE;
	}

	c.kmod = kmod_new(c.modules, NULL);
	if (!c.kmod) {
		err("cannot open the module index%s%s", c.modules ? " in " : "",
		    c.modules ? c.modules : "");
		return EXIT_MODULE;
	}
	if (kmod_load_resources(c.kmod) < 0) {
		err("no module index (modules.alias.bin) in %s: run depmod",
		    c.modules ? c.modules : "/lib/modules/$(uname -r)");
		kmod_unref(c.kmod);
		return EXIT_MODULE;
	}
	/* only for names from pci.ids: no access method, so no pci_init() */
	c.pacc = pci_alloc();
	if (c.pacc) {
		c.pacc->error = pci_fatal;
		c.pacc->warning = pci_quiet;
		c.pacc->debug = pci_quiet;
	}
	c.series = kernel_ranks(&c);

	if (!strcmp(cmd, "list")) {
		ret = cmd_list(&c);
	} else if (!strcmp(cmd, "explain")) {
		ret = cmd_explain(&c, argv[optind + 1]);
	} else if (!strcmp(cmd, "bind")) {
		ret = cmd_bind(&c, argv[optind + 1]);
	} else if (!strcmp(cmd, "unbind")) {
		ret = cmd_unbind(&c, argv[optind + 1]);
	} else if (!strcmp(cmd, "persisted")) {
		ret = cmd_persisted(&c, argv[optind + 1]);
	} else if (!strcmp(cmd, "reprobe")) {
		ret = cmd_reprobe(&c, argv[optind + 1]);
	} else {
		err("unknown command '%s'", cmd);
		usage(stderr);
		ret = EXIT_USAGE;
	}
	if (c.pacc)
		pci_cleanup(c.pacc);
	kmod_unref(c.kmod);
	return ret;
}
