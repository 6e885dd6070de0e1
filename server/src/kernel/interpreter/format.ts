/**
 * The kernel's printf (lib/vsprintf.c of Linux 6.1), for printk and snprintf: flags `-+ 0#`, field
 * width and precision (also `*`), qualifiers hh h l ll L z Z t, conversions d i u o x X c s p %.
 * Where the kernel differs from glibc, the kernel is followed: `%#x` of 0 prints `0x0`; a precision
 * does not cancel the `0` flag; `%.0d` of 0 prints `0`; a negative `.*` precision counts as 0;
 * `%p` swallows the letters and digits after it (`%pS`, `%px`, …); NULL and error pointers print
 * as `(null)`/`(efault)` for `%s`; an unknown conversion ends the output there (the kernel stops,
 * since its arguments would be out of step).
 *
 * `%p` hashes: the real kernel prints siphash(pointer, boot-time random key) >> 32 as 16 hex
 * digits, so real values differ per boot. The simulator prints a stable stand-in: FNV-1a (32
 * bits) of the pointer's simulated address, zero-padded to 16 digits the same way.
 */
import { T, wrap, type IntType } from './values';

/** One argument as the formatter sees it. */
export interface FormatValue {
  /** As an integer (a pointer's simulated address). */
  readonly int: bigint;
  /**
   * For `%s`: the characters it points at (up to the NUL); null for a NULL pointer; undefined when
   * it does not point at characters the interpreter knows.
   */
  readonly text?: string | null;
  /** For `%pS`/`%ps`: the function or object it points at. */
  readonly symbol?: { readonly name: string; readonly size?: number; readonly module?: string };
  /** An error pointer (ERR_PTR(-errno)): its errno, for `%pe`. */
  readonly errno?: number;
}

export interface Formatted {
  readonly text: string;
  /** What was approximated (unknown `%p` extensions, missing arguments, …). */
  readonly notes: readonly string[];
}

/** Output beyond this many characters is dropped (printk keeps fewer anyway). */
export const FORMAT_OUTPUT_MAX = 8192;
/** lib/vsprintf.c: FIELD_WIDTH_MAX and PRECISION_MAX. */
const FIELD_WIDTH_MAX = (1 << 23) - 1;
const PRECISION_MAX = (1 << 15) - 1;

const LEFT = 1;
const PLUS = 2;
const SPACE = 4;
const SPECIAL = 8;
const ZEROPAD = 16;

interface Spec {
  flags: number;
  width: number;
  precision: number;
}

/** errname(): the symbolic names `%pe` prints (CONFIG_SYMBOLIC_ERRNAME=y), filled by the caller's table. */
export type ErrnoNamer = (errno: number) => string | undefined;

export function formatPrintf(format: string, args: readonly FormatValue[], errname?: ErrnoNamer): Formatted {
  const out = new Output();
  const notes: string[] = [];
  let next = 0;
  const take = (what: string): FormatValue | undefined => {
    const value = args[next++];
    if (value === undefined) notes.push(`printf: no argument for ${what} (the real kernel reads whatever is there)`);
    return value;
  };
  let i = 0;
  while (i < format.length && !out.full) {
    const percent = format.indexOf('%', i);
    if (percent === -1) {
      out.push(format.slice(i));
      break;
    }
    out.push(format.slice(i, percent));
    i = percent + 1;
    if (i >= format.length) break;
    const spec: Spec = { flags: 0, width: -1, precision: -1 };
    // flags
    for (;;) {
      const c = format[i];
      if (c === '-') spec.flags |= LEFT;
      else if (c === '+') spec.flags |= PLUS;
      else if (c === ' ') spec.flags |= SPACE;
      else if (c === '#') spec.flags |= SPECIAL;
      else if (c === '0') spec.flags |= ZEROPAD;
      else break;
      i++;
    }
    // field width
    if (isDigit(format[i])) {
      const m = /^\d+/.exec(format.slice(i))!;
      spec.width = Math.min(Number(m[0]), FIELD_WIDTH_MAX);
      i += m[0].length;
    } else if (format[i] === '*') {
      i++;
      let width = Number(BigInt.asIntN(32, take('a * width')?.int ?? 0n));
      if (width < 0) {
        width = -width;
        spec.flags |= LEFT;
      }
      spec.width = Math.min(width, FIELD_WIDTH_MAX);
    }
    // precision
    if (format[i] === '.') {
      i++;
      if (isDigit(format[i])) {
        const m = /^\d+/.exec(format.slice(i))!;
        spec.precision = Math.min(Number(m[0]), PRECISION_MAX);
        i += m[0].length;
      } else if (format[i] === '*') {
        i++;
        const precision = Number(BigInt.asIntN(32, take('a * precision')?.int ?? 0n));
        spec.precision = Math.max(0, Math.min(precision, PRECISION_MAX));
      }
    }
    // qualifier
    let qualifier = '';
    const q = format[i];
    if (q === 'h' || q === 'l' || q === 'L' || q === 'z' || q === 'Z' || q === 't') {
      qualifier = q;
      i++;
      if (q === format[i] && (q === 'h' || q === 'l')) {
        qualifier = q === 'h' ? 'hh' : 'll';
        i++;
      }
    }
    const conversion = format[i];
    i++;
    switch (conversion) {
      case '%':
        out.push('%');
        break;
      case 'c': {
        const c = Number(BigInt.asUintN(8, take('%c')?.int ?? 0n));
        const pad = Math.max(0, spec.width - 1);
        if (!(spec.flags & LEFT)) out.repeat(' ', pad);
        out.pushBytes([c]);
        if (spec.flags & LEFT) out.repeat(' ', pad);
        break;
      }
      case 's': {
        const value = take('%s');
        let text: string;
        // check_pointer: NULL is "(null)"; the first page and error values are "(efault)".
        if (value === undefined || value.text === null || (value.text === undefined && value.int === 0n))
          text = '(null)';
        else if (value.text === undefined && (value.int < 4096n || isErrorPointer(value.int))) text = '(efault)';
        else if (value.text === undefined) {
          notes.push('printf: %s of memory the simulator does not model printed as an empty string');
          text = '';
        } else text = value.text;
        widen(out, spec.precision >= 0 ? text.slice(0, spec.precision) : text, spec);
        break;
      }
      case 'p': {
        const m = /^[0-9A-Za-z]*/.exec(format.slice(i))!;
        i += m[0].length;
        pointer(out, m[0], take('%p'), spec, notes, errname);
        break;
      }
      case 'd':
      case 'i':
      case 'u':
      case 'o':
      case 'x':
      case 'X': {
        const signed = conversion === 'd' || conversion === 'i';
        const type = qualifierType(qualifier, signed);
        const value = wrap(take(`%${conversion}`)?.int ?? 0n, type);
        const base = conversion === 'o' ? 8 : conversion === 'x' || conversion === 'X' ? 16 : 10;
        number(out, value, base, conversion === 'x', signed, spec);
        break;
      }
      default:
        notes.push(
          `printf: unsupported conversion %${conversion ?? ''}: the kernel warns ("Please remove unsupported %${conversion ?? ''} in format string") and prints nothing after it`,
        );
        return { text: out.text, notes };
    }
  }
  if (out.full) notes.push(`printf: output cut at ${FORMAT_OUTPUT_MAX} characters`);
  return { text: out.text, notes };
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function qualifierType(qualifier: string, signed: boolean): IntType {
  switch (qualifier) {
    case 'hh':
      return signed ? T.schar : T.uchar;
    case 'h':
      return signed ? T.short : T.ushort;
    case 'l':
    case 'z':
    case 'Z':
    case 't':
      return signed ? T.long : T.ulong;
    case 'll':
    case 'L':
      return signed ? T.llong : T.ullong;
    default:
      return signed ? T.int : T.uint;
  }
}

/** lib/vsprintf.c number(). */
function number(out: Output, value: bigint, base: number, small: boolean, signed: boolean, given: Spec): void {
  const spec = { ...given };
  if (spec.flags & LEFT) spec.flags &= ~ZEROPAD;
  let width = spec.width;
  let sign = '';
  let magnitude = value;
  if (signed) {
    if (value < 0n) {
      sign = '-';
      magnitude = -value;
      width--;
    } else if (spec.flags & PLUS) {
      sign = '+';
      width--;
    } else if (spec.flags & SPACE) {
      sign = ' ';
      width--;
    }
  }
  const isZero = value === 0n;
  const needPrefix = (spec.flags & SPECIAL) !== 0 && base !== 10;
  if (needPrefix) {
    if (base === 16) width -= 2;
    else if (!isZero) width--;
  }
  let digits = magnitude.toString(base);
  digits = small ? digits : digits.toUpperCase();
  let precision = Math.max(spec.precision, digits.length);
  width -= precision;
  // Each padding loop of number() runs field_width down to -1: the next one pads no more.
  if (!(spec.flags & (ZEROPAD | LEFT))) {
    out.repeat(' ', width);
    width = Math.min(width, 0);
  }
  out.push(sign);
  if (needPrefix) {
    if (base === 16 || !isZero) out.push('0');
    if (base === 16) out.push(small ? 'x' : 'X');
  }
  if (!(spec.flags & LEFT)) {
    out.repeat(spec.flags & ZEROPAD ? '0' : ' ', width);
    width = Math.min(width, 0);
  }
  while (digits.length < precision--) out.push('0');
  out.push(digits);
  out.repeat(' ', width);
}

/** widen_string: pads to the field width with spaces (the `0` flag does not apply to strings). */
function widen(out: Output, text: string, spec: Spec): void {
  const pad = Math.max(0, spec.width - text.length);
  if (!(spec.flags & LEFT)) out.repeat(' ', pad);
  out.push(text);
  if (spec.flags & LEFT) out.repeat(' ', pad);
}

/** FNV-1a over the address's 8 bytes: the simulator's stand-in for the kernel's keyed siphash. */
export function hashPointer(address: bigint): bigint {
  let h = 0x811c9dc5;
  for (let i = 0n; i < 8n; i++) {
    h ^= Number((address >> (8n * i)) & 0xffn);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return BigInt(h);
}

function pointerString(out: Output, value: bigint, spec: Spec): void {
  const s: Spec = { ...spec };
  if (s.width === -1) {
    s.width = 16;
    s.flags |= ZEROPAD;
  }
  number(out, BigInt.asUintN(64, value), 16, true, false, s);
}

const isErrorPointer = (address: bigint) => BigInt.asUintN(64, address) >= BigInt.asUintN(64, -4095n);

function pointer(
  out: Output,
  extension: string,
  value: FormatValue | undefined,
  spec: Spec,
  notes: string[],
  errname: ErrnoNamer | undefined,
): void {
  const address = value?.int ?? 0n;
  const kind = extension[0] ?? '';
  if (kind === 'x') return pointerString(out, address, spec);
  if (kind === 'S' || kind === 's' || kind === 'F' || kind === 'f' || kind === 'B') {
    const symbol = value?.symbol;
    if (symbol === undefined) {
      // sprint_symbol of an address kallsyms does not know: the raw address.
      out.push(`0x${BigInt.asUintN(64, address).toString(16)}`);
      return;
    }
    const module = symbol.module !== undefined ? ` [${symbol.module}]` : '';
    const offset = kind === 'S' || kind === 'F' || kind === 'B';
    widen(
      out,
      offset ? `${symbol.name}+0x0/0x${(symbol.size ?? 0).toString(16)}${module}` : `${symbol.name}${module}`,
      spec,
    );
    return;
  }
  if (kind === 'e') {
    const errno = value?.errno;
    if (errno !== undefined) {
      const name = errname?.(errno);
      widen(out, name !== undefined ? `-${name}` : `-${errno}`, spec);
      return;
    }
  } else if (kind !== '' && kind !== 'K') {
    notes.push(`printf: %p${extension} is not simulated; printed as a hashed %p`);
  }
  // ptr_to_id: NULL and error pointers print as they are; others hashed.
  if (address === 0n || isErrorPointer(address)) return pointerString(out, address, spec);
  pointerString(out, hashPointer(address), spec);
}

/** The output buffer: characters (bytes as Latin-1 code points kept as UTF-8 text), bounded. */
class Output {
  private parts: string[] = [];
  private length = 0;
  full = false;

  push(s: string): void {
    if (this.full || s === '') return;
    if (this.length + s.length > FORMAT_OUTPUT_MAX) {
      s = s.slice(0, FORMAT_OUTPUT_MAX - this.length);
      this.full = true;
    }
    this.parts.push(s);
    this.length += s.length;
  }

  pushBytes(bytes: readonly number[]): void {
    this.push(String.fromCharCode(...bytes));
  }

  repeat(c: string, n: number): void {
    if (n > 0) this.push(c.repeat(Math.min(n, FORMAT_OUTPUT_MAX + 1 - this.length)));
  }

  get text(): string {
    return this.parts.join('');
  }
}
