/**
 * C values and integer semantics as x86_64 Linux (LP64) and gcc with the kernel's flags see them:
 * char 8, short 16, int 32, long and pointers 64 bits; signed overflow wraps (the kernel builds with
 * -fno-strict-overflow); integer promotions and the usual arithmetic conversions of C11 6.3.1; `/`
 * and `%` truncate toward zero; shifts by the width or more do what x86 does (the count is masked).
 */

/** An integer type: width in bits and signedness. `bool` is kept apart: converting to it tests for non-zero. */
export interface IntType {
  readonly kind: 'int';
  readonly bits: 8 | 16 | 32 | 64;
  readonly signed: boolean;
  readonly bool?: true;
  /** The name it was written with (for messages). */
  readonly name: string;
}

export type CType =
  | IntType
  | { readonly kind: 'void' }
  | { readonly kind: 'pointer'; readonly to: CType }
  | { readonly kind: 'array'; readonly of: CType; readonly length: number | undefined }
  | { readonly kind: 'struct'; readonly name: string }
  | { readonly kind: 'function'; readonly returns: CType }
  /** Something the interpreter does not model (float, a typedef it does not know, …). */
  | { readonly kind: 'unknown'; readonly text: string };

const int = (name: string, bits: IntType['bits'], signed: boolean): IntType => ({ kind: 'int', bits, signed, name });

export const T = {
  bool: { kind: 'int', bits: 8, signed: false, bool: true, name: 'bool' } as IntType,
  char: int('char', 8, true),
  schar: int('signed char', 8, true),
  uchar: int('unsigned char', 8, false),
  short: int('short', 16, true),
  ushort: int('unsigned short', 16, false),
  int: int('int', 32, true),
  uint: int('unsigned int', 32, false),
  long: int('long', 64, true),
  ulong: int('unsigned long', 64, false),
  llong: int('long long', 64, true),
  ullong: int('unsigned long long', 64, false),
} as const;

export const VOID: CType = { kind: 'void' };
export const CHAR_POINTER: CType = { kind: 'pointer', to: T.char };

/** Kernel and C99 typedefs of integer types (include/linux/types.h, include/uapi/asm-generic/int-ll64.h). */
const TYPEDEFS: Readonly<Record<string, IntType>> = {
  u8: T.uchar,
  u16: T.ushort,
  u32: T.uint,
  u64: T.ullong,
  s8: T.schar,
  s16: T.short,
  s32: T.int,
  s64: T.llong,
  __u8: T.uchar,
  __u16: T.ushort,
  __u32: T.uint,
  __u64: T.ullong,
  __s8: T.schar,
  __s16: T.short,
  __s32: T.int,
  __s64: T.llong,
  __le16: T.ushort,
  __le32: T.uint,
  __le64: T.ullong,
  __be16: T.ushort,
  __be32: T.uint,
  __be64: T.ullong,
  uint8_t: T.uchar,
  uint16_t: T.ushort,
  uint32_t: T.uint,
  uint64_t: T.ullong,
  int8_t: T.schar,
  int16_t: T.short,
  int32_t: T.int,
  int64_t: T.llong,
  size_t: T.ulong,
  ssize_t: T.long,
  ptrdiff_t: T.long,
  uintptr_t: T.ulong,
  intptr_t: T.long,
  loff_t: T.llong,
  off_t: T.long,
  dev_t: T.uint,
  pid_t: T.int,
  uid_t: T.uint,
  gid_t: T.uint,
  umode_t: T.ushort,
  gfp_t: T.uint,
  bool: T.bool,
  _Bool: T.bool,
  uint: T.uint,
  ulong: T.ulong,
  ushort: T.ushort,
  u_int: T.uint,
  u_long: T.ulong,
  irqreturn_t: T.int,
  atomic_t: T.int,
  resource_size_t: T.ullong,
  phys_addr_t: T.ullong,
  dma_addr_t: T.ullong,
  sector_t: T.ulong,
  blkcnt_t: T.ulong,
  time64_t: T.llong,
  ktime_t: T.llong,
  __kernel_size_t: T.ulong,
};

export function typedefType(name: string): IntType | undefined {
  return Object.prototype.hasOwnProperty.call(TYPEDEFS, name) ? TYPEDEFS[name] : undefined;
}

/**
 * The integer type a list of C type keywords names: `unsigned`, `long long`, `short int`, `char`…
 * Undefined when the words are not an integer type (`float`, `double`, `void`).
 */
export function primitiveType(words: readonly string[]): IntType | undefined {
  let unsigned = false;
  let signedWord = false;
  let longs = 0;
  let base: string | undefined;
  for (const w of words) {
    if (w === 'unsigned') unsigned = true;
    else if (w === 'signed') signedWord = true;
    else if (w === 'long') longs++;
    else if (w === 'short' || w === 'char' || w === 'int' || w === '_Bool' || w === 'bool') base = base ?? w;
    else if (w === 'const' || w === 'volatile' || w === 'static' || w === 'register') continue;
    else {
      const typedef = typedefType(w);
      if (typedef !== undefined && words.length === 1) return typedef;
      return undefined;
    }
  }
  if (base === '_Bool' || base === 'bool') return T.bool;
  if (base === 'char') return unsigned ? T.uchar : signedWord ? T.schar : T.char;
  if (base === 'short') return unsigned ? T.ushort : T.short;
  if (longs >= 2) return unsigned ? T.ullong : T.llong;
  if (longs === 1) return unsigned ? T.ulong : T.long;
  if (base === 'int' || unsigned || signedWord) return unsigned ? T.uint : T.int;
  return undefined;
}

/** sizeof on x86_64; undefined for what the interpreter cannot size (structs, unknown types). */
export function sizeOf(type: CType): number | undefined {
  switch (type.kind) {
    case 'int':
      return type.bits / 8;
    case 'pointer':
    case 'function':
      return 8;
    case 'void':
      return 1; // gcc's extension
    case 'array': {
      const element = sizeOf(type.of);
      return element === undefined || type.length === undefined ? undefined : element * type.length;
    }
    default:
      return undefined;
  }
}

export function typeName(type: CType): string {
  switch (type.kind) {
    case 'int':
      return type.name;
    case 'void':
      return 'void';
    case 'pointer':
      return `${typeName(type.to)} *`;
    case 'array':
      return `${typeName(type.of)}[${type.length ?? ''}]`;
    case 'struct':
      return `struct ${type.name}`;
    case 'function':
      return `${typeName(type.returns)} ()`;
    default:
      return type.text;
  }
}

/** The value as stored in a variable of the type: truncated to its width, sign-extended when signed. */
export function wrap(value: bigint, type: IntType): bigint {
  if (type.bool) return value === 0n ? 0n : 1n;
  return type.signed ? BigInt.asIntN(type.bits, value) : BigInt.asUintN(type.bits, value);
}

/** Integer promotion: types narrower than int (bool, char, short) become int. */
export function promote(type: IntType): IntType {
  return type.bits < 32 ? T.int : type;
}

/** The usual arithmetic conversions for two (promoted) integer operands. */
export function commonType(a: IntType, b: IntType): IntType {
  const x = promote(a);
  const y = promote(b);
  if (x.bits === y.bits) {
    if (x.signed === y.signed) return x.bits === 64 ? (x.signed ? T.long : T.ulong) : x;
    return x.bits === 64 ? T.ulong : T.uint;
  }
  const wide = x.bits > y.bits ? x : y;
  const narrow = x.bits > y.bits ? y : x;
  // The wider type can hold every value of the narrower one: it wins even when it is signed.
  if (wide.signed && !narrow.signed) return wide;
  return wide.bits === 64 ? (wide.signed ? T.long : T.ulong) : wide;
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '<<' | '>>' | '&' | '|' | '^';
export type ComparisonOp = '<' | '>' | '<=' | '>=' | '==' | '!=';

/** An arithmetic result, or why there is none (division by zero). */
export type Arithmetic = { readonly value: bigint; readonly type: IntType } | { readonly error: string };

export function arithmetic(op: ArithmeticOp, a: bigint, at: IntType, b: bigint, bt: IntType): Arithmetic {
  if (op === '<<' || op === '>>') {
    // The result has the promoted left operand's type; x86 masks the count to the width.
    const type = promote(at);
    const left = wrap(a, type);
    const count = BigInt.asUintN(type.bits === 64 ? 6 : 5, b);
    const value = op === '<<' ? left << count : left >> count;
    return { value: wrap(value, type), type };
  }
  const type = commonType(at, bt);
  const x = wrap(a, type);
  const y = wrap(b, type);
  let value: bigint;
  switch (op) {
    case '+':
      value = x + y;
      break;
    case '-':
      value = x - y;
      break;
    case '*':
      value = x * y;
      break;
    case '/':
      if (y === 0n) return { error: 'division by zero' };
      value = x / y; // BigInt division truncates toward zero, as C does
      break;
    case '%':
      if (y === 0n) return { error: 'division by zero' };
      value = x % y; // the sign follows the dividend, as in C
      break;
    case '&':
      value = x & y;
      break;
    case '|':
      value = x | y;
      break;
    case '^':
      value = x ^ y;
      break;
  }
  return { value: wrap(value, type), type };
}

export function compare(op: ComparisonOp, a: bigint, at: IntType, b: bigint, bt: IntType): boolean {
  const type = commonType(at, bt);
  const x = wrap(a, type);
  const y = wrap(b, type);
  switch (op) {
    case '<':
      return x < y;
    case '>':
      return x > y;
    case '<=':
      return x <= y;
    case '>=':
      return x >= y;
    case '==':
      return x === y;
    case '!=':
      return x !== y;
  }
}

/** Unary `-`, `~` and `+` on a promoted operand. */
export function unary(op: '-' | '~' | '+', a: bigint, at: IntType): { value: bigint; type: IntType } {
  const type = promote(at);
  const x = wrap(a, type);
  const value = op === '-' ? -x : op === '~' ? ~x : x;
  return { value: wrap(value, type), type };
}

/**
 * A C integer constant: decimal, 0x hex, 0 octal, 0b binary, with u/l/ll suffixes, typed as C11
 * 6.4.4.1 says (the first of int, long, … that holds it; unsigned ones too for hex and octal).
 */
export function integerConstant(text: string): { value: bigint; type: IntType } | undefined {
  const m = /^(0[xX][0-9a-fA-F']+|0[bB][01']+|0[0-7']*|[1-9][0-9']*)([uUlL]*)$/.exec(text.trim());
  if (!m) return undefined;
  const digits = m[1]!.replace(/'/g, '');
  const suffix = m[2]!.toLowerCase();
  let value: bigint;
  if (/^0[bB]/.test(digits)) value = BigInt(digits);
  else if (/^0[0-7]+$/.test(digits)) value = BigInt(`0o${digits.slice(1)}`);
  else value = BigInt(digits);
  const decimal = !/^0./.test(digits);
  const unsignedSuffix = suffix.includes('u');
  const longs = suffix.replace(/u/g, '').length;
  if (longs > 2 || (suffix.match(/u/g)?.length ?? 0) > 1) return undefined;
  const candidates: IntType[] = [];
  if (longs === 0) candidates.push(...(unsignedSuffix ? [T.uint] : decimal ? [T.int] : [T.int, T.uint]));
  if (longs <= 1) candidates.push(...(unsignedSuffix ? [T.ulong] : decimal ? [T.long] : [T.long, T.ulong]));
  candidates.push(...(unsignedSuffix ? [T.ullong] : decimal ? [T.llong] : [T.llong, T.ullong]));
  for (const type of candidates) if (wrap(value, type) === value) return { value, type };
  // Too big for any type: gcc warns and takes it as unsigned long long (truncated).
  return { value: BigInt.asUintN(64, value), type: T.ullong };
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  n: 10,
  t: 9,
  r: 13,
  a: 7,
  b: 8,
  f: 12,
  v: 11,
  e: 27,
  '\\': 92,
  "'": 39,
  '"': 34,
  '?': 63,
};

/** The bytes of a C string or character literal's body (between the quotes), escapes decoded; UTF-8 for the rest. */
export function decodeEscapes(body: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      const code = body.codePointAt(i)!;
      if (code > 0xffff) i++;
      bytes.push(...Buffer.from(String.fromCodePoint(code), 'utf8'));
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) break;
    if (next in SIMPLE_ESCAPES) {
      bytes.push(SIMPLE_ESCAPES[next]!);
      i++;
    } else if (next === 'x') {
      const m = /^[0-9a-fA-F]+/.exec(body.slice(i + 2));
      bytes.push(m ? Number.parseInt(m[0].slice(-2), 16) & 0xff : 0);
      i += 1 + (m?.[0].length ?? 0);
    } else if (/[0-7]/.test(next)) {
      const m = /^[0-7]{1,3}/.exec(body.slice(i + 1))!;
      bytes.push(Number.parseInt(m[0], 8) & 0xff);
      i += m[0].length;
    } else if (next === '\n') {
      i++; // a line continuation
    } else {
      bytes.push(next.charCodeAt(0) & 0xff);
      i++;
    }
  }
  return bytes;
}

/** A character constant: `'a'`, `'\n'`, `'\0'` — an int (a plain char is signed on x86). */
export function charConstant(text: string): bigint | undefined {
  const m = /^[LuU]?'(.*)'$/s.exec(text);
  if (!m) return undefined;
  const bytes = decodeEscapes(m[1]!);
  if (bytes.length === 0) return undefined;
  // A multi-character constant is implementation-defined; gcc packs the bytes big-endian.
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return bytes.length === 1 ? BigInt.asIntN(8, value) : BigInt.asIntN(32, value);
}

// ---- run-time values

/**
 * Memory the interpreter models: an array variable, a string literal, a char buffer. Elements are
 * indexed in units of the element type; large arrays are kept sparse (unset elements are zero).
 */
export class Memory {
  private readonly dense: Value[] | undefined;
  private readonly sparse: Map<number, Value> | undefined;

  constructor(
    readonly element: CType,
    readonly length: number,
    /** What it is, for messages: `ports`, `"demo"`. */
    readonly label: string,
    /** Its simulated address. */
    readonly address: bigint,
    readonly readOnly = false,
  ) {
    if (length <= 65536) this.dense = [];
    else this.sparse = new Map();
  }

  get(index: number): Value {
    const v = this.dense !== undefined ? this.dense[index] : this.sparse!.get(index);
    return v ?? zeroValue(this.element);
  }

  set(index: number, value: Value): void {
    if (this.dense !== undefined) this.dense[index] = value;
    else this.sparse!.set(index, value);
  }

  /** The bytes from `offset` up to a NUL (or the end), as a Latin-1 string of bytes. */
  cString(offset: number, limit = 1 << 16): string {
    let out = '';
    for (let i = offset; i < this.length && i - offset < limit; i++) {
      const v = this.get(i);
      const byte = v.k === 'int' ? Number(BigInt.asUintN(8, v.v)) : 0;
      if (byte === 0) break;
      out += String.fromCharCode(byte);
    }
    return out;
  }
}

/** A variable: its declared type and current value (arrays hold a pointer to their memory). */
export interface Cell {
  readonly name: string;
  readonly type: CType;
  value: Value;
  /** Its simulated address, once asked for. */
  address?: bigint;
}

/** What a kernel object (a struct the interpreter does not model) is, for the API table. */
export interface TokenInfo {
  /** `kmalloc`, `class_create`, … */
  readonly from: string;
  /** A name given to it (a class's, a device's). */
  readonly name?: string;
  /** For a device: its class's name (dev_driver_string of a class device). */
  readonly className?: string;
}

export type Value =
  | { readonly k: 'int'; readonly v: bigint; readonly t: IntType }
  /** A pointer into modelled memory. */
  | { readonly k: 'ptr'; readonly mem: Memory; readonly off: number }
  /** A pointer to a variable (`&x`). */
  | { readonly k: 'ref'; readonly cell: Cell }
  /** A pointer to something the interpreter does not model; `errno` for ERR_PTR(-errno). */
  | { readonly k: 'token'; readonly address: bigint; readonly errno?: number; readonly info?: TokenInfo }
  | { readonly k: 'fn'; readonly name: string }
  /** A struct variable's fields that were written (others read as zero). */
  | { readonly k: 'struct'; readonly fields: Map<string, Value>; readonly name: string }
  | { readonly k: 'void' };

export const intValue = (v: bigint, t: IntType = T.int): Value => ({ k: 'int', v: wrap(v, t), t });
export const ZERO: Value = { k: 'int', v: 0n, t: T.int };

export function zeroValue(type: CType): Value {
  if (type.kind === 'int') return { k: 'int', v: 0n, t: type };
  if (type.kind === 'struct') return { k: 'struct', fields: new Map(), name: type.name };
  if (type.kind === 'pointer') return { k: 'int', v: 0n, t: T.ulong };
  return ZERO;
}

/** C truth: non-zero integers and non-NULL pointers. */
export function truthy(value: Value): boolean {
  switch (value.k) {
    case 'int':
      return value.v !== 0n;
    case 'token':
      return value.address !== 0n;
    case 'void':
      return false;
    default:
      return true;
  }
}
