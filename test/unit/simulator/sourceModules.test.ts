import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CParser } from '../../../server/src/kernel/parsing/cParser';
import { DEBIAN_6_1_CONFIG } from '../../../server/src/kernel/simulator/kernelConfig';
import { layoutModule } from '../../../server/src/kernel/simulator/layout';
import { moduleFromKo } from '../../../server/src/kernel/simulator/koModule';
import { SourceModuleLoader, sourcesBeside } from '../../../server/src/kernel/simulator/sourceLoader';
import { bfdHash, inLinkerOrder } from '../../../server/src/kernel/simulator/sourceModule';
import { dmesg, FIXTURES, ko, KO_DIR, sh, testMachine } from './helpers';

const SAMPLES = path.resolve(__dirname, '../../../samples');
let loader: SourceModuleLoader;
before(async () => {
  loader = new SourceModuleLoader(await CParser.load(), DEBIAN_6_1_CONFIG);
});

async function fromSamples(folder: string) {
  const modules = await loader.modulesIn(path.join(SAMPLES, folder));
  assert.equal(modules.length, 1, folder);
  return modules[0]!;
}

describe('simulator: modules from their sources', () => {
  it('modinfo like kbuild makes it: module macros in reverse source order, then depends/retpoline/name/vermagic', async () => {
    const source = await fromSamples('hello');
    const built = moduleFromKo(ko('hello'), 'hello.ko');
    assert.deepEqual(source.modinfo, built.modinfo);
    const params = await fromSamples('params');
    assert.deepEqual(params.modinfo, moduleFromKo(ko('params'), 'params.ko').modinfo);
  });

  it('parameters: types, sysfs modes, initial values and array/string sizes as the .ko has them', async () => {
    const source = await fromSamples('params');
    const built = moduleFromKo(ko('params'), 'params.ko');
    const shape = (p: (typeof source.parameters)[number]) => ({ ...p, from: undefined });
    assert.deepEqual(
      [...source.parameters].map(shape).sort((a, b) => a.name.localeCompare(b.name)),
      [...built.parameters].map(shape).sort((a, b) => a.name.localeCompare(b.name)),
    );
  });

  it('exports and certain imports: provider exports both symbols; consumer imports them (extern), plus what no one exports is dropped', async () => {
    const provider = await fromSamples('provider');
    assert.deepEqual(provider.exports, [
      { name: 'prov_add', gplOnly: false },
      { name: 'prov_gpl_mul', gplOnly: true },
    ]);
    const consumer = await fromSamples('consumer');
    // In the order of the built consumer.ko's symbol table (ld -r's hash walk), not the declarations'.
    assert.deepEqual(
      consumer.imports.filter((i) => i.certain).map((i) => i.name),
      ['prov_gpl_mul', 'prov_add'],
    );
    const built = moduleFromKo(ko('consumer'), 'consumer.ko').imports.map((i) => i.name);
    assert.deepEqual(
      built.filter((n) => n.startsWith('prov_')),
      consumer.imports.filter((i) => i.certain).map((i) => i.name),
    );
  });

  it("imports in ld -r's order: every fixture .ko's undefined symbols, shuffled, come back in its symbol-table order", () => {
    const dirs = [
      KO_DIR,
      path.join(FIXTURES, 'vm/scenarios/modules'),
      path.join(FIXTURES, 'vm/scenarios/extended/modules'),
    ];
    let checked = 0;
    for (const dir of dirs) {
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.ko'))) {
        const bytes = new Uint8Array(readFileSync(path.join(dir, file)));
        const names = moduleFromKo(bytes, file).imports.map((i) => i.name);
        if (names.length < 2) continue;
        // A fixed shuffle (reversed, then every other one first).
        const shuffled = [...names].reverse();
        const mixed = [...shuffled.filter((_, i) => i % 2 === 0), ...shuffled.filter((_, i) => i % 2 === 1)];
        assert.deepEqual(
          inLinkerOrder(mixed, (n) => n),
          names,
          `${dir}/${file}`,
        );
        checked++;
      }
    }
    assert.ok(checked >= 10, `${checked} modules checked`);
    // bfd_hash_hash as binutils computes it (64-bit): two values worked out by hand from bfd/hash.c.
    assert.equal(bfdHash(''), 0n);
    assert.equal(
      bfdHash('a'),
      (() => {
        let h = 97n + (97n << 17n);
        h ^= h >> 2n;
        h += 1n + (1n << 17n);
        return h ^ (h >> 2n);
      })(),
    );
  });

  it('estimated sizes give the pages the real build has for the small samples (not exact in general)', async () => {
    for (const [folder, koName] of [
      ['hello', 'hello'],
      ['provider', 'provider'],
      ['consumer', 'consumer'],
      ['params', 'params'],
      ['broken/init-without-exit', 'noexit'],
    ] as const) {
      const source = await fromSamples(folder);
      assert.equal(layoutModule(source).coreSize, layoutModule(moduleFromKo(ko(koName), 'x.ko')).coreSize, folder);
    }
  });

  it('loads like the .ko: provider then consumer from sources, in use, unknown symbols, no licence', async () => {
    const machine = testMachine();
    for (const folder of [
      'provider',
      'consumer',
      'broken/undefined-symbol',
      'broken/missing-license',
      'broken/gpl-only-symbol',
    ])
      machine.writeFile(`/src/${folder}`, { kind: 'source-module', module: await fromSamples(folder) });
    assert.equal(
      sh(machine, 'insmod /src/consumer').stderr,
      'insmod: ERROR: could not insert module /src/consumer: Unknown symbol in module\n',
    );
    // As the real kernel said for the built consumer.ko (test/fixtures/vm/golden/sources.txt).
    assert.deepEqual(dmesg(machine).slice(2), [
      '<4>consumer: Unknown symbol prov_gpl_mul (err -2)',
      '<4>consumer: Unknown symbol prov_add (err -2)',
    ]);
    assert.equal(sh(machine, 'insmod /src/provider').exit, 0);
    assert.equal(sh(machine, 'insmod /src/consumer').exit, 0);
    assert.equal(sh(machine, 'rmmod provider').stderr, 'rmmod: ERROR: Module provider is in use by: consumer\n');
    dmesg(machine);
    sh(machine, 'insmod /src/broken/undefined-symbol');
    assert.deepEqual(dmesg(machine), ['<4>missing: Unknown symbol no_such_symbol (err -2)']);
    sh(machine, 'insmod /src/broken/gpl-only-symbol');
    assert.deepEqual(dmesg(machine), [
      "<4>propgpl: module license 'Proprietary' taints kernel.",
      '<4>Disabling lock debugging due to kernel taint',
      // ld -r's order: debugfs_remove's hash bucket (2124) before debugfs_create_dir's (3789).
      '<4>propgpl: Unknown symbol debugfs_remove (err -2)',
      '<4>propgpl: Unknown symbol debugfs_create_dir (err -2)',
    ]);
    assert.equal(sh(machine, 'insmod /src/broken/missing-license').exit, 0);
    assert.match(sh(machine, 'cat /proc/modules').stdout, /^nolicense \d+ 0 - Live 0x\w+ \(POE\)\n/);
  });

  it('a .ko finds its sources beside it: <name>.c, a folder <name>/, or the Kbuild that builds it', async () => {
    assert.equal(await sourcesBeside(path.join(SAMPLES, 'hello/hello.ko'), 'hello'), path.join(SAMPLES, 'hello'));
    assert.equal(await sourcesBeside(path.join(SAMPLES, 'x.ko'), 'hello'), path.join(SAMPLES, 'hello'));
    assert.equal(await sourcesBeside(path.join(SAMPLES, 'x.ko'), 'nothing_here'), undefined);
  });
});
