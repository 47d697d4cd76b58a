// SPDX-License-Identifier: GPL-2.0-only
/*
 * A bus of its own for testing how the driver core probes the drivers that
 * match a device when the bus ranks them (bus_type.match_rank): every
 * driver matches every device, ranked by its 'rank'. Drivers and devices
 * are made and removed through debugfs, vv_rank_bus/ctl:
 *
 *   driver NAME RANK [async] [decline] [defer]   register a driver
 *   pause NAME       the next match of driver NAME waits for 'resume'
 *   wait-paused      wait (10 s at most) until that match has paused
 *   resume           let the paused match go on
 *   unregister NAME  unregister the driver and free it
 *   device NAME      register a device, which probes it
 *   remove NAME      unregister a device
 *
 * 'defer' makes the driver's first probe return -EPROBE_DEFER, 'decline'
 * every probe -ENODEV, 'async' asks for asynchronous probing. A device
 * whose name starts with "plain" is not ranked (match_ranked() is false):
 * its drivers are probed in registration order. vv_rank_bus/matches counts
 * the bus's match() calls. A driver is
 * freed as soon as it is unregistered, as a module's driver is when its
 * module goes away, and poisoned first: the bus's callbacks check a magic
 * value, so that a driver used after it went away shows as a WARN (and as
 * a KASAN report on the debug kernel). vv_rank_bus/probes lists the
 * probes in the order they ran, "DRIVER DEVICE RESULT" a line.
 */
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vv_compat.h"

#define VV_RANK_MAGIC	0x76767262	/* "vvrb" */

struct vv_rank_drv {
	u32 magic;
	struct device_driver drv;
	struct list_head node;
	unsigned int rank;
	bool decline;
	unsigned int defer;
	bool pause;
	char name[32];
};

struct vv_rank_dev {
	struct device dev;
	struct list_head node;
};

static DEFINE_MUTEX(vv_lock);		/* the lists and the probe log */
static LIST_HEAD(vv_drivers);
static LIST_HEAD(vv_devices);
static char vv_log[4096];
static size_t vv_log_len;
static atomic_t vv_matches = ATOMIC_INIT(0);
static DECLARE_COMPLETION(vv_paused);
static DECLARE_COMPLETION(vv_resume);
static struct device *vv_root;
static struct dentry *vv_dir;

static struct vv_rank_drv *to_vv_drv(const struct device_driver *drv)
{
	struct vv_rank_drv *d = container_of(drv, struct vv_rank_drv, drv);

	WARN(READ_ONCE(d->magic) != VV_RANK_MAGIC,
	     "vv_rank_bus: driver used after it was unregistered and freed\n");
	return d;
}

static int vv_rank_match(struct device *dev, const struct device_driver *drv)
{
	struct vv_rank_drv *d = to_vv_drv(drv);

	atomic_inc(&vv_matches);
	if (READ_ONCE(d->pause)) {
		WRITE_ONCE(d->pause, false);
		complete(&vv_paused);
		if (!wait_for_completion_timeout(&vv_resume, 30 * HZ))
			pr_err("vv_rank_bus: not resumed within 30 s\n");
	}
	return 1;
}

static bool vv_rank_match_ranked(struct device *dev)
{
	return !strstarts(dev_name(dev), "plain");
}

static u64 vv_rank_match_rank(struct device *dev,
			      const struct device_driver *drv)
{
	return to_vv_drv(drv)->rank;
}

static void vv_log_probe(struct device *dev, const char *drv, int ret)
{
	mutex_lock(&vv_lock);
	vv_log_len += scnprintf(vv_log + vv_log_len, sizeof(vv_log) - vv_log_len,
				"%s %s %d\n", drv, dev_name(dev), ret);
	mutex_unlock(&vv_lock);
}

static int vv_rank_probe(struct device *dev)
{
	struct vv_rank_drv *d = to_vv_drv(dev->driver);
	int ret = 0;

	if (d->decline) {
		ret = -ENODEV;
	} else if (d->defer) {
		d->defer--;
		ret = -EPROBE_DEFER;
	}
	vv_log_probe(dev, d->name, ret);
	return ret;
}

static const struct bus_type vv_rank_bus = {
	.name		= "vv_rank",
	.match		= vv_rank_match,
	.match_ranked	= vv_rank_match_ranked,
	.match_rank	= vv_rank_match_rank,
	.probe		= vv_rank_probe,
};

static struct vv_rank_drv *vv_find_drv(const char *name)
{
	struct vv_rank_drv *d;

	list_for_each_entry(d, &vv_drivers, node)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

static int vv_add_driver(char *args)
{
	struct vv_rank_drv *d;
	char *name = strsep(&args, " ");
	char *rank = strsep(&args, " ");
	char *opt;
	int ret;

	if (!name || !rank)
		return -EINVAL;
	d = kzalloc_obj(*d, GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	d->magic = VV_RANK_MAGIC;
	strscpy(d->name, name);
	ret = kstrtouint(rank, 0, &d->rank);
	while (!ret && (opt = strsep(&args, " "))) {
		if (!strcmp(opt, "async"))
			d->drv.probe_type = PROBE_PREFER_ASYNCHRONOUS;
		else if (!strcmp(opt, "decline"))
			d->decline = true;
		else if (!strcmp(opt, "defer"))
			d->defer = 1;
		else if (*opt)
			ret = -EINVAL;
	}
	if (ret) {
		kfree(d);
		return ret;
	}
	d->drv.name = d->name;
	d->drv.bus = &vv_rank_bus;
	d->drv.owner = THIS_MODULE;

	mutex_lock(&vv_lock);
	if (vv_find_drv(name)) {
		mutex_unlock(&vv_lock);
		kfree(d);
		return -EEXIST;
	}
	list_add_tail(&d->node, &vv_drivers);
	mutex_unlock(&vv_lock);

	ret = driver_register(&d->drv);
	if (ret) {
		mutex_lock(&vv_lock);
		list_del(&d->node);
		mutex_unlock(&vv_lock);
		kfree(d);
	}
	return ret;
}

static void vv_free_driver(struct vv_rank_drv *d)
{
	driver_unregister(&d->drv);
	/* as a module's memory is, once it is gone */
	memset(d, POISON_FREE, sizeof(*d));
	kfree(d);
}

static int vv_remove_driver(const char *name)
{
	struct vv_rank_drv *d;

	mutex_lock(&vv_lock);
	d = vv_find_drv(name);
	if (d)
		list_del(&d->node);
	mutex_unlock(&vv_lock);
	if (!d)
		return -ENOENT;
	vv_free_driver(d);
	return 0;
}

static int vv_pause(const char *name)
{
	struct vv_rank_drv *d;

	mutex_lock(&vv_lock);
	d = vv_find_drv(name);
	if (d) {
		reinit_completion(&vv_paused);
		reinit_completion(&vv_resume);
		WRITE_ONCE(d->pause, true);
	}
	mutex_unlock(&vv_lock);
	return d ? 0 : -ENOENT;
}

static void vv_dev_release(struct device *dev)
{
	kfree(container_of(dev, struct vv_rank_dev, dev));
}

static int vv_add_device(const char *name)
{
	struct vv_rank_dev *v = kzalloc_obj(*v, GFP_KERNEL);
	int ret;

	if (!v)
		return -ENOMEM;
	device_initialize(&v->dev);
	v->dev.bus = &vv_rank_bus;
	v->dev.parent = vv_root;
	v->dev.release = vv_dev_release;
	ret = dev_set_name(&v->dev, "%s", name);
	if (ret) {
		put_device(&v->dev);
		return ret;
	}
	mutex_lock(&vv_lock);
	list_add_tail(&v->node, &vv_devices);
	mutex_unlock(&vv_lock);
	/* probes the device, and may wait in a paused match */
	ret = device_add(&v->dev);
	if (ret) {
		mutex_lock(&vv_lock);
		list_del(&v->node);
		mutex_unlock(&vv_lock);
		put_device(&v->dev);
	}
	return ret;
}

static int vv_remove_device(const char *name)
{
	struct vv_rank_dev *v, *found = NULL;

	mutex_lock(&vv_lock);
	list_for_each_entry(v, &vv_devices, node) {
		if (!strcmp(dev_name(&v->dev), name)) {
			found = v;
			list_del(&v->node);
			break;
		}
	}
	mutex_unlock(&vv_lock);
	if (!found)
		return -ENOENT;
	device_unregister(&found->dev);
	return 0;
}

static ssize_t vv_ctl_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	char *buf, *args, *cmd;
	int ret;

	buf = memdup_user_nul(ubuf, min_t(size_t, count, 128));
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	args = strim(buf);
	cmd = strsep(&args, " ");
	args = args ? strim(args) : "";

	if (!strcmp(cmd, "driver"))
		ret = vv_add_driver(args);
	else if (!strcmp(cmd, "unregister"))
		ret = vv_remove_driver(args);
	else if (!strcmp(cmd, "pause"))
		ret = vv_pause(args);
	else if (!strcmp(cmd, "wait-paused"))
		ret = wait_for_completion_timeout(&vv_paused, 10 * HZ) ? 0 : -ETIMEDOUT;
	else if (!strcmp(cmd, "resume"))
		ret = (complete(&vv_resume), 0);
	else if (!strcmp(cmd, "device"))
		ret = vv_add_device(args);
	else if (!strcmp(cmd, "remove"))
		ret = vv_remove_device(args);
	else
		ret = -EINVAL;
	kfree(buf);
	return ret ? ret : count;
}

static const struct file_operations vv_ctl_fops = {
	.owner = THIS_MODULE,
	.write = vv_ctl_write,
};

static int vv_probes_show(struct seq_file *s, void *unused)
{
	mutex_lock(&vv_lock);
	seq_write(s, vv_log, vv_log_len);
	mutex_unlock(&vv_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vv_probes);

static int vv_matches_get(void *data, u64 *val)
{
	*val = atomic_read(&vv_matches);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(vv_matches_fops, vv_matches_get, NULL, "%llu\n");

static int __init vv_rank_init(void)
{
	int ret;

	ret = bus_register(&vv_rank_bus);
	if (ret)
		return ret;
	vv_root = root_device_register("vv_rank");
	if (IS_ERR(vv_root)) {
		bus_unregister(&vv_rank_bus);
		return PTR_ERR(vv_root);
	}
	vv_dir = debugfs_create_dir("vv_rank_bus", NULL);
	debugfs_create_file("ctl", 0200, vv_dir, NULL, &vv_ctl_fops);
	debugfs_create_file("probes", 0444, vv_dir, NULL, &vv_probes_fops);
	debugfs_create_file_unsafe("matches", 0444, vv_dir, NULL, &vv_matches_fops);
	return 0;
}
module_init(vv_rank_init);

static void __exit vv_rank_exit(void)
{
	struct vv_rank_drv *d, *dn;
	struct vv_rank_dev *v, *vn;

	debugfs_remove_recursive(vv_dir);
	list_for_each_entry_safe(v, vn, &vv_devices, node) {
		list_del(&v->node);
		device_unregister(&v->dev);
	}
	list_for_each_entry_safe(d, dn, &vv_drivers, node) {
		list_del(&d->node);
		vv_free_driver(d);
	}
	root_device_unregister(vv_root);
	bus_unregister(&vv_rank_bus);
}
module_exit(vv_rank_exit);

MODULE_DESCRIPTION("vfio-variant test: a bus whose drivers the driver core ranks");
MODULE_LICENSE("GPL");
