// SPDX-License-Identifier: GPL-2.0
/*
 * Broken on purpose: exports an __init function. Its code is freed after init, so any module
 * that calls it later jumps into freed memory. modpost: exportinit: exportinit_setup: EXPORT_SYMBOL
 * used for init symbol. Remove __init or EXPORT_SYMBOL.
 */
#include <linux/init.h>
#include <linux/module.h>

int __init exportinit_setup(void)
{
	return 42;
}
EXPORT_SYMBOL(exportinit_setup);

static int __init exportinit_init(void)
{
	return exportinit_setup() == 42 ? 0 : -EINVAL;
}

static void __exit exportinit_exit(void)
{
}

module_init(exportinit_init);
module_exit(exportinit_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Exports an __init function");
