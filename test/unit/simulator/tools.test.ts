import { strict as assert } from 'node:assert';
import { ScriptedEntryPointRunner } from '../../../server/src/kernel/simulator/entryPoints';
import { depmod, runDepmod } from '../../../server/src/kernel/simulator/depmod';
import { moduleFromKo } from '../../../server/src/kernel/simulator/koModule';
import type { LoadableModule } from '../../../server/src/kernel/simulator/loadableModule';
import type { Machine } from '../../../server/src/kernel/simulator/machine';
import { fnmatch } from '../../../server/src/kernel/simulator/moduleLookup';
import { dmesg, ko, sh, testMachine } from './helpers';

const EXTRA = '/lib/modules/6.1.0-56-amd64/extra';

function install(machine: Machine, names: readonly string[]): void {
  for (const name of names) machine.writeFile(`${EXTRA}/${name}.ko`, { kind: 'bytes', bytes: ko(name) });
  runDepmod(machine);
}

function installModule(machine: Machine, module: LoadableModule): void {
  machine.writeFile(`${EXTRA}/${module.name}.ko`, { kind: 'source-module', module });
}

/** A copy of hello under another name, with extra modinfo and imports. */
function variant(name: string, extra: { modinfo?: [string, string][]; imports?: string[] } = {}): LoadableModule {
  const hello = moduleFromKo(ko('hello'), `${EXTRA}/${name}.ko`);
  return {
    ...hello,
    name,
    builtAgainstTarget: true,
    modinfo: [...hello.modinfo, ...(extra.modinfo ?? []).map(([key, value]) => ({ key, value }))],
    imports: [...hello.imports, ...(extra.imports ?? []).map((n) => ({ name: n, weak: false, certain: true }))],
  };
}

describe('simulator: depmod files in kmod formats', () => {
  it('modules.dep (users before providers), modules.symbols, modules.alias, modules.softdep', () => {
    const machine = testMachine();
    install(machine, ['hello', 'provider', 'consumer', 'platform']);
    installModule(
      machine,
      variant('top', { imports: ['prov_add'], modinfo: [['softdep', 'pre: hello post: platform']] }),
    );
    installModule(machine, {
      ...variant('middle'),
      exports: [{ name: 'mid_fn', gplOnly: false }],
      imports: [{ name: 'prov_add', weak: false, certain: true }],
    });
    installModule(machine, variant('upper', { imports: ['mid_fn'] }));
    const files = depmod(machine).files;
    // kmod 30's order: the walk of its modules_by_name hash table (512 buckets).
    assert.equal(
      files.get('modules.dep'),
      [
        'extra/middle.ko: extra/provider.ko',
        'extra/upper.ko: extra/middle.ko extra/provider.ko',
        'extra/platform.ko:',
        'extra/top.ko: extra/provider.ko',
        'extra/hello.ko:',
        'extra/provider.ko:',
        'extra/consumer.ko: extra/provider.ko',
        '',
      ].join('\n'),
    );
    // The walk of its symbols table (2048 buckets).
    assert.equal(
      files.get('modules.symbols'),
      '# Aliases for symbols, used by symbol_request().\nalias symbol:mid_fn middle\nalias symbol:prov_gpl_mul provider\nalias symbol:prov_add provider\n',
    );
    // No devname: kmod writes the header only before the first entry.
    assert.equal(files.get('modules.devname'), '');
    // modules.order first, in its order (a line naming no module is skipped), then the others as before.
    machine.writeFile(`${machine.modulesDir}/modules.order`, {
      kind: 'text',
      text: 'extra/provider.ko\nextra/gone.ko\nextra/hello.ko\n',
    });
    assert.deepEqual(
      depmod(machine)
        .files.get('modules.dep')!
        .split('\n')
        .map((l) => l.split(':')[0]),
      [
        'extra/provider.ko',
        'extra/hello.ko',
        'extra/middle.ko',
        'extra/upper.ko',
        'extra/platform.ko',
        'extra/top.ko',
        'extra/consumer.ko',
        '',
      ],
    );
    assert.equal(
      files.get('modules.alias'),
      '# Aliases extracted from modules themselves.\nalias platform:lkm-platform-demo platform\n',
    );
    assert.equal(
      files.get('modules.softdep'),
      '# Soft dependencies extracted from modules themselves.\nsoftdep top pre: hello post: platform\n',
    );
  });

  it('fnmatch for alias patterns', () => {
    assert.ok(fnmatch('pci:v00008086d*sv*', 'pci:v00008086d0000100Esv00001AF4'));
    assert.ok(fnmatch('usb:v[0-9]*', 'usb:v1'));
    assert.ok(!fnmatch('platform:a', 'platform:b'));
  });
});

describe('simulator: modprobe', () => {
  it('loads dependencies first (two levels), softdeps pre and post, as kmod 30 orders them; -r as kmod 30 removes', () => {
    const order: string[] = [];
    const names = ['hello', 'platform', 'provider', 'middle', 'upper'];
    const runner = new ScriptedEntryPointRunner(
      Object.fromEntries(
        names.map((n) => [
          n,
          { init: { run: () => (order.push(n), {}) }, exit: { run: () => (order.push(`-${n}`), {}) } },
        ]),
      ),
    );
    const machine = testMachine({ runner });
    install(machine, ['hello', 'provider', 'platform']);
    installModule(machine, {
      ...variant('middle'),
      exports: [{ name: 'mid_fn', gplOnly: false }],
      imports: [{ name: 'prov_add', weak: false, certain: true }],
    });
    installModule(
      machine,
      variant('upper', { imports: ['mid_fn'], modinfo: [['softdep', 'pre: hello post: platform']] }),
    );
    runDepmod(machine);
    // kmod_module_get_probe_list: the dependencies (providers first), then the module's pre: softdeps,
    // the module, its post: softdeps; --show-depends prints them all (loaded or not), options on the module only.
    const showDepends = [
      `insmod ${EXTRA}/provider.ko \n`,
      `insmod ${EXTRA}/middle.ko \n`,
      `insmod ${EXTRA}/hello.ko \n`,
      `insmod ${EXTRA}/upper.ko x=1\n`,
      `insmod ${EXTRA}/platform.ko \n`,
    ].join('');
    assert.deepEqual(sh(machine, 'modprobe --show-depends upper x=1'), { stdout: showDepends, stderr: '', exit: 0 });
    assert.equal(sh(machine, 'modprobe hello').exit, 0);
    assert.equal(sh(machine, 'modprobe upper').exit, 0);
    assert.deepEqual(order, ['hello', 'provider', 'middle', 'upper', 'platform']);
    assert.deepEqual(sh(machine, 'modprobe --show-depends upper').stdout, showDepends.replace(' x=1', ' '));
    assert.deepEqual(machine.kernel.find('middle')?.holders, ['upper']);
    // -r: post: softdeps, the module, the dependencies now unused in libkmod's order (provider first:
    // middle still holds it, so it stays, as kmod 30 leaves it), then the pre: softdeps.
    order.length = 0;
    assert.deepEqual(sh(machine, 'modprobe -r upper'), { stdout: '', stderr: '', exit: 0 });
    assert.deepEqual(order, ['-platform', '-upper', '-middle', '-hello']);
    assert.ok(machine.kernel.find('provider'));
    // Not loaded: nothing to do, and no word about it (no --first-time).
    assert.deepEqual(sh(machine, 'modprobe -r upper'), { stdout: '', stderr: '', exit: 0 });
  });

  it('softdeps: a softdep that fails is ignored; a name nothing has is skipped; the first softdep line counts', () => {
    const machine = testMachine({ runner: new ScriptedEntryPointRunner({ hello: { init: { returns: -19 } } }) });
    install(machine, ['hello', 'provider', 'consumer', 'platform']);
    installModule(
      machine,
      variant('top', {
        modinfo: [
          ['softdep', 'pre: hello nosuch post: consumer'],
          ['softdep', 'pre: platform'],
        ],
      }),
    );
    runDepmod(machine);
    assert.deepEqual(sh(machine, 'modprobe --show-depends top').stdout.split('\n'), [
      `insmod ${EXTRA}/hello.ko `,
      `insmod ${EXTRA}/top.ko `,
      `insmod ${EXTRA}/provider.ko `,
      `insmod ${EXTRA}/consumer.ko `,
      '',
    ]);
    // hello's init fails (a pre: softdep): top loads all the same, and consumer after it.
    assert.deepEqual(sh(machine, 'modprobe top'), { stdout: '', stderr: '', exit: 0 });
    assert.ok(machine.kernel.find('top') && machine.kernel.find('consumer') && machine.kernel.find('provider'));
    assert.equal(machine.kernel.find('hello'), undefined);
    assert.equal(machine.kernel.find('platform'), undefined);
    // consumer (post:) is removed first, then top; provider (consumer's dependency) once unused.
    assert.equal(sh(machine, 'insmod /mods/propok.ko').exit, 0);
    const r = sh(machine, 'modprobe -r top');
    assert.deepEqual(r, { stdout: '', stderr: '', exit: 0 });
    assert.equal(machine.kernel.find('top'), undefined);
    assert.equal(machine.kernel.find('consumer'), undefined);
    assert.ok(machine.kernel.find('provider'), 'propok still uses provider');
  });

  it('by alias (modules.alias) and by symbol (modules.symbols)', () => {
    const machine = testMachine();
    install(machine, ['platform', 'provider']);
    assert.equal(sh(machine, 'modprobe platform:lkm-platform-demo').exit, 0);
    assert.ok(machine.kernel.find('platform'));
    assert.equal(sh(machine, 'modprobe symbol:prov_gpl_mul').exit, 0);
    assert.ok(machine.kernel.find('provider'));
  });

  it('kmod: a failing init and an unknown symbol in modprobe words', () => {
    const machine = testMachine({ runner: new ScriptedEntryPointRunner({ hello: { init: { returns: -22 } } }) });
    install(machine, ['hello', 'provider', 'consumer']);
    assert.equal(sh(machine, 'modprobe hello').stderr, "modprobe: ERROR: could not insert 'hello': Invalid argument\n");
    machine.writeFile(`${EXTRA}/consumer.ko`, { kind: 'bytes', bytes: ko('consumer') });
    machine.files.delete(`${EXTRA}/provider.ko`);
    assert.equal(
      sh(machine, 'modprobe consumer').stderr,
      "modprobe: ERROR: could not insert 'consumer': Unknown symbol in module, or unknown parameter (see dmesg)\n",
    );
  });

  it('busybox modprobe: its own words', () => {
    const machine = testMachine({ runner: new ScriptedEntryPointRunner({ hello: { init: { returns: -19 } } }) });
    install(machine, ['hello', 'provider', 'consumer']);
    assert.deepEqual(sh(machine, 'modprobe nosuch', 'busybox'), {
      stdout: '',
      stderr: 'modprobe: module nosuch not found in modules.dep\n',
      exit: 1,
    });
    assert.deepEqual(sh(machine, 'modprobe hello', 'busybox'), {
      stdout: '',
      stderr: "modprobe: can't load module hello (extra/hello.ko): No such device\n",
      exit: 1,
    });
    assert.equal(sh(machine, 'modprobe consumer', 'busybox').exit, 0);
    assert.equal(sh(machine, 'modprobe -r consumer', 'busybox').exit, 0);
    assert.equal(sh(machine, 'lsmod').stdout, 'Module                  Size  Used by\n');
  });
});

describe('simulator: insmod, rmmod, lsmod, modinfo wording', () => {
  it('busybox insmod tries twice when the first try fails on an ELF file: log lines doubled, a failing init runs twice', () => {
    let runs = 0;
    const machine = testMachine({
      runner: new ScriptedEntryPointRunner({ enodev: { init: { run: () => (runs++, { returnValue: -19 }) } } }),
    });
    assert.deepEqual(sh(machine, 'insmod /mods/enodev.ko', 'busybox'), {
      stdout: '',
      stderr: "insmod: can't insert '/mods/enodev.ko': No such device\n",
      exit: 19,
    });
    assert.equal(runs, 2);
    dmesg(machine);
    assert.equal(sh(machine, 'insmod /mods/consumer.ko', 'busybox').exit, 2);
    assert.deepEqual(dmesg(machine), [
      '<4>consumer: Unknown symbol prov_gpl_mul (err -2)',
      '<4>consumer: Unknown symbol prov_add (err -2)',
      '<4>consumer: Unknown symbol prov_gpl_mul (err -2)',
      '<4>consumer: Unknown symbol prov_add (err -2)',
    ]);
    machine.writeFile('/t.txt', { kind: 'text', text: 'not elf\n' });
    assert.equal(sh(machine, 'insmod /t.txt', 'busybox').exit, 8);
    assert.equal(dmesg(machine).length, 1, 'a file that does not look like ELF is tried once');
  });

  it('busybox rmmod stops at the first failure; kmod rmmod goes on and exits 1', () => {
    const machine = testMachine();
    sh(machine, 'insmod /mods/hello.ko');
    sh(machine, 'insmod /mods/noexit.ko');
    assert.deepEqual(sh(machine, 'rmmod nosuch hello', 'busybox'), {
      stdout: '',
      stderr: "rmmod: can't unload module 'nosuch': No such file or directory\n",
      exit: 1,
    });
    assert.ok(machine.kernel.find('hello'));
    assert.deepEqual(sh(machine, 'rmmod nosuch hello'), {
      stdout: '',
      stderr: 'rmmod: ERROR: Module nosuch is not currently loaded\n',
      exit: 1,
    });
    assert.equal(machine.kernel.find('hello'), undefined);
  });

  it('lsmod: long names push the size column; users sorted (kmod) or most recent first (busybox); [permanent] only in busybox', () => {
    const machine = testMachine();
    const long = { ...moduleFromKo(ko('hello'), '/x.ko'), name: 'virtio_pci_legacy_dev' };
    machine.writeFile('/x.ko', { kind: 'source-module', module: long });
    sh(machine, 'insmod /x.ko');
    sh(machine, 'insmod /mods/noexit.ko');
    assert.equal(
      sh(machine, 'lsmod').stdout,
      'Module                  Size  Used by\nnoexit                 12288  0\nvirtio_pci_legacy_dev    16384  0\n',
    );
    assert.equal(
      sh(machine, 'lsmod', 'busybox').stdout,
      'Module                  Size  Used by    Tainted: G  \nnoexit                 12288  0 [permanent]\nvirtio_pci_legacy_dev    16384  0 \n',
    );
  });

  it('modinfo: kmod shows file order; busybox a fixed field order; an unknown name', () => {
    const machine = testMachine();
    const kmod = sh(machine, 'modinfo /mods/hello.ko').stdout;
    assert.equal(
      kmod,
      [
        'filename:       /mods/hello.ko',
        'description:    Hello world: prints to the kernel log on load and unload',
        'author:         Kernel Module Workbench',
        'license:        GPL',
        'depends:        ',
        'retpoline:      Y',
        'name:           hello',
        'vermagic:       6.1.0-56-amd64 SMP preempt mod_unload modversions ',
        '',
      ].join('\n'),
    );
    assert.equal(
      sh(machine, 'modinfo /mods/hello.ko', 'busybox').stdout,
      [
        'filename:       /mods/hello.ko',
        'author:         Kernel Module Workbench',
        'description:    Hello world: prints to the kernel log on load and unload',
        'license:        GPL',
        'depends:        ',
        'vermagic:       6.1.0-56-amd64 SMP preempt mod_unload modversions ',
        '',
      ].join('\n'),
    );
    assert.deepEqual(sh(machine, 'modinfo nosuch'), {
      stdout: '',
      stderr: 'modinfo: ERROR: Module nosuch not found.\n',
      exit: 1,
    });
  });

  it('/proc/kallsyms: the provider lines of the reference kernel, and addresses hidden as zeros with kptr_restrict', () => {
    const machine = testMachine();
    sh(machine, 'insmod /mods/provider.ko');
    const expected = [
      'ffffffffc0202078 r __crc_prov_add\t[provider]',
      'ffffffffc020207c r __crc_prov_gpl_mul\t[provider]',
      'ffffffffc0202080 r __kstrtab_prov_add\t[provider]',
      'ffffffffc0202089 r __kstrtabns_prov_add\t[provider]',
      'ffffffffc0202060 r __ksymtab_prov_add\t[provider]',
      'ffffffffc020208a r __kstrtab_prov_gpl_mul\t[provider]',
      'ffffffffc0202097 r __kstrtabns_prov_gpl_mul\t[provider]',
      'ffffffffc020206c r __ksymtab_prov_gpl_mul\t[provider]',
      'ffffffffc0201010 t prov_gpl_mul\t[provider]',
      'ffffffffc0201000 T prov_add\t[provider]',
    ];
    assert.equal(sh(machine, 'grep -E prov_(add|gpl_mul) /proc/kallsyms').stdout, `${expected.join('\n')}\n`);
    const hidden = testMachine({ config: { hideAddresses: true } });
    sh(hidden, 'insmod /mods/provider.ko');
    assert.match(
      sh(hidden, 'grep prov_add /proc/kallsyms').stdout,
      /^0000000000000000 r __crc_prov_add\t\[provider\]\n/,
    );
    assert.match(sh(hidden, 'cat /proc/modules').stdout, /Live 0x0000000000000000 \(OE\)/);
  });

  it('/sys/module/<m>: attributes, sections with addresses, holders as links, version when MODULE_VERSION', () => {
    const machine = testMachine();
    sh(machine, 'insmod /mods/provider.ko');
    sh(machine, 'insmod /mods/consumer.ko');
    assert.equal(sh(machine, 'cat /sys/module/provider/sections/.text').stdout, '0xffffffffc0201000\n');
    assert.equal(sh(machine, 'cat /sys/module/provider/holders/consumer/refcnt').stdout, '0\n');
    assert.equal(
      sh(machine, 'cat /sys/module/provider/uevent').stderr,
      "cat: can't open '/sys/module/provider/uevent': Permission denied\n",
    );
    const versioned = {
      ...moduleFromKo(ko('hello'), '/v.ko'),
      modinfo: [...moduleFromKo(ko('hello'), '/v.ko').modinfo, { key: 'version', value: '1.2' }],
    };
    machine.writeFile('/v.ko', { kind: 'source-module', module: versioned });
    sh(machine, 'insmod /v.ko');
    assert.equal(sh(machine, 'cat /sys/module/hello/version').stdout, '1.2\n');
  });
});
