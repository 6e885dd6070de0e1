/*
 * Broken on purpose: a proprietary module calling debugfs_create_dir, which the kernel exports
 * with EXPORT_SYMBOL_GPL. modpost: GPL-incompatible module propgpl.ko uses GPL-only symbol
 * 'debugfs_create_dir'.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/debugfs.h>

static struct dentry *dir;

static int __init propgpl_init(void)
{
	dir = debugfs_create_dir("propgpl", NULL);
	return 0;
}

static void __exit propgpl_exit(void)
{
	debugfs_remove(dir);
}

module_init(propgpl_init);
module_exit(propgpl_exit);
MODULE_LICENSE("Proprietary");
MODULE_DESCRIPTION("A proprietary module using a GPL-only symbol");
