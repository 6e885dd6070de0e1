// SPDX-License-Identifier: GPL-2.0
/*
 * Broken on purpose (seed pitfall 1): init registers a character device and allocates a buffer;
 * exit frees the buffer but never unregisters the device, and init's error path leaks the
 * registration. After rmmod, /proc/devices still lists "leaky" and points at freed code.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/slab.h>

static int major;
static char *buffer;

static const struct file_operations leaky_fops = {
	.owner = THIS_MODULE,
};

static int __init leaky_init(void)
{
	major = register_chrdev(0, "leaky", &leaky_fops);
	if (major < 0)
		return major;

	buffer = kmalloc(4096, GFP_KERNEL);
	if (!buffer)
		return -ENOMEM;	/* leaks the chrdev registration */

	pr_info("leaky: major %d\n", major);
	return 0;
}

static void __exit leaky_exit(void)
{
	kfree(buffer);
	/* missing: unregister_chrdev(major, "leaky"); */
}

module_init(leaky_init);
module_exit(leaky_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Init acquires what exit never releases");
