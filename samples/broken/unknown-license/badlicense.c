// SPDX-License-Identifier: GPL-2.0
/*
 * Broken on purpose: "GPLv2" is not a licence string the kernel knows (it wants "GPL"), so the
 * module is treated as proprietary and taints the kernel.
 */
#include <linux/init.h>
#include <linux/module.h>

static int __init badlicense_init(void)
{
	pr_info("badlicense: init\n");
	return 0;
}

static void __exit badlicense_exit(void)
{
	pr_info("badlicense: exit\n");
}

module_init(badlicense_init);
module_exit(badlicense_exit);
MODULE_LICENSE("GPLv2");
MODULE_DESCRIPTION("A module with a licence string the kernel does not know");
