import { strict as assert } from 'node:assert';
import { readKallsyms } from '../../../server/src/kernel/symbols/kallsymsReader';
import { SnapshotError } from '../../../server/src/kernel/symbols/snapshotError';
import { MAX_WARNINGS } from '../../../server/src/kernel/symbols/snapshotWarnings';
import {
  bytes,
  HOST_KALLSYMS,
  lines,
  PROVIDER_KALLSYMS,
  symversColumns,
  MODULE_SYMVERS,
  SYSTEM_MAP,
} from './symbolFixtures';

const ZERO = '0000000000000000';
/** A 6.1 kallsyms with CONFIG_KALLSYMS_ALL, as Debian's kernel has: its System.map lines plus a loaded module's. */
const kallsyms61 = (): string => [...lines(SYSTEM_MAP), ...lines(PROVIDER_KALLSYMS)].join('\n') + '\n';
const hideAddresses = (text: string): string => text.replace(/^[0-9a-f]{16}/gm, ZERO);

describe('kallsyms reader', () => {
  it('reads every line of a real /proc/kallsyms, module lines included', () => {
    const snapshot = readKallsyms({ file: HOST_KALLSYMS });
    const expected = lines(HOST_KALLSYMS);
    assert.equal(snapshot.symbols.size, expected.length);
    assert.equal(snapshot.lines, expected.length);
    assert.deepEqual(snapshot.warnings, []);
    assert.equal(snapshot.addressesHidden, false);
    // Every line comes back as written.
    for (const [index, line] of expected.entries()) {
      const [address, type, rest = ''] = line.split(' ');
      const [name, module] = rest.split('\t');
      assert.deepEqual(snapshot.symbols.symbolAt(index), {
        name,
        type,
        address,
        ...(module !== undefined ? { module: module.slice(1, -1) } : {}),
      });
    }
    assert.deepEqual(snapshot.symbols.symbolAt(snapshot.symbols.find('ftrace_trampoline')), {
      name: 'ftrace_trampoline',
      type: 't',
      address: 'ffffffffc0201000',
      module: '__builtin__ftrace',
    });
    assert.equal(snapshot.exports.size, 0, 'no CONFIG_KALLSYMS_ALL: no __ksymtab_ entries');
  });

  it('tells a kallsyms without CONFIG_KALLSYMS_ALL (a few section markers) from one with data symbols', () => {
    const textOnly = lines(HOST_KALLSYMS).slice(0, 200).join('\n');
    assert.equal(readKallsyms({ file: 'k', bytes: bytes(textOnly) }).hasDataSymbols, false);
    assert.equal(readKallsyms({ file: 'k', bytes: bytes(kallsyms61()) }).hasDataSymbols, true);
  });

  it('detects hidden addresses (kptr_restrict) and says so, keeping names and types', () => {
    const snapshot = readKallsyms({ file: '/proc/kallsyms', bytes: bytes(hideAddresses(kallsyms61())) });
    assert.equal(snapshot.addressesHidden, true);
    assert.equal(snapshot.symbols.size, lines(SYSTEM_MAP).length + lines(PROVIDER_KALLSYMS).length);
    assert.ok(snapshot.warnings.some((w) => w.startsWith('/proc/kallsyms: ') && w.includes('kptr_restrict')));
    assert.deepEqual(snapshot.symbols.symbolAt(snapshot.symbols.find('prov_add')), {
      name: 'prov_add',
      type: 'T',
      module: 'provider',
    });
  });

  it('takes __ksymtab_ entries as exports, GPL-only from the __ksymtab_gpl bounds, as Module.symvers says', () => {
    const snapshot = readKallsyms({ file: 'kallsyms', bytes: bytes(kallsyms61()) });
    const ksymtabLines = lines(SYSTEM_MAP).filter((line) => / __ksymtab_/.test(line));
    assert.ok(ksymtabLines.length > 80);
    // The provider module's two exports, GPL-only told by the case of their own lines (`T prov_add`,
    // `t prov_gpl_mul`), as provider.ko itself says.
    assert.equal(snapshot.exports.size, ksymtabLines.length + 2);
    assert.deepEqual(snapshot.exports.exported('prov_add'), {
      name: 'prov_add',
      owner: 'provider',
      ownerPath: 'provider',
      gplOnly: false,
    });
    assert.deepEqual(snapshot.exports.exported('prov_gpl_mul'), {
      name: 'prov_gpl_mul',
      owner: 'provider',
      ownerPath: 'provider',
      gplOnly: true,
    });
    // Without the symbol's own line, the module's export is of unknown GPL-ness.
    const alone = readKallsyms({
      file: 'k',
      bytes: bytes(
        lines(PROVIDER_KALLSYMS)
          .filter((line) => !line.includes(' prov_gpl_mul\t'))
          .join('\n'),
      ),
    });
    assert.equal(alone.exports.exported('prov_gpl_mul')?.gplOnlyKnown, false);
    // Every vmlinux export that the real Module.symvers sample also lists agrees with it.
    let compared = 0;
    for (const column of symversColumns(MODULE_SYMVERS).filter((c) => c.owner === 'vmlinux')) {
      const exported = snapshot.exports.exported(column.name);
      if (exported === undefined) continue;
      compared++;
      assert.equal(exported.gplOnly, column.type === 'EXPORT_SYMBOL_GPL', column.name);
      assert.equal(exported.owner, 'vmlinux');
      assert.equal(exported.gplOnlyKnown, undefined);
    }
    assert.ok(compared >= 8, `only ${compared} names compared`);
    assert.equal(snapshot.exports.exported('register_kprobe')?.gplOnly, true);
    assert.equal(snapshot.exports.exported('kfree')?.gplOnly, false);
  });

  it("does not guess vmlinux's GPL-only exports when addresses are hidden; a module's letter case still tells", () => {
    const snapshot = readKallsyms({ file: 'kallsyms', bytes: bytes(hideAddresses(kallsyms61())) });
    assert.deepEqual(snapshot.exports.exported('register_kprobe'), {
      name: 'register_kprobe',
      owner: 'vmlinux',
      ownerPath: 'vmlinux',
      gplOnly: false,
      gplOnlyKnown: false,
    });
    assert.equal(snapshot.exports.exported('prov_gpl_mul')?.gplOnly, true);
    assert.equal(snapshot.exports.exported('prov_gpl_mul')?.gplOnlyKnown, undefined);
  });

  it('reads `?`, the type 6.1 gives a module symbol it cannot place', () => {
    const snapshot = readKallsyms({ file: 'k', bytes: bytes('ffffffffc0201000 ? odd_symbol\t[mod]\n') });
    assert.deepEqual(snapshot.warnings, []);
    assert.equal(snapshot.symbols.symbolAt(0).type, '?');
  });

  it('keeps every symbol of a repeated name, the global one first for symbol()', () => {
    const text = ['ffffffff81000010 t probe', 'ffffffff81000020 T probe', 'ffffffffc0000030 t probe\t[mod]'].join('\n');
    const { symbols } = readKallsyms({ file: 'k', bytes: bytes(text) });
    assert.equal(symbols.distinctNames, 1);
    assert.deepEqual(
      symbols.findAll('probe').map((i) => symbols.address(i)),
      ['ffffffff81000010', 'ffffffff81000020', 'ffffffffc0000030'],
    );
    assert.equal(symbols.symbolAt(symbols.find('probe')).type, 'T');
    assert.equal(symbols.find('prob'), -1);
    assert.equal(symbols.find('probe2'), -1);
  });

  it('reads 32-bit addresses, CRLF line ends and a missing last newline alike', () => {
    const text = 'c1000000 T _text\r\nc1000100 t helper\r\nc1000200 D some_data';
    const snapshot = readKallsyms({ file: 'k', bytes: bytes(text) });
    assert.deepEqual(snapshot.warnings, []);
    assert.equal(snapshot.symbols.size, 3);
    assert.deepEqual(snapshot.symbols.symbolAt(2), { name: 'some_data', type: 'D', address: '00000000c1000200' });
  });

  it('skips bad lines with a warning naming file and line, and reads on', () => {
    const good = lines(HOST_KALLSYMS).slice(0, 5);
    const text = [
      good[0],
      'garbage here',
      good[1],
      'ffffffff81000000 T',
      'ffffffff81000000 TT name',
      good[2],
      'ffffffff81000000 T name\textra',
      good[3],
      'fffffffff81000000f T toolong',
      good[4]!.slice(0, 10),
    ].join('\n');
    const snapshot = readKallsyms({ file: 'snap.txt', bytes: bytes(text) });
    assert.equal(snapshot.symbols.size, 4);
    assert.deepEqual(
      snapshot.warnings.map((w) => w.split(': ')[0]),
      ['snap.txt:2', 'snap.txt:4', 'snap.txt:5', 'snap.txt:7', 'snap.txt:9', 'snap.txt:10'],
    );
    assert.match(snapshot.warnings[0]!, /^snap\.txt:2: expected an address .* in "garbage here"; line skipped$/);
    assert.match(snapshot.warnings[5]!, /^snap\.txt:10: /, 'a truncated last line is named');
  });

  it('caps the warnings of a file full of bad lines', () => {
    const text = ['ffffffff81000000 T _text', ...Array.from({ length: 500 }, (_, i) => `junk ${i}`)].join('\n');
    const snapshot = readKallsyms({ file: 'junk', bytes: bytes(text) });
    assert.equal(snapshot.warnings.length, MAX_WARNINGS + 1);
    assert.equal(snapshot.warnings[MAX_WARNINGS], `junk: … ${500 - MAX_WARNINGS} more warnings`);
  });

  it('refuses a file where nothing parses, naming the file and the first bad line', () => {
    assert.throws(
      () => readKallsyms({ file: 'notes.txt', bytes: bytes('\n\nhello world\nmore\n') }),
      (error: unknown) =>
        error instanceof SnapshotError &&
        error.file === 'notes.txt' &&
        error.line === 3 &&
        /^notes\.txt:3: not a kallsyms file: expected an address/.test(error.message),
    );
    assert.throws(
      () => readKallsyms({ file: 'empty', bytes: new Uint8Array(0) }),
      (error: unknown) => error instanceof SnapshotError && error.line === 0 && /empty/.test(error.message),
    );
  });

  it('calls binary data binary, and never throws anything but SnapshotError on random bytes', () => {
    const binary = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 10, 0xff, 0xfe, 0, 10]);
    assert.throws(
      () => readKallsyms({ file: 'a.bin', bytes: binary }),
      (error: unknown) =>
        error instanceof SnapshotError && /a\.bin:1: .*not text \(byte 0x7f at column 1\)/.test(error.message),
    );
    let seed = 1;
    const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
    for (let round = 0; round < 50; round++) {
      const noise = Buffer.from(Array.from({ length: 2000 }, random));
      // Real lines among the noise are still found.
      const mixed = Buffer.concat([noise, bytes('\nffffffff81000000 T _text\n'), noise]);
      try {
        const snapshot = readKallsyms({ file: 'noise', bytes: mixed });
        assert.ok(snapshot.symbols.find('_text') !== -1);
      } catch (error) {
        assert.ok(error instanceof SnapshotError, String(error));
      }
    }
  });

  it('stops reading at the symbol limit, saying so', () => {
    const snapshot = readKallsyms({ file: 'many', bytes: bytes(kallsyms61()) }, 'kallsyms', 100);
    assert.equal(snapshot.symbols.size, 100);
    assert.equal(snapshot.truncated, true);
    assert.ok(
      snapshot.warnings.includes('many: more than 100 symbols, more than any real kernel has; read no further'),
    );
  });

  it('skips a line longer than any symbol line without decoding it', () => {
    const text = `ffffffff81000000 T _text\n${'x'.repeat(200_000)}\nffffffff81000010 T after\n`;
    const snapshot = readKallsyms({ file: 'long', bytes: bytes(text) });
    assert.equal(snapshot.symbols.size, 2);
    assert.deepEqual(snapshot.warnings, ['long:2: line too long for a symbol line; line skipped']);
  });
});
