// SPDX-License-Identifier: GPL-2.0
/*
 * Broken on purpose: exports a function the module declares but never defines. modpost:
 * "exportnodef_missing" [.../exportnodef.ko] was exported without definition.
 */
#include <linux/init.h>
#include <linux/module.h>

int exportnodef_missing(int x);
EXPORT_SYMBOL(exportnodef_missing);

static int __init exportnodef_init(void)
{
	return 0;
}

static void __exit exportnodef_exit(void)
{
}

module_init(exportnodef_init);
module_exit(exportnodef_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("An export without a definition");
