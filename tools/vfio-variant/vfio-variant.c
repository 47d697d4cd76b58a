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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libkmod.h>
#include <pci/pci.h>

#include "rank.h"

#define BASE_DRIVER	"vfio-pci"
#define ALIAS_PREFIX	"vfio_pci"
#define MAX_CANDIDATES	32
#define PERSIST_DIR	"/etc/vfio-variant"
#define MAX_CMDLINE_PRIO	8	/* as many as the kernel keeps */

#ifndef VV_VERSION
#define VV_VERSION	"unknown"
#endif

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
	char driver_alias[64];	/* the bound driver's override_alias, "" if none */
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
	bool force;		/* bind/unbind even where it would be a no-op */
	const char *persist_dir;
	const char *cmdline;	/* the kernel command line, for pci=override_priority= */
	/* pci=override_priority=DRIVER:PRIORITY from the kernel command line */
	struct {
		char driver[64];
		int priority;
	} cmdline_prio[MAX_CMDLINE_PRIO];
	int n_cmdline_prio;
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
	path(p, sizeof(p), c, "bus/pci/drivers/%s/override_alias", d->driver);
	if (!d->driver[0] || read_line(p, d->driver_alias, sizeof(d->driver_alias)))
		d->driver_alias[0] = '\0';
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

/*
 * The kernel command line's pci=override_priority=DRIVER:PRIORITY options,
 * read as the kernel reads them (drivers/pci/pci.c, pci_setup()): options of
 * every pci= parameter, separated by commas, the first eight kept, the first
 * one naming a driver counts. A module loaded later registers its driver
 * with that priority instead of its own.
 */
static void read_cmdline(struct ctx *c)
{
	char buf[4096], *tok, *save = NULL;
	FILE *f = fopen(c->cmdline, "r");

	if (!f)
		return;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	for (tok = strtok_r(buf, " \t\n", &save); tok; tok = strtok_r(NULL, " \t\n", &save)) {
		char *opt, *osave = NULL;

		if (strncmp(tok, "pci=", 4))
			continue;
		for (opt = strtok_r(tok + 4, ",", &osave); opt; opt = strtok_r(NULL, ",", &osave)) {
			const char *v = opt + strlen("override_priority=");
			const char *colon = strrchr(v, ':');
			char *end;
			long prio;

			if (strncmp(opt, "override_priority=", strlen("override_priority=")) ||
			    !colon || c->n_cmdline_prio == MAX_CMDLINE_PRIO)
				continue;
			errno = 0;
			prio = strtol(colon + 1, &end, 10);
			if (errno || end == colon + 1 || *end || prio < INT_MIN || prio > INT_MAX ||
			    colon - v >= (long)sizeof(c->cmdline_prio[0].driver))
				continue;
			memcpy(c->cmdline_prio[c->n_cmdline_prio].driver, v, (size_t)(colon - v));
			c->cmdline_prio[c->n_cmdline_prio].driver[colon - v] = '\0';
			c->cmdline_prio[c->n_cmdline_prio++].priority = (int)prio;
		}
	}
}

static bool cmdline_priority(const struct ctx *c, const char *driver, int *prio)
{
	int i;

	for (i = 0; i < c->n_cmdline_prio; i++)
		if (!strcmp(c->cmdline_prio[i].driver, driver)) {
			*prio = c->cmdline_prio[i].priority;
			return true;
		}
	return false;
}

/*
 * Fill the driver, priority and loaded state of a candidate: a loaded
 * driver's priority is the kernel's (sysfs); a module not loaded yet will
 * register its driver with the priority the kernel command line gives it,
 * else the one its modinfo records. vfio-pci itself has priority 0.
 */
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
	/* not loaded, or a kernel without the series */
	if (!cand->driver[0] && cand->modinfo_driver[0])
		copy(cand->driver, sizeof(cand->driver), cand->modinfo_driver);
	if (!cand->driver[0] && !strcmp(cand->module, ALIAS_PREFIX))
		copy(cand->driver, sizeof(cand->driver), BASE_DRIVER);
	cand->priority_known = true;
	if (cand->driver[0] && cmdline_priority(c, cand->driver, &cand->priority)) {
		cand->priority_cmdline = true;
		return;
	}
	if (cand->modinfo_driver[0] && !strcmp(cand->driver, cand->modinfo_driver)) {
		cand->priority = cand->modinfo_priority;
		return;
	}
	if (!strcmp(cand->driver, BASE_DRIVER)) {
		cand->priority = 0;
		return;
	}
	/* a module whose modinfo does not say: the default a variant gets */
	cand->priority = VV_VARIANT_PRIORITY;
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

/*
 * One device. As JSON (the schema vfio-variant(8) documents as stable): an
 * object, preceded by a comma unless @first.
 */
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
		printf(", \"driver_alias\": ");
		d->driver_alias[0] ? json_str(d->driver_alias) : (void)printf("null");
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
			printf(", \"alias\": ");
			cand[i].alias[0] && cand[i].alias[0] != '(' ? json_str(cand[i].alias)
								     : (void)printf("null");
			printf(", \"loaded\": %s, \"priority\": %d, \"priority_known\": %s, "
			       "\"specificity\": %u, \"chosen\": %s, \"bound\": %s}",
			       cand[i].loaded ? "true" : "false", cand[i].priority,
			       cand[i].priority_known ? "true" : "false",
			       cand[i].specificity, i == 0 ? "true" : "false",
			       d->driver[0] && !strcmp(d->driver, cand[i].driver) ? "true" : "false");
		}
		printf("]}");
		return;
	}
	printf("%s %04x:%04x %s\n", d->bdf, d->vendor, d->device, name);
	printf("\tdriver: %s%s%s%s  override: %s  iommu group: %s\n",
	       d->driver[0] ? d->driver : "-", d->driver_alias[0] ? " (answers to " : "",
	       d->driver_alias, d->driver_alias[0] ? ")" : "",
	       d->override[0] ? d->override : "-", d->group[0] ? d->group : "-");
	for (i = 0; i < n; i++)
		printf("\t%s %-24s module %-20s priority %3d%s  specificity %2u%s\n",
		       i == 0 ? "*" : " ", vv_candidate_name(&cand[i]),
		       cand[i].module[0] ? cand[i].module : "(built in)", cand[i].priority,
		       cand[i].priority_known ? "" : "?", cand[i].specificity,
		       cand[i].loaded ? "" : "  (not loaded)");
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

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmd_list(struct ctx *c)
{
	struct vv_candidate cand[MAX_CANDIDATES];
	char p[PATH_MAX], **names = NULL;
	struct dirent *e;
	size_t n = 0, i, printed = 0;
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
		int k, r = read_device(c, names[i], &d);

		if (r && (r == -ENOENT || r == -ENODEV || device_gone(c, names[i])))
			continue;	/* hot-removed since the directory was read */
		if (r) {
			err("%s: cannot read its ids, skipped: %s", names[i], strerror(-r));
			ret = EXIT_SYSFS;
			continue;
		}
		k = candidates(c, &d, cand, MAX_CANDIDATES);
		print_device(c, &d, cand, k < 0 ? 0 : k, !printed++);
	}
	if (c->json)
		printf("\n]\n");
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ret;
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
		       !cand[i].priority_known ? " (assumed: read once its module is loaded)" :
		       cand[i].priority_cmdline ? " (pci=override_priority= on the kernel command line)" :
		       "");
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
	if (c->json) {
		print_device(c, &d, cand, n, true);
		putchar('\n');
		return EXIT_OK;
	}
	explain(c, &d, cand, n);
	return EXIT_OK;
}

/*
 * Load the candidates' modules that are not loaded. A module that fails to
 * load is reported and left out: the kernel could not bind it either.
 */
static void load_modules(struct ctx *c, const struct vv_candidate *cand, int n)
{
	int i, ret;

	for (i = 0; i < n; i++) {
		struct kmod_module *mod;

		if (cand[i].loaded || !cand[i].module[0])
			continue;
		if (kmod_module_new_from_name(c->kmod, cand[i].module, &mod) < 0)
			continue;
		ret = kmod_module_probe_insert_module(mod, KMOD_PROBE_IGNORE_LOADED,
						      NULL, NULL, NULL, NULL);
		if (ret < 0)
			err("warning: cannot load module %s: %s; going on without it",
			    cand[i].module, strerror(-ret));
		kmod_module_unref(mod);
	}
}

static bool wait_for_driver(const struct ctx *c, const char *bdf, char *drv, size_t len,
			    int timeout_ms)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	char p[PATH_MAX];
	int waited;

	path(p, sizeof(p), c, "bus/pci/devices/%s/driver", bdf);
	for (waited = 0; waited <= timeout_ms; waited += 20) {
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

/* write @value to driver_override, release the device from @driver ("" for none), probe */
static int set_override_and_probe(struct ctx *c, const char *bdf, const char *driver,
				  const char *value)
{
	char p[PATH_MAX];
	int ret;

	path(p, sizeof(p), c, "bus/pci/devices/%s/driver_override", bdf);
	ret = write_str(p, value);
	if (ret && device_gone(c, bdf))
		return gone(bdf);
	if (ret) {
		err("%s: cannot write driver_override: %s%s", bdf, strerror(-ret),
		    ret == -EACCES || ret == -EPERM ? " (run as root)" : "");
		return ret == -EACCES || ret == -EPERM ? EXIT_PERM : EXIT_SYSFS;
	}
	if (driver[0]) {
		path(p, sizeof(p), c, "bus/pci/drivers/%s/unbind", driver);
		ret = write_str(p, bdf);
		if (ret && ret != -ENODEV) {
			err("%s: cannot unbind it from %s: %s (is it in use?)", bdf, driver,
			    strerror(-ret));
			return EXIT_BUSY;
		}
	}
	path(p, sizeof(p), c, "bus/pci/drivers_probe");
	ret = write_str(p, bdf);
	if (ret && ret != -ENODEV && ret != -EINVAL) {
		err("%s: drivers_probe failed: %s", bdf, strerror(-ret));
		return EXIT_SYSFS;
	}
	return EXIT_OK;
}

/* --- persistence (udev/60-vfio-variant.rules tests for these files) -------- */

/*
 * The persisted choices are files in the persist directory: devices/ADDRESS
 * for one device ("devices/0000:01:00.0"), ids/VVVV:DDDD for every device
 * with these ids, in the form of the kernel's PCI_ID uevent variable
 * ("ids/10DE:1DB1"). The udev rule's TEST== finds them without running
 * anything.
 */
static int persist_path(const struct ctx *c, const struct device *d, bool by_id,
			char *buf, size_t len)
{
	int n;

	if (by_id)
		n = snprintf(buf, len, "%s/ids/%04X:%04X", c->persist_dir, d->vendor, d->device);
	else
		n = snprintf(buf, len, "%s/devices/%s", c->persist_dir, d->bdf);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static bool persisted(const struct ctx *c, const struct device *d)
{
	char p[PATH_MAX];

	return (!persist_path(c, d, false, p, sizeof(p)) && !access(p, F_OK)) ||
	       (!persist_path(c, d, true, p, sizeof(p)) && !access(p, F_OK));
}

static int mkdir_p(const char *dir)
{
	char tmp[PATH_MAX], *s;

	copy(tmp, sizeof(tmp), dir);
	for (s = tmp + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return mkdir(tmp, 0755) && errno != EEXIST ? -errno : 0;
}

/* record (@add) or forget the choice for @d, atomically */
static int persist_update(const struct ctx *c, const struct device *d, bool add)
{
	char p[PATH_MAX], tmp[PATH_MAX + 8], dir[PATH_MAX], *slash;
	FILE *f;
	int ret;

	ret = persist_path(c, d, c->by_id, p, sizeof(p));
	if (ret)
		return ret;
	if (!add)
		return unlink(p) && errno != ENOENT ? -errno : 0;
	copy(dir, sizeof(dir), p);
	slash = strrchr(dir, '/');
	*slash = '\0';
	ret = mkdir_p(dir);
	if (ret)
		return ret;
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fprintf(f, "# vfio-variant bind --persist%s %s: give %s to the best vfio-pci driver\n"
		   "# at boot and hotplug (60-vfio-variant.rules). 'vfio-variant unbind --persist%s'\n"
		   "# removes this file.\n",
		c->by_id ? " --by-id" : "", d->bdf,
		c->by_id ? "every device with these ids" : "this device",
		c->by_id ? " --by-id" : "");
	ret = fclose(f) ? -errno : 0;
	if (!ret && rename(tmp, p))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

static int persist(const struct ctx *c, const struct device *d, bool add)
{
	char p[PATH_MAX];
	int ret = persist_update(c, d, add);

	if (ret) {
		err("cannot %s the persisted choice in %s: %s%s", add ? "record" : "remove",
		    c->persist_dir, strerror(-ret),
		    ret == -EACCES || ret == -EPERM ? " (run as root)" : "");
		return ret == -EACCES || ret == -EPERM ? EXIT_PERM : EXIT_SYSFS;
	}
	persist_path(c, d, c->by_id, p, sizeof(p));
	printf("%s: %s %s (%s)\n", d->bdf, add ? "given to vfio at boot and hotplug:"
					      : "no longer given to vfio at boot and hotplug:",
	       c->by_id ? "every device with these ids" : "this address", p);
	return EXIT_OK;
}

/* print the persisted choices, one a line: an address, or vendor:device ids */
static int cmd_persisted(struct ctx *c)
{
	static const char *const kinds[] = { "devices", "ids" };
	char p[PATH_MAX];
	size_t k;

	for (k = 0; k < 2; k++) {
		struct dirent *e;
		DIR *dir;

		snprintf(p, sizeof(p), "%s/%s", c->persist_dir, kinds[k]);
		dir = opendir(p);
		if (!dir && errno != ENOENT) {
			err("cannot read %s: %s", p, strerror(errno));
			return errno == EACCES ? EXIT_PERM : EXIT_SYSFS;
		}
		while (dir && (e = readdir(dir))) {
			char *ch;

			if (e->d_name[0] == '.' || strstr(e->d_name, ".tmp"))
				continue;
			for (ch = e->d_name; k == 1 && *ch; ch++)
				*ch = (char)tolower((unsigned char)*ch);
			printf("%s%s\n", e->d_name, k == 1 ? "  (every device with these ids)" : "");
		}
		if (dir)
			closedir(dir);
	}
	return EXIT_OK;
}

/* --- bind, unbind, apply --------------------------------------------------- */

/* the index of @driver among the candidates, or -1 */
static int candidate_index(const struct vv_candidate *cand, int n, const char *driver)
{
	int i;

	for (i = 0; driver[0] && i < n; i++)
		if (!strcmp(cand[i].driver, driver))
			return i;
	return -1;
}

/* the time a declining probe is given before the next candidate is tried */
#define DECLINE_WAIT_MS	200

/*
 * Give the device to its best vfio-pci driver. @apply: for udev at device
 * add (vfio-variant apply), where on a kernel without the series a device
 * that some lesser candidate holds is moved to the first one.
 */
static int bind_device(struct ctx *c, struct device *d, bool apply)
{
	struct vv_candidate cand[MAX_CANDIDATES];
	char drv[64], want[64], holder[64];
	int ret, n, i, cur;

	n = candidates(c, d, cand, MAX_CANDIDATES);
	if (n <= 0) {
		err("%s: no vfio-pci driver found for %04x:%04x: install and load vfio-pci "
		    "(modprobe vfio-pci)", d->bdf, d->vendor, d->device);
		return EXIT_MODULE;
	}
	cur = candidate_index(cand, n, d->driver);
	if (cur >= 0 && !c->force && (c->series || cur == 0 || !apply)) {
		printf("%s: already bound to %s: nothing to do\n", d->bdf, d->driver);
		if (cur > 0)
			printf("%s: %s ranks higher: it declined the device, or came later; "
			       "--force rebinds (a VM using the device loses it)\n",
			       d->bdf, vv_candidate_name(&cand[0]));
		return c->persist ? persist(c, d, true) : EXIT_OK;
	}
	load_modules(c, cand, n);
	/* loaded now: real driver names and priorities; a module that failed is out */
	n = candidates(c, d, cand, MAX_CANDIDATES);
	for (i = 0; i < n && cand[i].loaded; i++)
		;
	if (i < n) {
		int k = i;

		for (; i < n; i++)
			if (cand[i].loaded)
				cand[k++] = cand[i];
		n = k;
	}
	if (n <= 0) {
		err("%s: none of its vfio-pci drivers could be loaded (see the warnings "
		    "above and dmesg)", d->bdf);
		return EXIT_MODULE;
	}
	copy(want, sizeof(want), cand[0].driver);
	copy(holder, sizeof(holder), d->driver);
	if (c->series) {
		/* the kernel ranks, and falls back itself */
		ret = set_override_and_probe(c, d->bdf, holder, BASE_DRIVER);
		if (ret)
			return ret;
		warn_group(c, d);
		if (!wait_for_driver(c, d->bdf, drv, sizeof(drv), c->timeout_ms))
			goto unbound;
	} else {
		/*
		 * A kernel without the series binds only the driver it is told:
		 * tell it each candidate's name in turn, as the series' kernel
		 * would fall back from one that declines to the next.
		 */
		for (i = 0; i < n; i++) {
			ret = set_override_and_probe(c, d->bdf, holder, cand[i].driver);
			if (ret)
				return ret;
			holder[0] = '\0';
			if (wait_for_driver(c, d->bdf, drv, sizeof(drv),
					    i == n - 1 ? c->timeout_ms : DECLINE_WAIT_MS))
				break;
			if (device_gone(c, d->bdf))
				return gone(d->bdf);
			if (i < n - 1)
				printf("%s: %s did not take the device; trying %s\n", d->bdf,
				       cand[i].driver, cand[i + 1].driver);
		}
		if (i == n)
			goto unbound;
		warn_group(c, d);
	}
	if (candidate_index(cand, n, drv) < 0) {
		err("%s: bound to %s, which is not a vfio-pci driver: it was not released "
		    "(is the device in use?)", d->bdf, drv);
		return EXIT_UNBOUND;
	}
	printf("%s: bound to %s (predicted %s)\n", d->bdf, drv, want);
	if (strcmp(drv, want))
		printf("%s: %s declined the device; %s fell back to %s\n", d->bdf, want,
		       c->series ? "the kernel" : "vfio-variant", drv);
	return c->persist ? persist(c, d, true) : EXIT_OK;

unbound:
	if (device_gone(c, d->bdf))
		return gone(d->bdf);
	err("%s: no driver bound within %d ms; 'vfio-variant explain %s' shows the "
	    "candidates, dmesg their probe errors", d->bdf, c->timeout_ms, d->bdf);
	return EXIT_UNBOUND;
}

static int cmd_bind(struct ctx *c, const char *bdf)
{
	struct device d;
	int ret = open_device(c, bdf, &d);

	return ret ? ret : bind_device(c, &d, false);
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
	if (!d.override[0] && !c->force) {
		if (d.driver[0])
			printf("%s: no driver_override is set: %s is its own driver, nothing to "
			       "give back (--force unbinds and reprobes it anyway)\n", bdf, d.driver);
		else
			printf("%s: no driver_override is set and no driver is bound: nothing "
			       "to do\n", bdf);
		return EXIT_OK;
	}
	ret = set_override_and_probe(c, bdf, d.driver, "\n");
	if (ret)
		return ret;
	if (wait_for_driver(c, bdf, drv, sizeof(drv), c->timeout_ms))
		printf("%s: bound to %s\n", bdf, drv);
	else if (device_gone(c, bdf))
		return gone(bdf);
	else
		printf("%s: no driver bound (no native driver is loaded for it)\n", bdf);
	return EXIT_OK;
}

/*
 * The udev rule's service (vfio-variant@.service): give a device that is
 * recorded in the persisted choices to its best vfio-pci driver; without
 * an address, every such device present.
 */
static int cmd_apply(struct ctx *c, const char *bdf)
{
	char p[PATH_MAX];
	struct dirent *e;
	int ret = EXIT_OK;
	DIR *dir;

	if (bdf) {
		struct device d;

		ret = open_device(c, bdf, &d);
		if (ret)
			return ret;
		if (!persisted(c, &d)) {
			printf("%s: not in the persisted choices (%s): nothing to do\n", bdf,
			       c->persist_dir);
			return EXIT_OK;
		}
		return bind_device(c, &d, true);
	}
	path(p, sizeof(p), c, "bus/pci/devices");
	dir = opendir(p);
	if (!dir) {
		err("cannot read %s: %s (is sysfs mounted?)", p, strerror(errno));
		return EXIT_SYSFS;
	}
	while ((e = readdir(dir))) {
		struct device d;
		int r;

		if (e->d_name[0] == '.' || read_device(c, e->d_name, &d) || !persisted(c, &d))
			continue;
		r = bind_device(c, &d, true);
		if (r && !ret)
			ret = r;
	}
	closedir(dir);
	return ret;
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
		"                  if the device's driver_override were vfio-pci\n"
		"  explain BDF     why that candidate wins, in words\n"
		"  bind BDF        load the candidates, set driver_override=vfio-pci, unbind,\n"
		"                  probe, and report the driver that bound; nothing to do if a\n"
		"                  vfio-pci driver already has the device (--force rebinds)\n"
		"  unbind BDF      clear driver_override and reprobe, so the native driver returns;\n"
		"                  nothing to do without an override (--force reprobes anyway)\n"
		"  persisted       the choices recorded with --persist, one a line\n"
		"  apply [BDF]     bind the device (every device) recorded with --persist; what\n"
		"                  the udev rule's vfio-variant@.service runs\n\n"
		"Options:\n"
		"  -j, --json           list and explain as JSON (see vfio-variant(8))\n"
		"  -s, --sysfs DIR      sysfs root (default /sys)\n"
		"  -m, --modules DIR    module directory for libkmod (default /lib/modules/$(uname -r))\n"
		"  -c, --cmdline FILE   the kernel command line (default /proc/cmdline)\n"
		"  -t, --timeout MS     how long bind/unbind wait for a driver (default 5000)\n"
		"  -p, --persist        bind/unbind: record/forget the choice, applied by udev at\n"
		"                       boot and hotplug\n"
		"      --by-id          with --persist: every device with the same vendor:device\n"
		"  -d, --persist-dir D  the persisted choices (default " PERSIST_DIR ")\n"
		"  -f, --force          bind/unbind even where nothing needs doing\n"
		"  -V, --version        the version\n"
		"  -h, --help           this text\n\n"
		"Exit status: 0 ok, 1 usage, 2 no such device (or it went away), 3 permission\n"
		"denied (run as root), 4 no module index or no vfio-pci driver, 5 device busy,\n"
		"6 nothing bound, 7 a sysfs or persist file could not be read or written.\n"
		"See vfio-variant(8).\n");
}

/* commands: which take an address, which read the module index */
static const struct {
	const char *name;
	char addr;		/* 'y' required, 'n' none, 'o' optional */
	bool kmod;
} commands[] = {
	{ "list", 'n', true }, { "explain", 'y', true }, { "bind", 'y', true },
	{ "unbind", 'y', false }, { "persisted", 'n', false }, { "apply", 'o', true },
};

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "sysfs", required_argument, NULL, 's' },
		{ "modules", required_argument, NULL, 'm' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "persist", no_argument, NULL, 'p' },
		{ "by-id", no_argument, NULL, 'I' },
		{ "persist-dir", required_argument, NULL, 'd' },
		{ "force", no_argument, NULL, 'f' },
		{}
	};
	struct ctx c = { .sysfs = "/sys", .timeout_ms = 5000,
			 .persist_dir = PERSIST_DIR, .cmdline = "/proc/cmdline" };
	const char *cmd, *bdf;
	size_t k;
	int opt, ret, nargs;
	char *end;
	long t;

	while ((opt = getopt_long(argc, argv, "js:m:c:t:hVpd:f", opts, NULL)) != -1) {
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
		case 'c':
			c.cmdline = optarg;
			break;
		case 't':
			errno = 0;
			t = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || t < 0 || t > 3600000) {
				err("--timeout takes milliseconds, 0 to 3600000: '%s'", optarg);
				return EXIT_USAGE;
			}
			c.timeout_ms = (int)t;
			break;
		case 'p':
			c.persist = true;
			break;
		case 'I':
			c.by_id = true;
			break;
		case 'd':
			c.persist_dir = optarg;
			break;
		case 'f':
			c.force = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("vfio-variant %s\n", VV_VERSION);
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
	nargs = argc - optind - 1;
	for (k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
		if (!strcmp(cmd, commands[k].name))
			break;
	if (k == sizeof(commands) / sizeof(commands[0])) {
		err("unknown command '%s'", cmd);
		usage(stderr);
		return EXIT_USAGE;
	}
	if ((commands[k].addr == 'y' && nargs != 1) || (commands[k].addr == 'n' && nargs) ||
	    (commands[k].addr == 'o' && nargs > 1)) {
		err(commands[k].addr == 'n' ? "'%s' takes no argument" :
		    "'%s' takes one PCI address, e.g. 0000:01:00.0", cmd);
		return EXIT_USAGE;
	}
	if (c.json && strcmp(cmd, "list") && strcmp(cmd, "explain")) {
		err("--json is for list and explain");
		return EXIT_USAGE;
	}
	if ((c.persist || c.by_id) && strcmp(cmd, "bind") && strcmp(cmd, "unbind")) {
		err("--persist and --by-id are for bind and unbind");
		return EXIT_USAGE;
	}
	if (c.by_id && !c.persist) {
		err("--by-id goes with --persist");
		return EXIT_USAGE;
	}
	bdf = nargs ? argv[optind + 1] : NULL;

	if (commands[k].kmod) {
		c.kmod = kmod_new(c.modules, NULL);
		if (!c.kmod) {
			err("cannot open the module directory%s%s", c.modules ? " " : "",
			    c.modules ? c.modules : "");
			return EXIT_MODULE;
		}
		if (kmod_load_resources(c.kmod) < 0) {
			err("cannot load the module index in %s (modules.dep.bin, modules.alias.bin, "
			    "...): run depmod", c.modules ? c.modules : "/lib/modules/$(uname -r)");
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
	}
	read_cmdline(&c);
	c.series = kernel_ranks(&c);

	if (!strcmp(cmd, "list"))
		ret = cmd_list(&c);
	else if (!strcmp(cmd, "explain"))
		ret = cmd_explain(&c, bdf);
	else if (!strcmp(cmd, "bind"))
		ret = cmd_bind(&c, bdf);
	else if (!strcmp(cmd, "unbind"))
		ret = cmd_unbind(&c, bdf);
	else if (!strcmp(cmd, "persisted"))
		ret = cmd_persisted(&c);
	else
		ret = cmd_apply(&c, bdf);
	if (c.pacc)
		pci_cleanup(c.pacc);
	if (c.kmod)
		kmod_unref(c.kmod);
	return ret;
}
