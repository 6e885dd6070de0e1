// SPDX-License-Identifier: GPL-2.0
/*
 * Broken on purpose (seed pitfall 3): user-space C library calls in kernel code. There is no
 * printf or malloc in the kernel: use pr_info and kmalloc.
 */
#include <linux/init.h>
#include <linux/module.h>

extern int printf(const char *format, ...);
extern void *malloc(unsigned long size);
extern void free(void *ptr);

static void *area;

static int __init userspace_init(void)
{
	area = malloc(128);
	printf("userspace: allocated %p\n", area);
	return 0;
}

static void __exit userspace_exit(void)
{
	free(area);
}

module_init(userspace_init);
module_exit(userspace_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Uses printf, malloc and free");
