// SPDX-License-Identifier: GPL-2.0
/*
 * hello: the smallest useful module. init prints a greeting, exit says goodbye.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/kernel.h>

static int __init hello_init(void)
{
	pr_info("hello: Hello, world!\n");
	return 0;
}

static void __exit hello_exit(void)
{
	pr_info("hello: Goodbye, world!\n");
}

module_init(hello_init);
module_exit(hello_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Kernel Module Workbench");
MODULE_DESCRIPTION("Hello world: prints to the kernel log on load and unload");
