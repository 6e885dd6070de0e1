import { strict as assert } from 'node:assert';
import {
  arithmetic,
  charConstant,
  commonType,
  compare,
  integerConstant,
  primitiveType,
  T,
  unary,
  wrap,
  type ArithmeticOp,
  type IntType,
} from '../../../server/src/kernel/interpreter/values';

const op = (o: ArithmeticOp, a: bigint, at: IntType, b: bigint, bt: IntType) => {
  const r = arithmetic(o, a, at, b, bt);
  if ('error' in r) return r.error;
  return `${r.value} ${r.type.name}`;
};

describe('interpreter: C integer semantics (x86_64, gcc, -fno-strict-overflow)', () => {
  it('types integer constants as C11 6.4.4.1 does', () => {
    const t = (s: string) => {
      const c = integerConstant(s);
      return c === undefined ? undefined : `${c.value} ${c.type.name}`;
    };
    assert.equal(t('2147483647'), '2147483647 int');
    assert.equal(t('2147483648'), '2147483648 long');
    assert.equal(t('0x7fffffff'), '2147483647 int');
    assert.equal(t('0xffffffff'), '4294967295 unsigned int');
    assert.equal(t('0xffffffffffffffff'), '18446744073709551615 unsigned long');
    assert.equal(t('1u'), '1 unsigned int');
    assert.equal(t('1UL'), '1 unsigned long');
    assert.equal(t('1ll'), '1 long long');
    assert.equal(t('010'), '8 int');
    assert.equal(t('0b101'), '5 int');
    assert.equal(t('0'), '0 int');
    assert.equal(t('1.5'), undefined);
  });

  it('names types from keywords and kernel typedefs', () => {
    assert.equal(primitiveType(['unsigned', 'long', 'long'])?.name, 'unsigned long long');
    assert.equal(primitiveType(['short', 'int'])?.name, 'short');
    assert.equal(primitiveType(['unsigned'])?.name, 'unsigned int');
    assert.equal(primitiveType(['u8'])?.name, 'unsigned char');
    assert.equal(primitiveType(['size_t'])?.name, 'unsigned long');
    assert.equal(primitiveType(['float']), undefined);
  });

  it('wraps signed and unsigned overflow to the width', () => {
    assert.equal(op('+', 2147483647n, T.int, 1n, T.int), '-2147483648 int');
    assert.equal(op('-', 0n, T.uint, 1n, T.int), '4294967295 unsigned int');
    assert.equal(op('*', 65536n, T.int, 65536n, T.int), '0 int');
    assert.equal(op('+', 0xffffffffffffffffn, T.ulong, 1n, T.int), '0 unsigned long');
    assert.equal(wrap(300n, T.uchar), 44n);
    assert.equal(wrap(200n, T.char), -56n);
    assert.equal(wrap(5n, T.bool), 1n);
  });

  it('truncates division toward zero; the remainder has the dividend`s sign', () => {
    assert.equal(op('/', -7n, T.int, 2n, T.int), '-3 int');
    assert.equal(op('%', -7n, T.int, 2n, T.int), '-1 int');
    assert.equal(op('%', 7n, T.int, -2n, T.int), '1 int');
    assert.equal(op('/', 7n, T.uint, 2n, T.int), '3 unsigned int');
    // -1 converted to unsigned first: 4294967295 / 2
    assert.equal(op('/', -1n, T.int, 2n, T.uint), '2147483647 unsigned int');
    assert.equal(op('/', 1n, T.int, 0n, T.int), 'division by zero');
  });

  it('promotes narrow types and applies the usual arithmetic conversions', () => {
    assert.equal(op('+', 200n, T.uchar, 100n, T.uchar), '300 int');
    assert.equal(commonType(T.int, T.uint).name, 'unsigned int');
    assert.equal(commonType(T.long, T.uint).name, 'long');
    assert.equal(commonType(T.ulong, T.int).name, 'unsigned long');
    assert.equal(commonType(T.short, T.ushort).name, 'int');
    // -1 < 1u is false in C: -1 becomes UINT_MAX.
    assert.equal(compare('<', -1n, T.int, 1n, T.uint), false);
    assert.equal(compare('<', -1n, T.long, 1n, T.uint), true);
    assert.equal(compare('==', -1n, T.int, 0xffffffffn, T.uint), true);
  });

  it('shifts: the left operand`s promoted type; arithmetic right shift of negatives; x86 count masking', () => {
    assert.equal(op('<<', 1n, T.int, 31n, T.int), '-2147483648 int');
    assert.equal(op('>>', 0x80000000n, T.uint, 31n, T.int), '1 unsigned int');
    assert.equal(op('>>', -8n, T.int, 1n, T.int), '-4 int');
    assert.equal(op('<<', 1n, T.int, 32n, T.int), '1 int');
    assert.equal(op('<<', 1n, T.ulong, 40n, T.int), '1099511627776 unsigned long');
    assert.equal(op('<<', 1n, T.uchar, 8n, T.int), '256 int');
  });

  it('unary minus and complement on promoted operands', () => {
    assert.deepEqual(unary('-', 0n, T.uint), { value: 0n, type: T.uint });
    assert.deepEqual(unary('-', 1n, T.uint), { value: 4294967295n, type: T.uint });
    assert.deepEqual(unary('~', 0n, T.uchar), { value: -1n, type: T.int });
  });

  it('reads character constants (plain char is signed on x86)', () => {
    assert.equal(charConstant("'A'"), 65n);
    assert.equal(charConstant("'\\n'"), 10n);
    assert.equal(charConstant("'\\0'"), 0n);
    assert.equal(charConstant("'\\x41'"), 65n);
    assert.equal(charConstant("'\\377'"), -1n);
    assert.equal(charConstant("'ab'"), 0x6162n);
  });
});
