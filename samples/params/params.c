// SPDX-License-Identifier: GPL-2.0
/*
 * params: module parameters of several types, readable (and some writable) under
 * /sys/module/params/parameters/.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

static int count = 1;
module_param(count, int, 0644);
MODULE_PARM_DESC(count, "How many times to greet (int, writable by root)");

static char *name = "world";
module_param(name, charp, 0444);
MODULE_PARM_DESC(name, "Whom to greet (charp)");

static bool loud;
module_param(loud, bool, 0644);
MODULE_PARM_DESC(loud, "Greet at KERN_WARNING level instead of KERN_INFO (bool)");

static unsigned long delay_ms = 100;
module_param(delay_ms, ulong, 0444);
MODULE_PARM_DESC(delay_ms, "A delay in milliseconds, only reported (ulong)");

static short level = -1;
module_param_named(debug_level, level, short, 0600);
MODULE_PARM_DESC(debug_level, "Debug level, -1 for none (short, named debug_level)");

static int ports[4] = { 10, 20 };
static int nports = 2;
module_param_array(ports, int, &nports, 0444);
MODULE_PARM_DESC(ports, "Up to four port numbers (array of int)");

static char tag[16] = "demo";
module_param_string(tag, tag, sizeof(tag), 0444);
MODULE_PARM_DESC(tag, "A short tag copied into a 16-byte buffer (string)");

static int __init params_init(void)
{
	int i;

	for (i = 0; i < count; i++) {
		if (loud)
			pr_warn("params: Hello, %s! [%s]\n", name, tag);
		else
			pr_info("params: Hello, %s! [%s]\n", name, tag);
	}
	pr_info("params: delay_ms=%lu debug_level=%d nports=%d\n", delay_ms, level, nports);
	for (i = 0; i < nports; i++)
		pr_info("params: ports[%d]=%d\n", i, ports[i]);
	return 0;
}

static void __exit params_exit(void)
{
	pr_info("params: exit count=%d name=%s\n", count, name);
}

module_init(params_init);
module_exit(params_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Module parameters of several types");
