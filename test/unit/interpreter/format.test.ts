import { strict as assert } from 'node:assert';
import { formatPrintf, hashPointer, type FormatValue } from '../../../server/src/kernel/interpreter/format';
import { errnoSymbol } from '../../../server/src/kernel/interpreter/constants';

const n = (v: bigint | number): FormatValue => ({ int: BigInt(v) });
const s = (text: string | null): FormatValue => ({ int: text === null ? 0n : 0xffff888000001000n, text });
const f = (format: string, ...args: FormatValue[]) => formatPrintf(format, args, errnoSymbol).text;

describe('interpreter: the kernel`s printf (lib/vsprintf.c)', () => {
  it('prints integers as printf does where the kernel agrees with glibc', () => {
    assert.equal(f('%d %i', n(-5), n(42)), '-5 42');
    assert.equal(f('%u', n(-1)), '4294967295');
    assert.equal(f('%lu %ld', n(-1), n(-1)), '18446744073709551615 -1');
    assert.equal(f('%llu %lld', n(-1), n(1n << 40n)), '18446744073709551615 1099511627776');
    assert.equal(f('%hhd %hhu %hd %hu', n(255), n(-1), n(65535), n(65537)), '-1 255 -1 1');
    assert.equal(f('%zu %zd', n(-1), n(-1)), '18446744073709551615 -1');
    assert.equal(f('%x %X %#x %#X %o %#o', n(255), n(255), n(255), n(255), n(8), n(8)), 'ff FF 0xff 0XFF 10 010');
    assert.equal(
      f('%5d|%-5d|%05d|%+d|% d|%.3d', n(42), n(42), n(42), n(42), n(42), n(7)),
      '   42|42   |00042|+42| 42|007',
    );
    assert.equal(f('%-+6d|%+06d', n(-3), n(3)), '-3    |+00003');
    assert.equal(f('%*d|%-*d|', n(4), n(1), n(3), n(2)), '   1|2  |');
    assert.equal(f('%*d|', n(-4), n(1)), '1   |');
    assert.equal(f('%lx %08lx', n(0xdeadbeefn), n(0xbeefn)), 'deadbeef 0000beef');
  });

  it('follows the kernel where it differs from glibc', () => {
    // number(): the 0x prefix even for zero (glibc prints "0").
    assert.equal(f('%#x', n(0)), '0x0');
    // A precision does not cancel the 0 flag (glibc: "     005").
    assert.equal(f('%08.3d', n(5)), '00000005');
    // %.0d of 0 prints a digit (glibc prints nothing).
    assert.equal(f('[%.0d]', n(0)), '[0]');
    // A negative * precision counts as 0, not as none.
    assert.equal(f('%.*d', n(-1), n(5)), '5');
    // Unknown conversions end the output (the kernel warns and stops).
    assert.equal(f('a%fb %d', n(1), n(2)), 'a');
    assert.match(formatPrintf('a%fb', [n(1)]).notes[0] ?? '', /unsupported conversion %f/);
  });

  it('prints strings and characters with widths and precision', () => {
    assert.equal(
      f('%s|%5s|%-5s|%.2s|%05s', s('ab'), s('ab'), s('ab'), s('abcdef'), s('ab')),
      'ab|   ab|ab   |ab|   ab',
    );
    assert.equal(f('%s %.3s', s(null), s(null)), '(null) (nu');
    assert.equal(f('%s', { int: 16n }), '(efault)');
    assert.equal(f('%c%c|%3c|%-3c|', n(72), n(105), n(65), n(66)), 'Hi|  A|B  |');
    assert.equal(f('100%%'), '100%');
  });

  it('prints pointers: %p hashed (stable stand-in), %px raw, NULL and errors as they are, %pe by name, %pS by symbol', () => {
    const address = 0xffff888004000040n;
    const hashed = hashPointer(address).toString(16).padStart(16, '0');
    assert.match(hashed, /^00000000[0-9a-f]{8}$/);
    assert.equal(f('%p', n(address)), hashed);
    assert.equal(f('%p', n(address)), f('%p', n(address)));
    assert.notEqual(f('%p', n(address)), f('%p', n(address + 64n)));
    assert.equal(f('%p', n(0)), '0000000000000000');
    assert.equal(f('%p', n(-12)), 'fffffffffffffff4');
    assert.equal(f('%px', n(address)), 'ffff888004000040');
    assert.equal(f('%pe', { int: BigInt.asUintN(64, -12n), errno: 12 }), '-ENOMEM');
    assert.equal(f('%pe', { int: BigInt.asUintN(64, -517n), errno: 517 }), '-EPROBE_DEFER');
    const symbol = { int: 0xffffffffc0201000n, symbol: { name: 'hello_init', size: 0x1e, module: 'hello' } };
    assert.equal(f('%pS|%ps', symbol, symbol), 'hello_init+0x0/0x1e [hello]|hello_init [hello]');
    // %p takes every letter and digit after it as its extension.
    assert.equal(f('[%pK1]', n(0)), '[0000000000000000]');
  });

  it('says when an argument is missing, and bounds huge widths', () => {
    const r = formatPrintf('%d %s', [n(1)]);
    assert.equal(r.text, '1 (null)');
    assert.match(r.notes[0] ?? '', /no argument for %s/);
    const wide = formatPrintf('%100000000d', [n(1)]);
    assert.ok(wide.text.length <= 8192);
    assert.match(wide.notes.join(), /cut/);
  });
});
