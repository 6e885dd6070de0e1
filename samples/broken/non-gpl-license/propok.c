/*
 * Not broken, but worth knowing: a proprietary module loads, taints the kernel (P), and may use
 * only plain EXPORT_SYMBOL symbols. This one uses provider's prov_add, which is allowed.
 */
#include <linux/init.h>
#include <linux/module.h>

extern int prov_add(int a, int b);

static int __init propok_init(void)
{
	pr_info("propok: prov_add(1,1)=%d\n", prov_add(1, 1));
	return 0;
}

static void __exit propok_exit(void)
{
	pr_info("propok: exit\n");
}

module_init(propok_init);
module_exit(propok_exit);
MODULE_LICENSE("Proprietary");
MODULE_DESCRIPTION("A proprietary module using a plain export");
