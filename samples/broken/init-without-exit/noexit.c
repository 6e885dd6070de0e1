// SPDX-License-Identifier: GPL-2.0
/*
 * Broken on purpose: module_init without module_exit. The module loads but can never be
 * unloaded: rmmod fails with "Device or resource busy" and /proc/modules shows [permanent].
 */
#include <linux/init.h>
#include <linux/module.h>

static int __init noexit_init(void)
{
	pr_info("noexit: init (no module_exit, cannot be unloaded)\n");
	return 0;
}

module_init(noexit_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A module without an exit function");
