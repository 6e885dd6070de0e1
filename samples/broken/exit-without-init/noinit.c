// SPDX-License-Identifier: GPL-2.0
/*
 * Broken on purpose: module_exit without module_init. The module loads and does nothing; its
 * exit function runs on unload. Usually the init registration was forgotten.
 */
#include <linux/init.h>
#include <linux/module.h>

static void __exit noinit_exit(void)
{
	pr_info("noinit: exit\n");
}

module_exit(noinit_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A module with an exit function but no init");
