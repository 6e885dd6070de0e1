// SPDX-License-Identifier: GPL-2.0
/*
 * consumer: uses both of provider's exports, so provider must be loaded first.
 */
#include <linux/init.h>
#include <linux/module.h>

extern int prov_add(int a, int b);
extern int prov_gpl_mul(int a, int b);

static int __init consumer_init(void)
{
	pr_info("consumer: prov_add(2,3)=%d prov_gpl_mul(4,5)=%d\n", prov_add(2, 3), prov_gpl_mul(4, 5));
	return 0;
}

static void __exit consumer_exit(void)
{
	pr_info("consumer: exit\n");
}

module_init(consumer_init);
module_exit(consumer_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Uses provider's prov_add and prov_gpl_mul");
