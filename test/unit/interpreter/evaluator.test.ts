import { strict as assert } from 'node:assert';
import { CParser } from '../../../server/src/kernel/parsing/cParser';
import { harness, lines } from './helpers';

let parser: CParser;
before(async () => {
  parser = await CParser.load();
});

/** A module `t` whose init is `body` (after `globals`). */
function module(globals: string, body: string, exitBody = ''): string {
  return `#include <linux/module.h>
${globals}
static int __init t_init(void)
{
${body}
}
static void __exit t_exit(void)
{
${exitBody}
}
module_init(t_init);
module_exit(t_exit);
MODULE_LICENSE("GPL");
`;
}

describe('interpreter: statements and expressions', () => {
  it('runs a goto cleanup ladder: releases in reverse order and returns the error', () => {
    const h = harness(
      parser,
      't',
      module(
        `static int fail_at = 3;
static int acquire(int n) { if (n == fail_at) return -ENOMEM; pr_info("acquired %d\\n", n); return 0; }`,
        `	int ret;
	ret = acquire(1);
	if (ret)
		goto out;
	ret = acquire(2);
	if (ret)
		goto err_1;
	ret = acquire(3);
	if (ret)
		goto err_2;
	return 0;
err_2:
	pr_info("released 2\\n");
err_1:
	pr_info("released 1\\n");
out:
	return ret;`,
      ),
    );
    const r = h.init();
    assert.equal(r.returnValue, -12);
    assert.deepEqual(lines(r), ['<6>acquired 1', '<6>acquired 2', '<6>released 2', '<6>released 1']);
    assert.equal(r.simulated, true);
  });

  it('runs loops with break and continue, do/while, switch with fall-through and default, and a backward goto', () => {
    const h = harness(
      parser,
      't',
      module(
        '',
        `	int i, sum = 0, tries = 0, n = 0;
	for (i = 0; i < 10; i++) {
		if (i % 2)
			continue;
		if (i > 6)
			break;
		sum += i;
	}
	while (sum > 5)
		sum -= 5;
	do n++; while (n < 3);
	switch (n) {
	case 1: pr_info("one\\n"); break;
	case 3: pr_info("three\\n");
	case 4: pr_info("four\\n"); break;
	default: pr_info("other\\n");
	}
	switch (n + 10) { case 1: break; default: pr_info("default\\n"); }
retry:
	tries++;
	if (tries < 4)
		goto retry;
	pr_info("sum=%d n=%d tries=%d\\n", sum, n, tries);
	return 0;`,
      ),
    );
    const r = h.init();
    assert.deepEqual(lines(r), ['<6>three', '<6>four', '<6>default', '<6>sum=2 n=3 tries=4']);
    assert.deepEqual(r.notes, []);
  });

  it('calls its own functions, with recursion, static locals, arrays, pointers into arrays and macros', () => {
    const h = harness(
      parser,
      't',
      module(
        `#define SQUARE(x) ((x) * (x))
#define COUNT 4
enum color { RED, GREEN = 5, BLUE };
static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static int next(void) { static int calls; return ++calls; }
static int table[COUNT] = { 1, [2] = 30, 4 };
static const char *names[] = { "zero", "one" };
static char buf[16];`,
        `	int *p = &table[1];
	int x = 7;
	int *q = &x;
	*p = 20;
	*q += 1;
	next();
	next();
	snprintf(buf, sizeof(buf), "%s-%d", names[1], BLUE);
	pr_info("fib=%d sq=%d next=%d table=%d,%d,%d,%d x=%d n=%zu buf=%s len=%zu\\n", fib(15), SQUARE(1 + 2), next(),
		table[0], table[1], table[2], table[3], x, ARRAY_SIZE(table), buf, strlen(buf));
	return GREEN;`,
      ),
    );
    const r = h.init();
    assert.equal(r.returnValue, 5);
    assert.deepEqual(lines(r), ['<6>fib=610 sq=9 next=3 table=1,20,30,4 x=8 n=4 buf=one-6 len=5']);
  });

  it('keeps the module`s variables from init to exit', () => {
    const h = harness(
      parser,
      't',
      module('static int counter = 3;', 'counter *= 2;\nreturn 0;', 'pr_info("counter=%d\\n", counter);'),
    );
    assert.deepEqual(lines(h.init()), []);
    assert.deepEqual(lines(h.exit()), ['<6>counter=6']);
  });

  it('prints with printk levels, KERN_CONT, pr_fmt with KBUILD_MODNAME and __func__, and hides pr_debug', () => {
    const h = harness(
      parser,
      't',
      `#define pr_fmt(fmt) KBUILD_MODNAME ": %s: " fmt, __func__
#include <linux/module.h>
static int __init t_init(void)
{
	pr_info("hello %d\\n", 1);
	pr_err("bad\\n");
	pr_debug("hidden\\n");
	printk(KERN_NOTICE "raw\\n");
	printk("default level\\n");
	printk(KERN_INFO "a");
	pr_cont("b\\n");
	return 0;
}
module_init(t_init);
`,
    );
    assert.deepEqual(lines(h.init()), [
      '<6>t: t_init: hello 1',
      '<3>t: t_init: bad',
      '<5>raw',
      '<4>default level',
      '<6>ab',
    ]);
  });

  it('prints pr_debug when the module defines DEBUG', () => {
    const h = harness(parser, 't', `#define DEBUG\n${module('', 'pr_debug("shown %d\\n", 2);\nreturn 0;')}`);
    assert.deepEqual(lines(h.init()), ['<7>shown 2']);
  });

  it('takes the declared defaults for kernel APIs, and says so', () => {
    const h = harness(
      parser,
      't',
      module(
        `static int major;
static dev_t devno;
static struct class *cls;`,
        `	void *p = kzalloc(64, GFP_KERNEL);
	int second;
	if (!p)
		return -ENOMEM;
	major = register_chrdev(0, "t", NULL);
	second = register_chrdev(0, "t2", NULL);
	alloc_chrdev_region(&devno, 3, 1, "t3");
	cls = class_create(THIS_MODULE, "tcls");
	if (IS_ERR(cls))
		return PTR_ERR(cls);
	pr_info("majors %d %d %d:%d\\n", major, second, MAJOR(devno), MINOR(devno));
	return 0;`,
      ),
    );
    const r = h.init();
    assert.deepEqual(lines(r), ['<6>majors 246 245 244:3']);
    assert.ok(r.notes?.includes('t: not simulated: kzalloc() taken to return a non-NULL pointer'), String(r.notes));
    assert.ok(
      r.notes?.includes('t: not simulated: register_chrdev() taken to return 246 (a dynamic major, registered as t)'),
    );
    assert.ok(
      r.notes?.includes(
        't: not simulated: alloc_chrdev_region() taken to return 0 with major 244 (a dynamic major, registered as t3)',
      ),
    );
  });

  it('ERR_PTR/IS_ERR/PTR_ERR and %pe', () => {
    const h = harness(
      parser,
      't',
      module(
        '',
        'void *p = ERR_PTR(-EBUSY);\nif (IS_ERR(p)) { pr_err("failed: %pe (%ld)\\n", p, PTR_ERR(p)); return PTR_ERR(p); }\nreturn 0;',
      ),
    );
    const r = h.init();
    assert.equal(r.returnValue, -16);
    assert.deepEqual(lines(r), ['<3>failed: -EBUSY (-16)']);
  });

  it('calls other modules` exports through the kernel, their printk lines first', () => {
    const h = harness(
      parser,
      't',
      module('extern int other_add(int a, int b);', 'pr_info("sum=%d\\n", other_add(40, 2));\nreturn 0;'),
    );
    h.exports.set('other_add', (args) => ({
      value: args[0]! + args[1]!,
      printk: [{ level: 6, text: 'other: called' }],
    }));
    assert.deepEqual(lines(h.init()), ['<6>other: called', '<6>sum=42']);
  });

  it('runs a function for another module (callFunction) with the module`s own variables', () => {
    const h = harness(
      parser,
      'p',
      `static int base = 100;
int p_add(int a, int b) { pr_info("p_add\\n"); return base + a + b; }
static int __init p_init(void) { base = 1000; return 0; }
module_init(p_init);
`,
    );
    h.init();
    const result = h.runner.callFunction(h.context, 'p_add', [1, 2]);
    assert.equal(result?.value, 1003);
    assert.deepEqual(result?.printk, [{ level: 6, text: 'p_add' }]);
    assert.equal(h.runner.callFunction(h.context, 'no_such_function', []), undefined);
  });
});

describe('interpreter: hostile code is bounded and never throws', () => {
  it('stops a loop that does not end, with a note, and takes init as returning 0', () => {
    const h = harness(parser, 't', module('', 'pr_info("before\\n");\nwhile (1)\n\t;\nreturn -1;'), {
      limits: { steps: 20_000 },
    });
    const r = h.init();
    assert.equal(r.returnValue, 0);
    assert.deepEqual(lines(r), ['<6>before']);
    assert.ok(
      r.notes?.some((n) => /stopped after 20,000 steps in t_init\(\)/.test(n)),
      String(r.notes),
    );
  });

  it('stops deep recursion', () => {
    const h = harness(parser, 't', module('static int down(int n) { return down(n + 1) + 1; }', 'return down(0);'));
    const r = h.init();
    assert.equal(r.returnValue, 0);
    assert.ok(
      r.notes?.some((n) => /calls nested deeper than 200/.test(n)),
      String(r.notes),
    );
  });

  it('keeps huge arrays sparse, and notes out-of-bounds and NULL accesses', () => {
    const h = harness(
      parser,
      't',
      module(
        'static int big[1 << 28];\nstatic int small[4];',
        'int *np = NULL;\nbig[123456789] = 5;\nsmall[9] = 1;\npr_info("%d %d %d\\n", big[123456789], big[7], small[9]);\nreturn *np;',
      ),
    );
    const r = h.init();
    assert.deepEqual(lines(r), ['<6>5 0 0']);
    assert.equal(r.returnValue, 0);
    assert.ok(
      r.notes?.some((n) => /out-of-bounds write to small\[9\]/.test(n)),
      String(r.notes),
    );
    assert.ok(
      r.notes?.some((n) => /NULL pointer dereference/.test(n)),
      String(r.notes),
    );
  });

  it('notes code outside the subset and goes on', () => {
    const h = harness(
      parser,
      't',
      module(
        'struct thing { int a; };\nstatic struct thing *tp;',
        'double d = 1.5;\nint x = tp->a;\nint y = 7 / (x - x);\npr_info("still here %d\\n", y);\nreturn 0;',
      ),
    );
    const r = h.init();
    assert.deepEqual(lines(r), ['<6>still here 0']);
    assert.ok(
      r.notes?.some((n) => /floating point/.test(n)),
      String(r.notes),
    );
    assert.ok(
      r.notes?.some((n) => /division by zero/.test(n)),
      String(r.notes),
    );
  });

  it('survives deeply nested expressions and garbage', () => {
    const deep = `${'('.repeat(3000)}1${')'.repeat(3000)}`;
    const h = harness(parser, 't', module('', `int x = ${deep};\n@@@ garbage ;;\nreturn x;`));
    const r = h.init();
    assert.equal(typeof r.returnValue, 'number');
    assert.ok((r.notes?.length ?? 0) > 0);
  });

  it('stops mutual recursion between modules', () => {
    const h = harness(
      parser,
      'a',
      `extern int b_ping(int n);
int a_ping(int n) { return b_ping(n + 1); }
static int __init a_init(void) { return a_ping(0); }
module_init(a_init);
`,
      { extraFiles: { 'b/b.c': 'extern int a_ping(int n);\nint b_ping(int n) { return a_ping(n + 1); }\n' } },
    );
    const b = {
      ...h.context,
      module: { ...h.context.module, name: 'b', sourceDir: `${h.context.module.sourceDir}/b` },
    };
    const contextB = {
      ...b,
      callExport: (name: string, args: readonly number[]) =>
        name === 'a_ping' ? h.runner.callFunction(h.context, name, args) : undefined,
    };
    h.exports.set('b_ping', (args) => h.runner.callFunction(contextB, 'b_ping', args) ?? { printk: [] });
    const r = h.init();
    assert.equal(typeof r.returnValue, 'number');
    assert.ok(
      r.notes?.some((n) => /calls between modules nested deeper than 16/.test(n)),
      String(r.notes),
    );
  });
});
