// SPDX-License-Identifier: GPL-2.0
/*
 * chardev: a character device, /dev/chardev, that reads back a fixed message. init acquires a
 * device number, a cdev, a class and a device; exit releases them in reverse order, and every
 * error path in init releases what was already acquired.
 */
#include <linux/init.h>
#include <linux/module.h>
#include <linux/fs.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/uaccess.h>

#define DEVICE_NAME "chardev"

static const char message[] = "Hello from chardev\n";

static dev_t devno;
static struct cdev chardev_cdev;
static struct class *chardev_class;
static struct device *chardev_device;

static ssize_t chardev_read(struct file *file, char __user *buf, size_t len, loff_t *off)
{
	return simple_read_from_buffer(buf, len, off, message, sizeof(message) - 1);
}

static const struct file_operations chardev_fops = {
	.owner = THIS_MODULE,
	.read = chardev_read,
	.llseek = default_llseek,
};

static int __init chardev_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&devno, 0, 1, DEVICE_NAME);
	if (ret < 0)
		return ret;

	cdev_init(&chardev_cdev, &chardev_fops);
	chardev_cdev.owner = THIS_MODULE;
	ret = cdev_add(&chardev_cdev, devno, 1);
	if (ret < 0)
		goto err_region;

	chardev_class = class_create(THIS_MODULE, DEVICE_NAME);
	if (IS_ERR(chardev_class)) {
		ret = PTR_ERR(chardev_class);
		goto err_cdev;
	}

	chardev_device = device_create(chardev_class, NULL, devno, NULL, DEVICE_NAME);
	if (IS_ERR(chardev_device)) {
		ret = PTR_ERR(chardev_device);
		goto err_class;
	}

	pr_info("chardev: registered major %d minor %d\n", MAJOR(devno), MINOR(devno));
	return 0;

err_class:
	class_destroy(chardev_class);
err_cdev:
	cdev_del(&chardev_cdev);
err_region:
	unregister_chrdev_region(devno, 1);
	return ret;
}

static void __exit chardev_exit(void)
{
	device_destroy(chardev_class, devno);
	class_destroy(chardev_class);
	cdev_del(&chardev_cdev);
	unregister_chrdev_region(devno, 1);
	pr_info("chardev: unregistered\n");
}

module_init(chardev_init);
module_exit(chardev_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A character device that reads back a fixed message");
