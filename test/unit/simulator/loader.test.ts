import { strict as assert } from 'node:assert';
import { dumpStackHeader } from '../../../server/src/kernel/simulator/dumpStack';
import { ScriptedEntryPointRunner } from '../../../server/src/kernel/simulator/entryPoints';
import { ERRNO } from '../../../server/src/kernel/simulator/errno';
import { moduleFromKo } from '../../../server/src/kernel/simulator/koModule';
import { loadModule, type LoadInput } from '../../../server/src/kernel/simulator/loader';
import type { LoadableModule } from '../../../server/src/kernel/simulator/loadableModule';
import { procModules } from '../../../server/src/kernel/simulator/procfs';
import { deleteModule } from '../../../server/src/kernel/simulator/unloader';
import { dmesg, ko, patch, sh, testMachine, testProfile } from './helpers';

const image = (name: string, bytes = ko(name)): LoadInput => ({ kind: 'image', bytes, path: `/mods/${name}.ko` });
const moduleInput = (module: LoadableModule): LoadInput => ({ kind: 'module', module });

describe('simulator: the loader, check by check in 6.1 order', () => {
  it('loads hello: O and E taints with their first-time messages, /proc/modules and tainted as on the real kernel', () => {
    const machine = testMachine();
    assert.equal(loadModule(machine.kernel, image('hello'), '').errno, 0);
    assert.deepEqual(dmesg(machine), [
      '<4>hello: loading out-of-tree module taints kernel.',
      '<5>hello: module verification failed: signature and/or required key missing - tainting kernel',
    ]);
    assert.equal(procModules(machine.kernel), 'hello 16384 0 - Live 0xffffffffc0201000 (OE)\n');
    assert.equal(machine.kernel.taintValue(), 12288);
  });

  it("an in-tree, signed module (like Debian's e1000) taints nothing: no letters in /proc/modules, an empty taint file", () => {
    const machine = testMachine();
    const hello = moduleFromKo(ko('hello'), '/lib/modules/6.1.0-56-amd64/kernel/hello.ko');
    const intree = { ...hello, signed: true, modinfo: [...hello.modinfo, { key: 'intree', value: 'Y' }] };
    assert.equal(loadModule(machine.kernel, moduleInput(intree), '').errno, 0);
    assert.deepEqual(dmesg(machine), []);
    assert.equal(procModules(machine.kernel), 'hello 16384 0 - Live 0xffffffffc0201000\n');
    assert.equal(sh(machine, 'cat /sys/module/hello/taint').stdout, '\n');
    assert.equal(sh(machine, 'cat /proc/sys/kernel/tainted').stdout, '0\n');
  });

  it('an empty file is EINVAL with nothing logged (kernel_read_file)', () => {
    const machine = testMachine();
    assert.equal(loadModule(machine.kernel, image('empty', new Uint8Array(0)), '').errno, ERRNO.EINVAL);
    assert.deepEqual(dmesg(machine), []);
  });

  it('a text file: "Invalid ELF header len N" at KERN_ERR, ENOEXEC', () => {
    const machine = testMachine();
    const text = new TextEncoder().encode('this is not a kernel module, just text.\n...\n');
    assert.equal(loadModule(machine.kernel, image('notamodule', text), '').errno, ERRNO.ENOEXEC);
    assert.deepEqual(dmesg(machine), [`<3>Invalid ELF header len ${text.length}`]);
  });

  it('an object without .modinfo and struct module: "(missing .modinfo section or name field): No module found in object" at KERN_WARNING', () => {
    const machine = testMachine();
    let bytes = patch(ko('hello'), '.gnu.linkonce.this_module', '.gnu.linkonce.this_modulX');
    bytes = patch(bytes, '\0.modinfo\0', '\0.modinfX\0');
    assert.equal(loadModule(machine.kernel, image('hello', bytes), '').errno, ERRNO.ENOEXEC);
    assert.deepEqual(dmesg(machine), ['<4>(missing .modinfo section or name field): No module found in object']);
  });

  it('module_layout CRC is checked first: "disagrees about version of symbol module_layout", ENOEXEC, nothing tainted', () => {
    const machine = testMachine();
    const crc = Buffer.alloc(8);
    crc.writeUInt32LE(0x9060323f);
    const bad = Buffer.alloc(8);
    bad.writeUInt32LE(0x9060323e);
    const bytes = patch(
      ko('hello'),
      Buffer.concat([crc, Buffer.from('module_layout')]),
      Buffer.concat([bad, Buffer.from('module_layout')]),
    );
    assert.equal(loadModule(machine.kernel, image('badcrc', bytes), '').errno, ERRNO.ENOEXEC);
    assert.deepEqual(dmesg(machine), ['<4>hello: disagrees about version of symbol module_layout']);
    assert.equal(machine.kernel.taintValue(), 0);
  });

  it('vermagic: another release word loads (modversions), other flags are refused with both strings', () => {
    const machine = testMachine();
    const release = patch(ko('hello'), 'vermagic=6.1.0-56-amd64', 'vermagic=6.1.0-99-amd64');
    assert.equal(loadModule(machine.kernel, image('badmagic', release), '').errno, 0);
    sh(machine, 'rmmod hello');
    dmesg(machine);
    const flags = patch(ko('hello'), 'mod_unload modversions', 'mod_unlXad modversions');
    assert.equal(loadModule(machine.kernel, image('badmagic2', flags), '').errno, ERRNO.ENOEXEC);
    assert.deepEqual(dmesg(machine), [
      "<3>hello: version magic '6.1.0-56-amd64 SMP preempt mod_unlXad modversions ' should be '6.1.0-56-amd64 SMP preempt mod_unload modversions '",
    ]);
  });

  it('already loaded and live: EEXIST, no log line, taint unchanged', () => {
    const machine = testMachine();
    loadModule(machine.kernel, image('hello'), '');
    dmesg(machine);
    assert.equal(loadModule(machine.kernel, image('hello'), '').errno, ERRNO.EEXIST);
    assert.deepEqual(dmesg(machine), []);
    assert.equal(machine.kernel.modules.length, 1);
  });

  it('still loading (the same module loaded from its own init): EBUSY', () => {
    let inner = -1;
    const machine = testMachine({
      runner: new ScriptedEntryPointRunner({
        hello: { init: { run: () => ((inner = loadModule(machine.kernel, image('hello'), '').errno), {}) } },
      }),
    });
    assert.equal(loadModule(machine.kernel, image('hello'), '').errno, 0);
    assert.equal(inner, ERRNO.EBUSY);
  });

  it('licence: Proprietary taints P with "Disabling lock debugging" once per boot; P stays when the load then fails', () => {
    const machine = testMachine();
    sh(machine, 'insmod /mods/provider.ko');
    dmesg(machine);
    const propok = moduleFromKo(ko('propok'), '/mods/propcons.ko');
    const propcons: LoadableModule = {
      ...propok,
      name: 'propcons',
      imports: propok.imports.map((i) => (i.name === 'prov_add' ? { ...i, name: 'prov_gpl_mul' } : i)),
      versions: [...(propok.versions ?? []), { name: 'prov_gpl_mul', crc: 0x1fa79e1d }],
    };
    assert.equal(loadModule(machine.kernel, moduleInput(propcons), '').errno, ERRNO.ENOENT);
    assert.deepEqual(dmesg(machine), [
      "<4>propcons: module license 'Proprietary' taints kernel.",
      '<4>Disabling lock debugging due to kernel taint',
      '<4>propcons: Unknown symbol prov_gpl_mul (err -2)',
    ]);
    assert.equal(machine.kernel.taintValue(), 12289);
    // The second proprietary module says nothing more about taint.
    assert.equal(sh(machine, 'insmod /mods/propok.ko').exit, 0);
    assert.deepEqual(dmesg(machine), []);
    assert.match(procModules(machine.kernel), /^propok 16384 0 - Live 0x\w+ \(POE\)\nprovider 16384 1 propok, Live/);
  });

  it('a licence the kernel does not know is proprietary: "module license \'GPLv2\' taints kernel."', () => {
    const machine = testMachine();
    sh(machine, 'insmod /mods/badlicense.ko');
    assert.ok(dmesg(machine).includes("<4>badlicense: module license 'GPLv2' taints kernel."));
  });

  it('no licence at all reads "unspecified"; first out-of-tree load prints O, P, lock debugging, then E', () => {
    const machine = testMachine();
    const bytes = patch(ko('hello'), 'license=GPL\0', 'lizense=GPL\0');
    assert.equal(loadModule(machine.kernel, image('nolicense', bytes), '').errno, 0);
    assert.deepEqual(dmesg(machine), [
      '<4>hello: loading out-of-tree module taints kernel.',
      "<4>hello: module license 'unspecified' taints kernel.",
      '<4>Disabling lock debugging due to kernel taint',
      '<5>hello: module verification failed: signature and/or required key missing - tainting kernel',
    ]);
    assert.match(procModules(machine.kernel), /\(POE\)\n$/);
  });

  it('unknown symbols: each reported in symbol-table order with err -2, ENOENT, nothing left loaded', () => {
    const machine = testMachine();
    assert.equal(loadModule(machine.kernel, image('consumer'), '').errno, ERRNO.ENOENT);
    assert.deepEqual(dmesg(machine).slice(2), [
      '<4>consumer: Unknown symbol prov_gpl_mul (err -2)',
      '<4>consumer: Unknown symbol prov_add (err -2)',
    ]);
    assert.equal(procModules(machine.kernel), '');
  });

  it('a symbol CRC that differs: "disagrees about version of symbol" then "Unknown symbol … (err -22)", EINVAL', () => {
    const machine = testMachine();
    sh(machine, 'insmod /mods/provider.ko');
    dmesg(machine);
    const consumer = moduleFromKo(ko('consumer'), '/mods/consumer.ko');
    const changed = {
      ...consumer,
      versions: consumer.versions!.map((v) => (v.name === 'prov_add' ? { ...v, crc: 1 } : v)),
    };
    assert.equal(loadModule(machine.kernel, moduleInput(changed), '').errno, ERRNO.EINVAL);
    assert.deepEqual(dmesg(machine), [
      '<4>consumer: disagrees about version of symbol prov_add',
      '<4>consumer: Unknown symbol prov_add (err -22)',
    ]);
    assert.equal(machine.kernel.find('provider')?.refcount, 0, 'the reference taken for prov_gpl_mul is given back');
  });

  it('no recorded version for a symbol: "no symbol version for" each time, err -22 (as 6.1.192 does)', () => {
    const machine = testMachine();
    sh(machine, 'insmod /mods/provider.ko');
    dmesg(machine);
    const consumer = moduleFromKo(ko('consumer'), '/mods/consumer.ko');
    const stripped = { ...consumer, versions: consumer.versions!.filter((v) => !v.name.startsWith('prov_')) };
    assert.equal(loadModule(machine.kernel, moduleInput(stripped), '').errno, ERRNO.EINVAL);
    assert.deepEqual(dmesg(machine), [
      '<4>consumer: no symbol version for prov_gpl_mul',
      '<4>consumer: Unknown symbol prov_gpl_mul (err -22)',
      '<4>consumer: no symbol version for prov_add',
      '<4>consumer: Unknown symbol prov_add (err -22)',
    ]);
  });

  it('a namespaced symbol not imported: the namespace error, then "Unknown symbol … (err -22)"', () => {
    const machine = testMachine({ profile: testProfile(['0x12345678\tns_thing\tvmlinux\tEXPORT_SYMBOL_GPL\tMY_NS']) });
    const hello = moduleFromKo(ko('hello'), '/mods/hello.ko');
    const user = {
      ...hello,
      imports: [...hello.imports, { name: 'ns_thing', weak: false, certain: true }],
      builtAgainstTarget: true,
    };
    assert.equal(loadModule(machine.kernel, moduleInput(user), '').errno, ERRNO.EINVAL);
    assert.deepEqual(dmesg(machine).slice(2), [
      '<3>hello: module uses symbol (ns_thing) from namespace MY_NS, but does not import it.',
      '<4>hello: Unknown symbol ns_thing (err -22)',
    ]);
    const importing = { ...user, modinfo: [...user.modinfo, { key: 'import_ns', value: 'MY_NS' }] };
    assert.equal(loadModule(machine.kernel, moduleInput(importing), '').errno, 0);
  });

  it('a weak undefined symbol nobody exports is fine', () => {
    const machine = testMachine();
    const hello = moduleFromKo(ko('hello'), '/mods/hello.ko');
    const weak = { ...hello, imports: [...hello.imports, { name: 'nobody_has_it', weak: true, certain: true }] };
    assert.equal(loadModule(machine.kernel, moduleInput(weak), '').errno, 0);
  });

  it('a duplicate export: "exports duplicate symbol prov_add (owned by provider)", ENOEXEC', () => {
    const machine = testMachine();
    sh(machine, 'insmod /mods/provider.ko');
    dmesg(machine);
    assert.equal(loadModule(machine.kernel, image('dupexport'), '').errno, ERRNO.ENOEXEC);
    assert.deepEqual(dmesg(machine), ['<3>dupexport: exports duplicate symbol prov_add (owned by provider)']);
  });

  it('a proprietary module using a proprietary module passes the taint on; a GPL-only user of one is refused', () => {
    const machine = testMachine();
    const provider = moduleFromKo(ko('provider'), '/mods/provider.ko');
    const propProvider = {
      ...provider,
      license: 'Proprietary',
      exports: provider.exports.map((e) => ({ ...e, gplOnly: false })),
    };
    assert.equal(loadModule(machine.kernel, moduleInput(propProvider), '').errno, 0);
    dmesg(machine);
    assert.equal(loadModule(machine.kernel, image('consumer'), '').errno, 0);
    assert.deepEqual(dmesg(machine), [
      '<4>consumer: module uses symbols prov_gpl_mul from proprietary module provider, inheriting taint.',
    ]);
    assert.match(procModules(machine.kernel), /^consumer 16384 0 - Live 0x\w+ \(POE\)/);
    const hello = moduleFromKo(ko('hello'), '/mods/hello.ko');
    const gplUser = {
      ...hello,
      name: 'gpluser',
      builtAgainstTarget: true,
      imports: [
        { name: 'debugfs_create_dir', weak: false, certain: true },
        { name: 'prov_add', weak: false, certain: true },
      ],
    };
    assert.equal(loadModule(machine.kernel, moduleInput(gplUser), '').errno, ERRNO.ENOENT);
    assert.deepEqual(dmesg(machine), [
      '<3>gpluser: module using GPL-only symbols uses symbols prov_add from proprietary module provider.',
      '<4>gpluser: Unknown symbol prov_add (err -2)',
    ]);
  });

  it('init returning -ENODEV: that errno, no kernel line of its own, references given back, memory freed', () => {
    const machine = testMachine({
      runner: new ScriptedEntryPointRunner({
        consumer: { init: { returns: -19, printk: [{ level: 6, text: 'consumer: init failing' }] } },
      }),
    });
    sh(machine, 'insmod /mods/provider.ko');
    dmesg(machine);
    assert.equal(loadModule(machine.kernel, image('consumer'), '').errno, ERRNO.ENODEV);
    assert.deepEqual(dmesg(machine), ['<6>consumer: init failing']);
    assert.equal(machine.kernel.find('provider')?.refcount, 0);
    assert.deepEqual(machine.kernel.find('provider')?.holders, []);
    assert.equal(machine.kernel.find('consumer'), undefined);
    sh(machine, 'insmod /mods/hello.ko');
    assert.match(procModules(machine.kernel), /^hello 16384 0 - Live 0xffffffffc0206000/);
  });

  it("init code sees its parameters and calls another module's export through the exporter's runner", () => {
    const machine = testMachine({
      runner: new ScriptedEntryPointRunner({
        provider: { functions: { prov_add: ([a, b]) => ({ value: a! + b!, printk: [] }) } },
        consumer: {
          init: {
            run: (ctx) => {
              const sum = ctx.callExport('prov_add', [2, 3])?.value;
              return { printk: [{ level: 6, text: `consumer: prov_add(2,3)=${sum}` }] };
            },
          },
        },
        params: {
          init: { run: (ctx) => ({ printk: [{ level: 6, text: `params: count=${ctx.parameter('count')?.join()}` }] }) },
        },
      }),
    });
    sh(machine, 'insmod /mods/provider.ko');
    sh(machine, 'insmod /mods/consumer.ko');
    sh(machine, 'insmod /mods/params.ko count=0x20');
    assert.deepEqual(dmesg(machine).slice(2), ['<6>consumer: prov_add(2,3)=5', '<6>params: count=32']);
  });

  it('init returning a positive value: two do_init_module warnings, dump_stack, and the module is live', () => {
    const machine = testMachine({ runner: new ScriptedEntryPointRunner({ hello: { init: { returns: 5 } } }) });
    assert.equal(sh(machine, 'insmod /mods/hello.ko').exit, 0);
    // As golden/extended-init.txt, but for the stale `? …` frames and the user-space registers.
    const trace = (comm: string, pid: number, taint: string) => [
      `<4>CPU: 0 PID: ${pid} Comm: ${comm} ${taint} 6.1.0-56-amd64 #1  Debian 6.1.192-2`,
      '<4>Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 04/01/2014',
      '<4>Call Trace:',
      '<4> <TASK>',
      '<4> dump_stack_lvl+0x44/0x5c',
      '<4> do_init_module.cold+0x21/0x26',
      '<4> __do_sys_finit_module+0xac/0x120',
      '<4> do_syscall_64+0x5d/0xb0',
      '<4> entry_SYSCALL_64_after_hwframe+0x6e/0xd8',
      '<4> </TASK>',
    ];
    assert.deepEqual(dmesg(machine).slice(2), [
      "<4>do_init_module: 'hello'->init suspiciously returned 5, it should follow 0/-E convention",
      '<4>do_init_module: loading module anyway...',
      ...trace('insmod', 129, 'Tainted: G           OE     '),
    ]);
    assert.equal(machine.kernel.find('hello')?.state, 'live');
    sh(machine, 'rmmod hello');
    sh(machine, 'busybox insmod /mods/hello.ko');
    assert.deepEqual(dmesg(machine).slice(2), trace('busybox', 131, 'Tainted: G           OE     '));
    // An untainted kernel says so; another release's version string gives its own build words.
    assert.equal(
      dumpStackHeader(testMachine().kernel),
      'CPU: 0 PID: 128 Comm: sh Not tainted 6.1.0-56-amd64 #1  Debian 6.1.192-2',
    );
    const other = testMachine({
      config: { release: '6.6.9', version: 'Linux version 6.6.9 (me@host) (gcc 13) #7 SMP Tue' },
    });
    assert.equal(dumpStackHeader(other.kernel), 'CPU: 0 PID: 128 Comm: sh Not tainted 6.6.9 #7');
  });

  it('CONFIG_MODULE_SIG_FORCE refuses an unsigned module first: "Loading of unsigned module is rejected", EKEYREJECTED', () => {
    const machine = testMachine({ config: { sigForce: true } });
    assert.equal(loadModule(machine.kernel, image('hello'), '').errno, ERRNO.EKEYREJECTED);
    assert.deepEqual(dmesg(machine), ['<5>Loading of unsigned module is rejected']);
    assert.equal(
      sh(machine, 'insmod /mods/hello.ko').stderr,
      'insmod: ERROR: could not insert module /mods/hello.ko: Key was rejected by service\n',
    );
  });

  it('modules_disabled: EPERM for loading and unloading', () => {
    const machine = testMachine({ config: { modulesDisabled: true } });
    assert.equal(loadModule(machine.kernel, image('hello'), '').errno, ERRNO.EPERM);
    assert.equal(deleteModule(machine.kernel, 'hello'), ERRNO.EPERM);
  });

  it('sizes: core+init while loading, core once live; module addresses follow with a guard page, init parts freed after the command', () => {
    let during = '';
    const machine = testMachine({
      runner: new ScriptedEntryPointRunner({
        consumer: { init: { run: () => ((during = procModules(machine.kernel)), {}) } },
      }),
    });
    // One command loading two modules (modprobe): provider's init part is not freed yet.
    loadModule(machine.kernel, image('provider'), '');
    loadModule(machine.kernel, image('consumer'), '');
    assert.match(during, /^consumer 28672 0 - Loading 0xffffffffc020a000 \(OE\+\)\n/);
    machine.kernel.settle();
    assert.equal(
      procModules(machine.kernel),
      'consumer 16384 0 - Live 0xffffffffc020a000 (OE)\nprovider 16384 1 consumer, Live 0xffffffffc0201000 (OE)\n',
    );
  });
});
