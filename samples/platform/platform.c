// SPDX-License-Identifier: GPL-2.0
/*
 * platform: a platform driver declared with module_platform_driver(), which writes the module's
 * init and exit for it. It binds to a platform device named "lkm-platform-demo".
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/mod_devicetable.h>

static int demo_probe(struct platform_device *pdev)
{
	dev_info(&pdev->dev, "probed\n");
	return 0;
}

static int demo_remove(struct platform_device *pdev)
{
	dev_info(&pdev->dev, "removed\n");
	return 0;
}

static const struct platform_device_id demo_ids[] = {
	{ .name = "lkm-platform-demo" },
	{ }
};
MODULE_DEVICE_TABLE(platform, demo_ids);

static struct platform_driver demo_driver = {
	.probe = demo_probe,
	.remove = demo_remove,
	.id_table = demo_ids,
	.driver = {
		.name = "lkm-platform-demo",
	},
};
module_platform_driver(demo_driver);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A platform driver declared with module_platform_driver");
