// SPDX-License-Identifier: GPL-2.0
/*
 * Broken on purpose: a world-writable parameter (0666), which the kernel refuses at build time,
 * and a parameter without MODULE_PARM_DESC.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

static int threshold = 10;
module_param(threshold, int, 0666);
MODULE_PARM_DESC(threshold, "A threshold anyone could change");

static int quiet;
module_param(quiet, int, 0444);

static int __init badparam_init(void)
{
	pr_info("badparam: threshold=%d quiet=%d\n", threshold, quiet);
	return 0;
}

static void __exit badparam_exit(void)
{
}

module_init(badparam_init);
module_exit(badparam_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Parameters with mistakes");
