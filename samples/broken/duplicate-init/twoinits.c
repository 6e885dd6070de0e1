// SPDX-License-Identifier: GPL-2.0
/*
 * Broken on purpose: two module_init() in one module. The compiler rejects the second, because
 * both define init_module.
 */
#include <linux/init.h>
#include <linux/module.h>

static int __init first_init(void)
{
	return 0;
}

static int __init second_init(void)
{
	return 0;
}

static void __exit twoinits_exit(void)
{
}

module_init(first_init);
module_init(second_init);
module_exit(twoinits_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A module with two init functions");
