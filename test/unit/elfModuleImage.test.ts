import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { readModuleImage, type ModuleExport, type ModuleImage } from '../../server/src/kernel/elf/moduleImage';
import { REPOSITORY_ROOT } from '../support/fixtures';

/**
 * The real modules in test/fixtures/ko/, kbuild-built against Debian's 6.1.0-56-amd64 headers. Every
 * expectation below was read off them with readelf, nm, modinfo and modprobe --dump-modversions.
 */
const KO_DIR = path.join(REPOSITORY_ROOT, 'test/fixtures/ko');
const RELEASE = readFileSync(path.join(KO_DIR, 'RELEASE'), 'utf8').trim();
const load = (name: string): ModuleImage => readModuleImage(readFileSync(path.join(KO_DIR, `${name}.ko`)));

interface Facts {
  readonly license: string;
  readonly description?: string;
  readonly depends?: string;
  readonly init: boolean;
  readonly exit: boolean;
  readonly exports?: readonly ModuleExport[];
}

const FIXTURES: Record<string, Facts> = {
  badlicense: {
    license: 'GPLv2',
    description: 'A module with a licence string the kernel does not know',
    init: true,
    exit: true,
  },
  chardev: {
    license: 'GPL',
    description: 'A character device that reads back a fixed message',
    init: true,
    exit: true,
  },
  consumer: {
    license: 'GPL',
    description: "Uses provider's prov_add and prov_gpl_mul",
    depends: 'provider',
    init: true,
    exit: true,
  },
  dupexport: {
    license: 'GPL',
    description: 'A module exporting a name another module already exports',
    init: true,
    exit: true,
    exports: [{ name: 'prov_add', gplOnly: false }],
  },
  enodev: { license: 'GPL', description: 'A module whose init fails with -ENODEV', init: true, exit: true },
  exportinit: {
    license: 'GPL',
    description: 'Exports an __init function',
    init: true,
    exit: true,
    exports: [{ name: 'exportinit_setup', gplOnly: false }],
  },
  exportplace: {
    license: 'GPL',
    description: 'An export that does not follow its function',
    init: true,
    exit: true,
    exports: [{ name: 'exportplace_helper', gplOnly: false }],
  },
  hello: {
    license: 'GPL',
    description: 'Hello world: prints to the kernel log on load and unload',
    init: true,
    exit: true,
  },
  leaky: { license: 'GPL', description: 'Init acquires what exit never releases', init: true, exit: true },
  mismatch: {
    license: 'GPL',
    description: 'A normal function calling an __init function',
    init: true,
    exit: true,
    exports: [{ name: 'mismatch_reset', gplOnly: true }],
  },
  nodesc: { license: 'GPL', init: true, exit: true },
  noexit: { license: 'GPL', description: 'A module without an exit function', init: true, exit: false },
  noinit: { license: 'GPL', description: 'A module with an exit function but no init', init: false, exit: true },
  params: { license: 'GPL', description: 'Module parameters of several types', init: true, exit: true },
  platform: {
    license: 'GPL',
    description: 'A platform driver declared with module_platform_driver',
    init: true,
    exit: true,
  },
  propok: {
    license: 'Proprietary',
    description: 'A proprietary module using a plain export',
    depends: 'provider',
    init: true,
    exit: true,
  },
  provider: {
    license: 'GPL',
    description: 'Exports prov_add (EXPORT_SYMBOL) and prov_gpl_mul (EXPORT_SYMBOL_GPL)',
    init: true,
    exit: true,
    exports: [
      { name: 'prov_add', gplOnly: false },
      { name: 'prov_gpl_mul', gplOnly: true },
    ],
  },
};

/** The CRC modpost records for module_layout, checked by the loader before anything else (check_modstruct_version). */
const MODULE_LAYOUT_CRC = 0x9060323f;

describe('ELF module images: the real 6.1 fixtures', () => {
  it('has facts for every fixture module, and a module for every fact', () => {
    const modules = readdirSync(KO_DIR)
      .filter((f) => f.endsWith('.ko'))
      .map((f) => f.slice(0, -'.ko'.length))
      .sort();
    assert.deepEqual(modules, Object.keys(FIXTURES).sort());
    assert.equal(RELEASE, '6.1.0-56-amd64');
  });

  for (const [name, facts] of Object.entries(FIXTURES)) {
    it(`${name}.ko: name, vermagic, licence, modinfo, init/exit, exports`, () => {
      const module = load(name);
      assert.equal(module.name, name);
      assert.equal(module.vermagic, `${RELEASE} SMP preempt mod_unload modversions `);
      assert.equal(module.license, facts.license);
      const info = (key: string): string[] => module.modinfo.filter((e) => e.key === key).map((e) => e.value);
      assert.deepEqual(info('description'), facts.description === undefined ? [] : [facts.description]);
      assert.deepEqual(info('depends'), [facts.depends ?? '']);
      assert.deepEqual(info('name'), [name]);
      assert.deepEqual(info('retpoline'), ['Y']);
      assert.deepEqual(info('intree'), [], 'built out of tree');
      assert.equal(module.hasInit, facts.init);
      assert.equal(module.hasExit, facts.exit);
      assert.deepEqual(module.exports, facts.exports ?? []);
      assert.equal(module.signed, false);
    });

    it(`${name}.ko: __versions holds a CRC for every undefined symbol, and module_layout's`, () => {
      const module = load(name);
      const versioned = module.versions.map((v) => v.name);
      assert.deepEqual([...versioned].sort(), [...module.undefinedSymbols, 'module_layout'].sort());
      assert.equal(module.versions.at(-1)?.name, 'module_layout');
      assert.equal(module.versions.at(-1)?.crc, MODULE_LAYOUT_CRC);
      assert.ok(!module.undefinedSymbols.includes('module_layout'), 'module_layout is no symbol of the module');
    });
  }

  it('provider: exports prov_add plainly and prov_gpl_mul GPL-only, in no namespace', () => {
    const { exports, definedSymbols } = load('provider');
    assert.deepEqual(exports, [
      { name: 'prov_add', gplOnly: false },
      { name: 'prov_gpl_mul', gplOnly: true },
    ]);
    assert.ok(
      exports.every((e) => !('namespace' in e)),
      'no namespace property',
    );
    // 6.1 names each table entry __ksymtab_<name>, in __ksymtab or __ksymtab_gpl, whatever the licence.
    const entries = definedSymbols.filter((s) => s.name.startsWith('__ksymtab_')).map((s) => `${s.name} ${s.section}`);
    assert.deepEqual(entries, ['__ksymtab_prov_add __ksymtab', '__ksymtab_prov_gpl_mul __ksymtab_gpl']);
  });

  it('consumer: imports prov_add and prov_gpl_mul with the CRCs provider exports them with', () => {
    const consumer = load('consumer');
    assert.deepEqual(consumer.undefinedSymbols, [
      '__fentry__',
      '__x86_return_thunk',
      '_printk',
      'prov_add',
      'prov_gpl_mul',
    ]);
    // modprobe --dump-modversions consumer.ko, in file order; provider's __kcrctab holds 0x44b74595,
    // its __kcrctab_gpl 0x1fa79e1d.
    assert.deepEqual(consumer.versions, [
      { name: '__fentry__', crc: 0xbdfb6dbb },
      { name: 'prov_gpl_mul', crc: 0x1fa79e1d },
      { name: 'prov_add', crc: 0x44b74595 },
      { name: '_printk', crc: 0x92997ed8 },
      { name: '__x86_return_thunk', crc: 0x5b8239ca },
      { name: 'module_layout', crc: MODULE_LAYOUT_CRC },
    ]);
    assert.deepEqual(consumer.exports, []);
  });

  it('params: every parameter with its type and description, in .modinfo order', () => {
    const params = load('params');
    assert.deepEqual(params.parameters, [
      { name: 'tag', type: 'string', description: 'A short tag copied into a 16-byte buffer (string)' },
      { name: 'ports', type: 'array of int', description: 'Up to four port numbers (array of int)' },
      { name: 'debug_level', type: 'short', description: 'Debug level, -1 for none (short, named debug_level)' },
      { name: 'delay_ms', type: 'ulong', description: 'A delay in milliseconds, only reported (ulong)' },
      { name: 'loud', type: 'bool', description: 'Greet at KERN_WARNING level instead of KERN_INFO (bool)' },
      { name: 'name', type: 'charp', description: 'Whom to greet (charp)' },
      { name: 'count', type: 'int', description: 'How many times to greet (int, writable by root)' },
    ]);
    assert.deepEqual(
      params.undefinedSymbols.filter((s) => s.startsWith('param_')),
      [
        'param_array_ops',
        'param_ops_bool',
        'param_ops_charp',
        'param_ops_int',
        'param_ops_short',
        'param_ops_string',
        'param_ops_ulong',
      ],
    );
    assert.deepEqual(load('hello').parameters, []);
  });

  it('hello: every .modinfo string, in file order', () => {
    assert.deepEqual(load('hello').modinfo, [
      { key: 'description', value: 'Hello world: prints to the kernel log on load and unload' },
      { key: 'author', value: 'Kernel Module Workbench' },
      { key: 'license', value: 'GPL' },
      { key: 'depends', value: '' },
      { key: 'retpoline', value: 'Y' },
      { key: 'name', value: 'hello' },
      { key: 'vermagic', value: '6.1.0-56-amd64 SMP preempt mod_unload modversions ' },
    ]);
  });

  it('platform: MODULE_DEVICE_TABLE(platform, …) becomes a platform: alias', () => {
    const platform = load('platform');
    assert.deepEqual(
      platform.modinfo.filter((e) => e.key === 'alias'),
      [{ key: 'alias', value: 'platform:lkm-platform-demo' }],
    );
    assert.ok(platform.undefinedSymbols.includes('__platform_driver_register'), 'module_platform_driver registers');
  });

  it('noexit and noinit: only the half they define', () => {
    const noexit = load('noexit');
    const noinit = load('noinit');
    assert.deepEqual([noexit.hasInit, noexit.hasExit, noinit.hasInit, noinit.hasExit], [true, false, false, true]);
    assert.ok(!noexit.definedSymbols.some((s) => s.name === 'cleanup_module'), 'noexit defines cleanup_module');
    assert.ok(
      noinit.definedSymbols.some((s) => s.name === 'cleanup_module' && s.section === '.exit.text'),
      'noinit has no cleanup_module in .exit.text',
    );
  });

  it('provider: every section as readelf -S lists it (name, type, flags, size)', () => {
    const sections = load('provider').sections.map((s) => `${s.name} ${s.type} 0x${s.flags.toString(16)} ${s.size}`);
    assert.deepEqual(sections, [
      ' 0 0x0 0',
      '.note.gnu.build-id 7 0x2 36',
      '.note.Linux 7 0x2 60',
      '.text 1 0x6 31',
      '.rela.text 4 0x40 96',
      '.init.text 1 0x6 24',
      '.rela.init.text 4 0x40 96',
      '.exit.text 1 0x6 12',
      '.rela.exit.text 4 0x40 48',
      '__ksymtab 1 0x2 12',
      '.rela__ksymtab 4 0x40 72',
      '__ksymtab_gpl 1 0x2 12',
      '.rela__ksymtab_gpl 4 0x40 72',
      '__kcrctab 1 0x2 4',
      '__kcrctab_gpl 1 0x2 4',
      '__ksymtab_strings 1 0x32 24',
      '__mcount_loc 1 0x2 24',
      '.rela__mcount_loc 4 0x40 72',
      '.rodata.str1.1 1 0x32 36',
      '.modinfo 1 0x2 189',
      '.return_sites 1 0x2 12',
      '.rela.return_sites 4 0x40 72',
      '.orc_unwind 1 0x2 48',
      '.orc_unwind_ip 1 0x2 32',
      '.rela.orc_unwind_ip 4 0x40 192',
      '__versions 1 0x2 256',
      '.data 1 0x3 0',
      '.exit.data 1 0x3 8',
      '.rela.exit.data 4 0x40 24',
      '.init.data 1 0x3 8',
      '.rela.init.data 4 0x40 24',
      '.gnu.linkonce.this_module 1 0x3 896',
      '.rela.gnu.linkonce.this_module 4 0x40 48',
      '.bss 8 0x3 0',
      '.debug_info 1 0x0 28197',
      '.rela.debug_info 4 0x40 44832',
      '.debug_abbrev 1 0x0 1947',
      '.debug_aranges 1 0x0 112',
      '.rela.debug_aranges 4 0x40 120',
      '.debug_rnglists 1 0x0 43',
      '.rela.debug_rnglists 4 0x40 72',
      '.debug_line 1 0x0 747',
      '.rela.debug_line 4 0x40 2856',
      '.debug_str 1 0x30 22639',
      '.debug_line_str 1 0x30 2094',
      '.comment 1 0x30 80',
      '.note.GNU-stack 1 0x0 0',
      '.debug_frame 1 0x0 120',
      '.rela.debug_frame 4 0x40 192',
      '.symtab 2 0x0 1536',
      '.strtab 3 0x0 555',
      '.shstrtab 3 0x0 508',
    ]);
  });

  it('provider: every defined symbol as readelf -s lists it (section, type, binding, size)', () => {
    const symbols = load('provider').definedSymbols.map(
      (s) => `${s.name} ${s.section} ${s.type} ${s.global ? 'global' : 'local'} ${s.size}`,
    );
    assert.deepEqual(symbols, [
      '__crc_prov_add __kcrctab other local 0',
      '__crc_prov_gpl_mul __kcrctab_gpl other local 0',
      '__UNIQUE_ID_depends197 .modinfo object local 9',
      '____versions __versions object local 256',
      '__UNIQUE_ID_retpoline196 .modinfo object local 12',
      '__UNIQUE_ID_name195 .modinfo object local 14',
      '__UNIQUE_ID_vermagic194 .modinfo object local 60',
      '_note_10 .note.Linux object local 24',
      '_note_9 .note.Linux object local 36',
      '__kstrtab_prov_add __ksymtab_strings other local 0',
      '__kstrtabns_prov_add __ksymtab_strings other local 0',
      '__ksymtab_prov_add __ksymtab other local 0',
      '__kstrtab_prov_gpl_mul __ksymtab_strings other local 0',
      '__kstrtabns_prov_gpl_mul __ksymtab_strings other local 0',
      '__ksymtab_prov_gpl_mul __ksymtab_gpl other local 0',
      'provider_init .init.text function local 24',
      'provider_exit .exit.text function local 12',
      '__UNIQUE_ID_description199 .modinfo object local 82',
      '__UNIQUE_ID_license198 .modinfo object local 12',
      '__UNIQUE_ID___addressable_cleanup_module197 .exit.data object local 8',
      '__UNIQUE_ID___addressable_init_module196 .init.data object local 8',
      '__this_module .gnu.linkonce.this_module object global 896',
      'prov_gpl_mul .text function global 15',
      'cleanup_module .exit.text function global 12',
      'init_module .init.text function global 24',
      'prov_add .text function global 13',
    ]);
  });
});
