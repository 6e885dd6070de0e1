// SPDX-License-Identifier: GPL-2.0
/*
 * Broken on purpose: a normal function calls an __init function, which is freed after init.
 * modpost warns: section mismatch in reference: mismatch_reset (section: .text) ->
 * mismatch_setup (section: .init.text).
 */
#include <linux/init.h>
#include <linux/module.h>

static int counter;

static noinline int __init mismatch_setup(void)
{
	counter = 1;
	return 0;
}

/* Called after init as well: by then mismatch_setup's code is gone. */
noinline int mismatch_reset(void)
{
	return mismatch_setup();
}
EXPORT_SYMBOL_GPL(mismatch_reset);

static int __init mismatch_init(void)
{
	return mismatch_setup();
}

static void __exit mismatch_exit(void)
{
	pr_info("mismatch: counter=%d\n", counter);
}

module_init(mismatch_init);
module_exit(mismatch_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A normal function calling an __init function");
