// SPDX-License-Identifier: GPL-2.0
/*
 * Broken on purpose: dma_buf_get and dma_buf_put live in the DMA_BUF symbol namespace, and this
 * module does not MODULE_IMPORT_NS(DMA_BUF). modpost: module nsuser uses symbol dma_buf_get from
 * namespace DMA_BUF, but does not import it.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/dma-buf.h>
#include <linux/err.h>

static int fd = -1;
module_param(fd, int, 0444);
MODULE_PARM_DESC(fd, "A dma-buf file descriptor to look at");

static int __init nsuser_init(void)
{
	struct dma_buf *buf = dma_buf_get(fd);

	if (IS_ERR(buf))
		return PTR_ERR(buf);
	pr_info("nsuser: dma-buf of %zu bytes\n", buf->size);
	dma_buf_put(buf);
	return 0;
}

static void __exit nsuser_exit(void)
{
}

module_init(nsuser_init);
module_exit(nsuser_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A module using a namespaced symbol without importing the namespace");
