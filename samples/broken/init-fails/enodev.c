// SPDX-License-Identifier: GPL-2.0
/*
 * Fails on purpose at load time: init returns -ENODEV, so insmod reports "No such device" and
 * the module is freed without its exit ever running.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/errno.h>

static int __init enodev_init(void)
{
	pr_info("enodev: init, returning -ENODEV\n");
	return -ENODEV;
}

static void __exit enodev_exit(void)
{
	pr_info("enodev: exit (never called)\n");
}

module_init(enodev_init);
module_exit(enodev_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A module whose init fails with -ENODEV");
