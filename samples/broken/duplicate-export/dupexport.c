// SPDX-License-Identifier: GPL-2.0
/*
 * Broken on purpose: exports prov_add, which provider already exports. Loading both fails:
 * "dupexport: exports duplicate symbol prov_add (owned by provider)".
 */
#include <linux/init.h>
#include <linux/module.h>

int prov_add(int a, int b)
{
	return a + b + 1;
}
EXPORT_SYMBOL(prov_add);

static int __init dupexport_init(void)
{
	return 0;
}

static void __exit dupexport_exit(void)
{
}

module_init(dupexport_init);
module_exit(dupexport_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A module exporting a name another module already exports");
