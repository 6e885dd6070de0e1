// SPDX-License-Identifier: GPL-2.0
/*
 * Broken on purpose: calls a function no kernel exports. modpost says
 * "no_such_symbol" [.../missing.ko] undefined!, and insmod says "Unknown symbol in module".
 */
#include <linux/init.h>
#include <linux/module.h>

extern int no_such_symbol(void);

static int __init missing_init(void)
{
	pr_info("missing: init %d\n", no_such_symbol());
	return 0;
}

static void __exit missing_exit(void)
{
}

module_init(missing_init);
module_exit(missing_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A module that uses a symbol nobody exports");
