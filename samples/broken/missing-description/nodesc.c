// SPDX-License-Identifier: GPL-2.0
/*
 * Broken on purpose (mildly): no MODULE_DESCRIPTION(). Newer kernels' modpost warns
 * "missing MODULE_DESCRIPTION() in .../nodesc.o"; modinfo shows no description.
 */
#include <linux/init.h>
#include <linux/module.h>

static int __init nodesc_init(void)
{
	return 0;
}

static void __exit nodesc_exit(void)
{
}

module_init(nodesc_init);
module_exit(nodesc_exit);
MODULE_LICENSE("GPL");
