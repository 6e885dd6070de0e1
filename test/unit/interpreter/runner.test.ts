import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { InterpreterEntryPointRunner } from '../../../server/src/kernel/interpreter/interpreterRunner';
import { CParser } from '../../../server/src/kernel/parsing/cParser';
import type { LoadableParameter } from '../../../server/src/kernel/simulator/loadableModule';
import { restoreMachine, serializeMachine } from '../../../server/src/kernel/simulator/persistence';
import { dmesg, FIXTURES, ko, sh, testMachine, testProfile } from '../simulator/helpers';
import { harness, lines } from './helpers';

const SAMPLES = path.resolve(FIXTURES, '../../samples');

/** The samples' folder holding `<name>.c`: the fixture .ko files were built from them. */
function sampleFolder(name: string, dir = SAMPLES): string | undefined {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name === `${name}.c`) return dir;
    if (entry.isDirectory()) {
      const found = sampleFolder(name, path.join(dir, entry.name));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

let parser: CParser;
before(async () => {
  parser = await CParser.load();
});

function machine() {
  return testMachine({ runner: new InterpreterEntryPointRunner(parser, { sourceDir: (m) => sampleFolder(m.name) }) });
}

describe('interpreter: the samples` .ko files run as the real kernel recorded them (test/fixtures/vm/golden)', () => {
  it('hello prints its greeting and its goodbye', () => {
    const m = machine();
    assert.equal(sh(m, 'insmod /mods/hello.ko').exit, 0);
    assert.deepEqual(dmesg(m).slice(-1), ['<6>hello: Hello, world!']);
    assert.equal(sh(m, 'rmmod hello').exit, 0);
    assert.deepEqual(dmesg(m), ['<6>hello: Goodbye, world!']);
  });

  it('consumer calls provider`s exports, which run from provider`s sources', () => {
    const m = machine();
    sh(m, 'insmod /mods/provider.ko');
    sh(m, 'insmod /mods/consumer.ko');
    assert.deepEqual(dmesg(m).slice(-2), ['<6>provider: init', '<6>consumer: prov_add(2,3)=5 prov_gpl_mul(4,5)=20']);
    sh(m, 'rmmod consumer provider');
    assert.deepEqual(dmesg(m), ['<6>consumer: exit', '<6>provider: exit']);
  });

  it('an init returning -ENODEV fails the load with "No such device"', () => {
    const m = machine();
    const result = sh(m, 'insmod /mods/enodev.ko');
    assert.equal(result.exit, 1);
    assert.equal(result.stderr, 'insmod: ERROR: could not insert module /mods/enodev.ko: No such device\n');
    assert.deepEqual(dmesg(m).slice(-1), ['<6>enodev: init, returning -ENODEV']);
    assert.equal(m.kernel.find('enodev'), undefined);
  });

  it('params prints the values insmod gave, and exit sees a value written to sysfs', () => {
    const m = machine();
    sh(m, 'insmod /mods/params.ko count=2 name=kernel loud=1 delay_ms=250 debug_level=3 ports=7,8,9 tag=abc');
    assert.deepEqual(dmesg(m).slice(-6), [
      '<4>params: Hello, kernel! [abc]',
      '<4>params: Hello, kernel! [abc]',
      '<6>params: delay_ms=250 debug_level=3 nports=3',
      '<6>params: ports[0]=7',
      '<6>params: ports[1]=8',
      '<6>params: ports[2]=9',
    ]);
    sh(m, 'echo 42 > /sys/module/params/parameters/count');
    sh(m, 'rmmod params');
    assert.deepEqual(dmesg(m), ['<6>params: exit count=42 name=kernel']);
    sh(m, 'insmod /mods/params.ko');
    assert.deepEqual(dmesg(m), [
      '<6>params: Hello, world! [demo]',
      '<6>params: delay_ms=100 debug_level=-1 nports=2',
      '<6>params: ports[0]=10',
      '<6>params: ports[1]=20',
    ]);
  });

  it('chardev gets the dynamic major the reference kernel gave, and notes the defaults it took', () => {
    const m = machine();
    sh(m, 'insmod /mods/chardev.ko');
    assert.deepEqual(dmesg(m).slice(-1), ['<6>chardev: registered major 246 minor 0']);
    assert.ok(
      m.kernel.notes.includes('chardev: not simulated: cdev_add() taken to return 0'),
      m.kernel.notes.join('\n'),
    );
  });

  it('without sources the declared defaults are taken, as before', () => {
    const m = testMachine({ runner: new InterpreterEntryPointRunner(parser) });
    sh(m, 'insmod /mods/hello.ko');
    assert.ok(!dmesg(m).some((l) => l.includes('Hello')));
    assert.ok(m.kernel.notes.some((n) => /hello: init not simulated/.test(n)));
  });
});

describe('interpreter: module parameters', () => {
  const parameter = (
    name: string,
    type: LoadableParameter['type'],
    initial: string[],
    array?: number,
  ): LoadableParameter => ({
    name,
    type,
    perm: 0o644,
    initial,
    from: 'source',
    ...(array !== undefined ? { array: { max: array, count: initial.length } } : {}),
  });
  const source = `#include <linux/module.h>
static char *who;
module_param(who, charp, 0444);
static bool on = true;
module_param(on, bool, 0644);
static bool off;
module_param(off, invbool, 0644);
static unsigned int mask = 0x10;
module_param_named(bits, mask, hexint, 0644);
static long vals[3] = { 1, 2, 3 };
static int nvals = 3;
module_param_array(vals, long, &nvals, 0444);
static char label[8] = "lbl";
module_param_string(label, label, sizeof(label), 0444);
static int __init t_init(void)
{
	pr_info("%s %d %d %#x %d:%ld,%ld,%ld %s\\n", who, on, off, mask, nvals, vals[0], vals[1], vals[2], label);
	return 0;
}
module_init(t_init);
`;
  const parameters = [
    parameter('who', 'charp', ['(null)']),
    parameter('on', 'bool', ['Y']),
    parameter('off', 'invbool', ['Y']),
    parameter('bits', 'hexint', ['0x000010']),
    parameter('vals', 'long', ['1', '2', '3'], 3),
    parameter('label', 'string', ['lbl']),
  ];

  it('keeps the initializers when the kernel holds the initial values', () => {
    const h = harness(parser, 't', source, { parameters });
    assert.deepEqual(lines(h.init()), ['<6>(null) 1 0 0x10 3:1,2,3 lbl']);
  });

  it('reads the values the kernel holds (charp, bool, invbool, hexint, arrays with their count, strings)', () => {
    const h = harness(parser, 't', source, { parameters });
    h.params.set('who', ['me']);
    h.params.set('on', ['N']);
    h.params.set('off', ['N']);
    h.params.set('bits', ['0xff']);
    h.params.set('vals', ['-5']);
    h.params.set('label', ['x y']);
    assert.deepEqual(lines(h.init()), ['<6>me 0 1 0xff 1:-5,2,3 x y']);
  });
});

/** The first `cat /proc/devices` of the real kernel's sources golden: its boot registrations. */
function realBootDevices(): string {
  const golden = readFileSync(path.join(FIXTURES, 'vm/golden/sources.txt'), 'utf8');
  const block = /^\$ cat \/proc\/devices\n--- stdout:\n([\s\S]*?)\[exit=0\]$/m.exec(golden);
  assert.ok(block, 'the golden reads /proc/devices');
  return block[1]!;
}

describe('interpreter: device numbers registered by init, in /proc/devices (golden/sources.txt)', () => {
  it('boots with the real kernel`s registrations; chardev`s dynamic major is listed while it is loaded', () => {
    const m = machine();
    const boot = realBootDevices();
    assert.equal(sh(m, 'cat /proc/devices').stdout, boot);
    sh(m, 'insmod /mods/chardev.ko');
    assert.equal(sh(m, 'cat /proc/devices').stdout, boot.replace('247 cxl\n', '246 chardev\n247 cxl\n'));
    sh(m, 'rmmod chardev');
    assert.equal(sh(m, 'cat /proc/devices').stdout, boot);
  });

  it('an exit that forgets unregister_chrdev leaves the line and the major taken; save and restore keep it', () => {
    const m = machine();
    m.writeFile('/mods/leaky.ko', { kind: 'bytes', bytes: ko('leaky') });
    sh(m, 'insmod /mods/leaky.ko');
    assert.deepEqual(dmesg(m).slice(-1), ['<6>leaky: major 246']);
    assert.equal(sh(m, 'rmmod leaky').exit, 0);
    const stale = realBootDevices().replace('247 cxl\n', '246 leaky\n247 cxl\n');
    assert.equal(sh(m, 'cat /proc/devices').stdout, stale);
    const restored = restoreMachine(
      serializeMachine(m),
      testProfile(),
      new InterpreterEntryPointRunner(parser, { sourceDir: (mod) => sampleFolder(mod.name) }),
    );
    assert.equal(sh(restored, 'cat /proc/devices').stdout, stale);
    sh(restored, 'insmod /mods/chardev.ko');
    assert.deepEqual(dmesg(restored).slice(-1), ['<6>chardev: registered major 245 minor 0']);
  });

  it('register_chrdev_region, __register_chrdev, register_blkdev: static and dynamic majors, clashes, release', () => {
    const h = harness(
      parser,
      'devs',
      `#include <linux/module.h>
#include <linux/fs.h>
static int blk, dyn;
static int __init devs_init(void)
{
	int a = register_chrdev_region(MKDEV(300, 0), 4, "region");
	int b = register_chrdev_region(MKDEV(300, 2), 1, "clash");
	int c = __register_chrdev(0, 0, 16, "ranged", NULL);
	int d = register_blkdev(259, "taken");
	int e = register_chrdev(600, "big", NULL);
	blk = register_blkdev(0, "dynblk");
	dyn = register_blkdev(0, "dynblk2");
	pr_info("%d %d %d %d %d %d %d\\n", a, b, c, d, e, blk, dyn);
	return 0;
}
static void __exit devs_exit(void)
{
	unregister_chrdev_region(MKDEV(300, 0), 4);
	unregister_blkdev(blk, "dynblk");
}
module_init(devs_init);
module_exit(devs_exit);
MODULE_LICENSE("GPL");
`,
    );
    assert.deepEqual(lines(h.init()), [
      '<4>register_blkdev: cannot get major 259 for taken',
      '<3>CHRDEV "big" major requested (600) is greater than the maximum (511)',
      '<6>0 -16 246 -16 -22 254 253',
    ]);
    const devices = h.runner.devices.procDevices();
    assert.match(
      devices,
      /\n246 ranged\n247 cxl\n[\s\S]*\n300 region\n\nBlock devices:\n253 dynblk2\n254 dynblk\n259 blkext\n$/,
    );
    h.exit();
    assert.match(h.runner.devices.procDevices(), /\n254 gpiochip\n\nBlock devices:\n253 dynblk2\n259 blkext\n$/);
  });
});
