import { strict as assert } from 'node:assert';
import {
  closeSync,
  copyFileSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { readSnapshot } from '../../../server/src/kernel/symbols/readSnapshot';
import { SnapshotError } from '../../../server/src/kernel/symbols/snapshotError';
import { detectSnapshotFormat } from '../../../server/src/kernel/symbols/snapshotFormat';
import { MAX_WARNINGS } from '../../../server/src/kernel/symbols/snapshotWarnings';
import {
  bytes,
  HOST_KALLSYMS,
  lines,
  MODULE_SYMVERS,
  PROVIDER_KALLSYMS,
  PROVIDER_KO,
  SYSTEM_MAP,
} from './symbolFixtures';

function snapshotError(file: string, line: number, pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof SnapshotError, `not a SnapshotError: ${String(error)}`);
    assert.equal(error.file, file);
    assert.equal(error.line, line, error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

describe('snapshot format detection and reading', () => {
  let scratch: string;
  before(() => (scratch = mkdtempSync(path.join(tmpdir(), 'lkm-symbols-'))));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  /** The fixture under a name that says nothing of its format. */
  const renamed = (file: string, name = 'snapshot'): string => {
    const copy = path.join(scratch, name);
    copyFileSync(file, copy);
    return copy;
  };

  it('tells every format from its content, whatever the file is called', () => {
    assert.equal(detectSnapshotFormat({ file: renamed(MODULE_SYMVERS, 'kallsyms') }), 'module-symvers');
    assert.equal(detectSnapshotFormat({ file: renamed(PROVIDER_KO, 'Module.symvers') }), 'ko');
    assert.equal(detectSnapshotFormat({ file: renamed(HOST_KALLSYMS, 'symbols') }), 'kallsyms');
    assert.equal(
      detectSnapshotFormat({ file: renamed(PROVIDER_KALLSYMS, 'System.map-x') }),
      'kallsyms',
      '[module] lines',
    );
    assert.equal(detectSnapshotFormat({ file: renamed(SYSTEM_MAP, 'System.map-6.1.0-56-amd64') }), 'system-map');
    const ko = readSnapshot({ file: renamed(PROVIDER_KO, 'any') });
    assert.equal(ko.kind, 'ko');
    assert.equal(ko.exports.size, 2);
  });

  it('finds the first symbol line past leading junk', () => {
    const text = `# saved by me\n\n${lines(MODULE_SYMVERS).slice(0, 3).join('\n')}\n`;
    const snapshot = readSnapshot({ file: 'saved', bytes: bytes(text) });
    assert.equal(snapshot.kind, 'module-symvers');
    assert.equal(snapshot.exports.size, 3);
    assert.deepEqual(snapshot.warnings, [
      'saved:1: expected a CRC like 0x1234abcd, then a tab in "# saved by me"; line skipped',
    ]);
  });

  it('reads mixed formats as the first one, skipping the other lines with warnings', () => {
    const text = [
      ...lines(SYSTEM_MAP).slice(0, 5),
      ...lines(MODULE_SYMVERS).slice(0, 2),
      ...lines(SYSTEM_MAP).slice(5, 8),
    ].join('\n');
    const snapshot = readSnapshot({ file: 'mixed', bytes: bytes(text) });
    assert.equal(snapshot.kind, 'kallsyms');
    assert.equal('symbols' in snapshot && snapshot.symbols.size, 8);
    assert.deepEqual(
      snapshot.warnings.map((w) => w.split(': ')[0]),
      ['mixed:6', 'mixed:7'],
    );
  });

  it('names the file and line of anything that is not a snapshot', () => {
    assert.throws(() => readSnapshot({ file: 'e', bytes: new Uint8Array(0) }), snapshotError('e', 0, /^e: is empty/));
    assert.throws(
      () => readSnapshot({ file: 'blank', bytes: bytes('\n \r\n') }),
      snapshotError('blank', 0, /is empty/),
    );
    assert.throws(
      () => readSnapshot({ file: 'readme', bytes: bytes('\nThis is a README.\nNothing else.\n') }),
      snapshotError(
        'readme',
        2,
        /^readme:2: is not a kallsyms, System\.map, Module\.symvers or \.ko file: expected a symbol line in "This is a README\."/,
      ),
    );
    assert.throws(
      () => readSnapshot({ file: 'bin', bytes: Buffer.from([0, 1, 2, 3, 0xff, 10, 0]) }),
      snapshotError('bin', 1, /not text \(byte 0x00 at column 1\)/),
    );
    assert.throws(
      () => readSnapshot({ file: 'map.gz', bytes: gzipSync(bytes(lines(SYSTEM_MAP).join('\n'))) }),
      snapshotError('map.gz', 1, /gzip-compressed/),
    );
    assert.throws(
      () => readSnapshot({ file: path.join(scratch, 'missing') }),
      snapshotError(path.join(scratch, 'missing'), 0, /cannot be read \(ENOENT\)/),
    );
    assert.throws(() => readSnapshot({ file: scratch }), snapshotError(scratch, 0, /is a folder/));
  });

  it('throws nothing but SnapshotError on damaged real snapshots (bytes changed, cut short)', () => {
    let seed = 7;
    const random = (below: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % below;
    };
    for (const file of [HOST_KALLSYMS, SYSTEM_MAP, MODULE_SYMVERS, PROVIDER_KALLSYMS, PROVIDER_KO]) {
      const original = readFileSync(file);
      for (let round = 0; round < 60; round++) {
        const damaged = Buffer.from(original.subarray(0, random(original.length) + 1));
        for (let flips = random(20); flips > 0; flips--) damaged[random(damaged.length)] = random(256);
        try {
          const snapshot = readSnapshot({ file: 'damaged', bytes: damaged });
          for (const warning of snapshot.warnings) assert.match(warning, /^damaged(:\d+)?: /);
        } catch (error) {
          assert.ok(error instanceof SnapshotError, `${path.basename(file)} round ${round}: ${String(error)}`);
        }
      }
    }
  });

  it('reads a file across chunk boundaries exactly as it reads it whole', () => {
    // Over 4 MB of kallsyms: lines straddle the reader's chunks.
    const file = path.join(scratch, 'big-kallsyms');
    const count = 150_000;
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const address = (0x81000000 + i * 16).toString(16).padStart(8, '0');
      out.push(
        `ffffffff${address} ${i % 7 === 0 ? 'd' : 't'} generated_symbol_number_${i}${i % 1000 === 0 ? '\t[mod' + i + ']' : ''}`,
      );
    }
    writeFileSync(file, out.join('\n') + '\n');
    const snapshot = readSnapshot({ file });
    assert.ok('symbols' in snapshot);
    assert.equal(snapshot.symbols.size, count);
    assert.deepEqual(snapshot.warnings, []);
    for (let i = 0; i < count; i += 997) {
      const index = snapshot.symbols.find(`generated_symbol_number_${i}`);
      assert.equal(index, i);
      assert.equal(snapshot.symbols.address(index), `ffffffff${(0x81000000 + i * 16).toString(16)}`);
    }
    assert.equal(snapshot.symbols.symbolAt(snapshot.symbols.find('generated_symbol_number_5000')).module, 'mod5000');
  });

  it('gets through 200 MB of junk with a few symbol lines in it, in bounded warnings', function () {
    this.timeout(120_000);
    const file = path.join(scratch, 'huge');
    const fd = openSync(file, 'w');
    writeSync(fd, 'ffffffff81000000 T _text\n');
    const junk = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < junk.length; i++) junk[i] = i % 97 === 96 ? 10 : 0x21 + (i % 90);
    junk[0] = 0; // and a NUL, as binary data has
    for (let megabyte = 0; megabyte < 200; megabyte++) {
      writeSync(fd, junk);
      if (megabyte % 50 === 0)
        writeSync(fd, `\nffffffff81${megabyte.toString(16).padStart(6, '0')} T found_${megabyte}\n`);
    }
    closeSync(fd);
    const snapshot = readSnapshot({ file });
    assert.ok('symbols' in snapshot);
    assert.equal(snapshot.symbols.size, 5);
    assert.equal(snapshot.symbols.symbolAt(snapshot.symbols.find('found_150')).address, 'ffffffff81000096');
    assert.equal(snapshot.warnings.length, MAX_WARNINGS + 1);
    assert.match(snapshot.warnings.at(-1)!, /… \d+ more warnings$/);
  });

  it('refuses 200 MB without a single newline as one line too long', function () {
    this.timeout(120_000);
    const file = path.join(scratch, 'one-line');
    const fd = openSync(file, 'w');
    const block = Buffer.alloc(1024 * 1024, 0x41);
    for (let megabyte = 0; megabyte < 200; megabyte++) writeSync(fd, block);
    closeSync(fd);
    assert.throws(() => readSnapshot({ file }), snapshotError(file, 1, /its first line is over 64 KB long/));
    assert.throws(() => readSnapshot({ file }, 'kallsyms'), snapshotError(file, 1, /line too long for a symbol line/));
  });

  it('refuses a file whose first 64 KB hold no symbol line', () => {
    const junk =
      bytes('x'.repeat(99) + '\n')
        .toString('latin1')
        .repeat(1000) + 'ffffffff81000000 T late\n';
    assert.throws(
      () => readSnapshot({ file: 'junk', bytes: bytes(junk) }),
      snapshotError('junk', 1, /expected a symbol line/),
    );
    assert.equal(readSnapshot({ file: 'junk', bytes: bytes(junk) }, 'kallsyms').warnings.length, MAX_WARNINGS + 1);
  });
});
