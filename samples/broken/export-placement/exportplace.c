// SPDX-License-Identifier: GPL-2.0
/*
 * Broken on purpose (style): EXPORT_SYMBOL(helper) should immediately follow helper's definition,
 * as checkpatch asks, not stand elsewhere in the file.
 */
#include <linux/init.h>
#include <linux/module.h>

int exportplace_helper(int x)
{
	return x * 2;
}

static int __init exportplace_init(void)
{
	return 0;
}

EXPORT_SYMBOL(exportplace_helper);

static void __exit exportplace_exit(void)
{
}

module_init(exportplace_init);
module_exit(exportplace_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("An export that does not follow its function");
