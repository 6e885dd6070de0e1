// SPDX-License-Identifier: GPL-2.0
/*
 * provider: exports one symbol to every module and one to GPL-compatible modules only.
 */
#include <linux/init.h>
#include <linux/module.h>

int prov_add(int a, int b)
{
	return a + b;
}
EXPORT_SYMBOL(prov_add);

int prov_gpl_mul(int a, int b)
{
	return a * b;
}
EXPORT_SYMBOL_GPL(prov_gpl_mul);

static int __init provider_init(void)
{
	pr_info("provider: init\n");
	return 0;
}

static void __exit provider_exit(void)
{
	pr_info("provider: exit\n");
}

module_init(provider_init);
module_exit(provider_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Exports prov_add (EXPORT_SYMBOL) and prov_gpl_mul (EXPORT_SYMBOL_GPL)");
