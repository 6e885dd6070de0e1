// depmod against the real kmod 30 depmod: the files it writes for two module trees, byte for byte
// (the binary indexes too), recorded by test/fixtures/simulator/depmod/record.sh, and the
// listing of the modules directory afterwards.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runDepmod } from '../../../server/src/kernel/simulator/depmod';
import { KernelState } from '../../../server/src/kernel/simulator/kernelState';
import { KmodIndex } from '../../../server/src/kernel/simulator/kmodIndex';
import { Machine } from '../../../server/src/kernel/simulator/machine';
import { FIXTURES, KO_DIR, sh, testProfile } from './helpers';

const RECORDED = path.join(FIXTURES, 'simulator/depmod');
const EXTENDED = path.join(FIXTURES, 'vm/scenarios/extended/modules');
const kos = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.ko'))
    .map((f) => path.join(dir, f));

/** A machine with these .ko files in /lib/modules/<release>/extra (and the inputs given), after depmod. */
function stage(koFiles: readonly string[], inputs: readonly string[] = []): Machine {
  const machine = new Machine(new KernelState({ profile: testProfile() }));
  for (const ko of koFiles) {
    machine.writeFile(`${machine.modulesDir}/extra/${path.basename(ko)}`, {
      kind: 'bytes',
      bytes: new Uint8Array(readFileSync(ko)),
    });
  }
  for (const input of inputs)
    machine.writeFile(`${machine.modulesDir}/${path.basename(input)}`, {
      kind: 'text',
      text: readFileSync(input, 'latin1'),
    });
  runDepmod(machine);
  return machine;
}

function bytesOf(machine: Machine, file: string): Buffer {
  const f = machine.file(`${machine.modulesDir}/${file}`);
  assert.ok(f !== undefined, `${file} was not written`);
  if (f.kind === 'bytes') return Buffer.from(f.bytes);
  if (f.kind === 'text') return Buffer.from(f.text, 'latin1');
  throw new Error(`${file} is a module`);
}

/** Every file the real depmod wrote, compared byte for byte; then the directory listing. */
function compareWithRecorded(machine: Machine, name: string): void {
  const dir = path.join(RECORDED, name);
  const written = readdirSync(dir).filter((f) => f.startsWith('modules.'));
  assert.ok(written.some((f) => f.endsWith('.bin')));
  for (const file of written) {
    const expected = readFileSync(path.join(dir, file));
    const actual = bytesOf(machine, file);
    const at = expected.findIndex((b, i) => actual[i] !== b);
    assert.ok(
      expected.equals(actual),
      `${name}/${file}: ${actual.length} bytes, kmod wrote ${expected.length}; first difference at ${at === -1 ? expected.length : at}`,
    );
  }
  const ls = sh(machine, `ls ${machine.modulesDir}`);
  assert.equal(ls.stdout, readFileSync(path.join(dir, 'listing.txt'), 'utf8'));
}

describe('depmod: the files kmod 30 writes, byte for byte (test/fixtures/simulator/depmod)', () => {
  it('the fixture modules (28 .ko, no modules.order or builtin files): text files and .bin indexes', () => {
    compareWithRecorded(stage([...kos(KO_DIR), ...kos(EXTENDED)]), 'fixtures');
  });

  it('with modules.order, modules.builtin and modules.builtin.modinfo: the builtin indexes too', () => {
    const input = path.join(RECORDED, 'builtin-input');
    const inputs = ['modules.order', 'modules.builtin', 'modules.builtin.modinfo'].map((f) => path.join(input, f));
    compareWithRecorded(stage(kos(EXTENDED), inputs), 'builtin');
  });

  it('a change of one module changes modules.dep.bin (the comparison can fail)', () => {
    const machine = stage(kos(EXTENDED).filter((f) => !f.endsWith('chain_a.ko')));
    const expected = readFileSync(path.join(RECORDED, 'builtin/modules.dep.bin'));
    assert.ok(!expected.equals(bytesOf(machine, 'modules.dep.bin')));
  });
});

describe('depmod: kmod`s writes the indexes, busybox`s does not', () => {
  it('depmod writes modules.dep.bin; busybox depmod only the text files', () => {
    const machine = new Machine(new KernelState({ profile: testProfile() }));
    machine.writeFile(`${machine.modulesDir}/extra/chain_a.ko`, {
      kind: 'bytes',
      bytes: new Uint8Array(readFileSync(path.join(EXTENDED, 'chain_a.ko'))),
    });
    assert.equal(sh(machine, 'busybox depmod').exit, 0);
    assert.equal(machine.file(`${machine.modulesDir}/modules.dep.bin`), undefined);
    assert.ok(machine.file(`${machine.modulesDir}/modules.dep`));
    assert.equal(sh(machine, 'depmod').exit, 0);
    assert.ok(machine.file(`${machine.modulesDir}/modules.dep.bin`));
  });
});

describe('kmod index format (kmodIndex.ts)', () => {
  const u32 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint32(at, false);

  it('an empty index: magic, version, and the root node (no prefix, children or values) at 12', () => {
    const b = new KmodIndex().write();
    assert.deepEqual([u32(b, 0), u32(b, 4), u32(b, 8), b.length], [0xb007f457, 0x00020001, 12, 12]);
  });

  it('splits a node where keys part, sorts values by priority, newest first among equals', () => {
    const index = new KmodIndex();
    index.insert('abcd', 'x', 5);
    index.insert('abxy', 'y', 1);
    index.insert('abcd', 'z', 5);
    assert.equal(index.insert('abcd', 'x', 2), true);
    const b = Buffer.from(index.write());
    // the root keeps an empty prefix: one child, 'a'..'a' (flag CHILDS)
    const root = u32(b, 8);
    assert.equal(root >>> 28, 0x2);
    const r = root & 0x0fffffff;
    assert.deepEqual([b[r], b[r + 1]], ['a'.charCodeAt(0), 'a'.charCodeAt(0)]);
    // 'a': prefix "b" (split from "bcd"), children 'c'..'x' (flags PREFIX|CHILDS)
    const a = u32(b, r + 2);
    assert.equal(a >>> 28, 0xa);
    const at = a & 0x0fffffff;
    assert.equal(b.toString('latin1', at, at + 2), 'b\0');
    assert.deepEqual([b[at + 2], b[at + 3]], ['c'.charCodeAt(0), 'x'.charCodeAt(0)]);
    const cd = u32(b, at + 4);
    assert.equal(cd >>> 28, 0xc); // prefix "d" and values
    const v = cd & 0x0fffffff;
    assert.equal(b.toString('latin1', v, v + 2), 'd\0');
    assert.equal(u32(b, v + 2), 3);
    const values: string[] = [];
    let p = v + 6;
    for (let i = 0; i < 3; i++) {
      const end = b.indexOf(0, p + 4);
      values.push(`${u32(b, p)}:${b.toString('latin1', p + 4, end)}`);
      p = end + 1;
    }
    assert.deepEqual(values, ['2:x', '5:z', '5:x']);
    // 'd'..'w' have no child: offset 0
    assert.equal(u32(b, at + 8), 0);
  });

  it('refuses characters above 127', () => {
    assert.throws(() => new KmodIndex().insert('é', 'x', 0), /bad characters/);
  });
});
