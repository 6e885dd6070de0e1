/*
 * Broken on purpose: no MODULE_LICENSE(). modpost stops the build with
 * "missing MODULE_LICENSE() in .../nolicense.o".
 */
#include <linux/init.h>
#include <linux/module.h>

static int __init nolicense_init(void)
{
	pr_info("nolicense: init\n");
	return 0;
}

static void __exit nolicense_exit(void)
{
	pr_info("nolicense: exit\n");
}

module_init(nolicense_init);
module_exit(nolicense_exit);
MODULE_DESCRIPTION("A module that forgot its licence");
