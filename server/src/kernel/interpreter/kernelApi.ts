/**
 * The kernel's API as the interpreter sees it, in two tables:
 *
 * - HELPERS: header macros and inline functions whose result follows from the arguments alone
 *   (MAJOR/MINOR/MKDEV, IS_ERR/PTR_ERR/ERR_PTR, min/max/clamp, BIT, strlen/strcmp/strscpy/snprintf,
 *   memset/memcpy, kstrto*, atomic_*): computed exactly, no note.
 * - DEFAULTS: kernel functions the simulator does not run (allocators, registrations, locks,
 *   sleeps, copies to user space, …). Each call takes the declared default below and records the
 *   note `not simulated: NAME() taken to …` once per run. A name in neither table that module code
 *   calls and nobody simulates returns 0, with its own note.
 *
 * Device numbers (register_chrdev, alloc_chrdev_region, register_chrdev_region, register_blkdev and
 * their unregister calls) go to the kernel's table (simulator/devices.ts): fs/char_dev.c's dynamic
 * majors (254 down to 234, then 511 down to 384, after the reference VM's boot drivers, so the first
 * module gets 246), and /proc/devices lists them until they are unregistered.
 */
import type { DeviceNumbers, Registration } from '../simulator/devices';
import type { LogLevel } from '../simulator/kernelLog';
import { errnoValue } from './constants';
import { T, type IntType, type TokenInfo, type Value } from './values';

export interface ApiHost {
  readonly moduleName: string;
  /** As an integer: pointers give their simulated address. */
  int(value: Value | undefined): bigint;
  /** The C string a pointer points at (bytes as Latin-1); null for NULL; undefined when unknown. */
  text(value: Value | undefined): string | null | undefined;
  /** A new non-NULL pointer to something not modelled. */
  token(info: TokenInfo): Value;
  /** `*pointer = value`; false when the pointer does not point at modelled memory. */
  store(pointer: Value | undefined, value: Value): boolean;
  load(pointer: Value | undefined): Value | undefined;
  /** Writes bytes and a NUL through a char pointer, at most `size` bytes in all; false when it cannot. */
  writeString(pointer: Value | undefined, bytes: string, size: number): boolean;
  /** Sets `count` bytes (as elements of the memory's type) to `byte`; copies `count` bytes from src. */
  fill(pointer: Value | undefined, byte: number, count: number): boolean;
  copy(destination: Value | undefined, source: Value | undefined, count: number): boolean;
  format(format: Value | undefined, args: readonly Value[]): string;
  readonly devices: DeviceNumbers;
  note(text: string): void;
  /** A kernel line, in order with the module's own printk lines. */
  printk(level: LogLevel, text: string): void;
}

export type ApiResult = Value | { readonly value: Value; readonly says: string };
export type ApiFunction = (args: readonly Value[], host: ApiHost) => ApiResult;

const int = (v: bigint, t: IntType = T.int): Value => ({
  k: 'int',
  v: t.signed ? BigInt.asIntN(t.bits, v) : BigInt.asUintN(t.bits, v),
  t,
});
const VOID: Value = { k: 'void' };
const MAX_ERRNO = 4095n;

/** The errno of an error pointer or of a value in IS_ERR_VALUE's range. */
export function errorOf(value: Value | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (value.k === 'token') return value.errno;
  if (value.k !== 'int') return undefined;
  const v = BigInt.asUintN(64, value.v);
  return v >= BigInt.asUintN(64, -MAX_ERRNO) ? Number(-BigInt.asIntN(64, v)) : undefined;
}

const lengthArg = (host: ApiHost, v: Value | undefined, max = 1 << 20) => {
  const n = host.int(v);
  return n < 0n ? 0 : n > BigInt(max) ? max : Number(n);
};

function kstrto(type: IntType): ApiFunction {
  return (args, host) => {
    const text = host.text(args[0]);
    const base = Number(host.int(args[1]));
    if (text === null || text === undefined) return int(BigInt(-(errnoValue('EINVAL') ?? 22)));
    // _parse_integer_fixup_radix, then digits; one trailing newline is allowed.
    let s = text.replace(/\n$/, '');
    let negative = false;
    if (type.signed && s.startsWith('-')) {
      negative = true;
      s = s.slice(1);
    } else if (s.startsWith('+')) s = s.slice(1);
    let radix = base;
    if (radix === 0) radix = /^0[xX][0-9a-fA-F]/.test(s) ? 16 : /^0/.test(s) && s.length > 1 ? 8 : 10;
    if (radix === 16 && /^0[xX]/.test(s)) s = s.slice(2);
    const digits = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
    if (!digits.test(s)) return int(BigInt(-(errnoValue('EINVAL') ?? 22)));
    let value = 0n;
    for (const c of s) value = value * BigInt(radix) + BigInt(Number.parseInt(c, radix));
    if (negative) value = -value;
    const min = type.signed ? -(1n << BigInt(type.bits - 1)) : 0n;
    const max = type.signed ? (1n << BigInt(type.bits - 1)) - 1n : (1n << BigInt(type.bits)) - 1n;
    if (value < min || value > max) return int(BigInt(-(errnoValue('ERANGE') ?? 34)));
    host.store(args[2], int(value, type));
    return int(0n);
  };
}

function atomic(op: (old: bigint, arg: bigint) => bigint, result: 'none' | 'new' | 'old' | 'zero'): ApiFunction {
  return (args, host) => {
    const pointer = result === 'none' || args.length === 2 ? args[args.length - 1] : args[0];
    const arg = args.length === 2 ? host.int(args[0]) : 0n;
    const old = host.int(host.load(pointer));
    const next = BigInt.asIntN(32, op(old, arg));
    host.store(pointer, int(next));
    if (result === 'new') return int(next);
    if (result === 'old') return int(old);
    if (result === 'zero') return int(next === 0n ? 1n : 0n);
    return VOID;
  };
}

function minMax(pick: 'min' | 'max'): ApiFunction {
  return (args, host) => {
    const [a, b] = args;
    const x = host.int(a);
    const y = host.int(b);
    const type = a?.k === 'int' ? a.t : T.long;
    return int(pick === 'min' ? (x < y ? x : y) : x > y ? x : y, type);
  };
}

export const HELPERS: Readonly<Record<string, ApiFunction>> = {
  MAJOR: (args, host) => int(BigInt.asUintN(32, host.int(args[0])) >> 20n, T.uint),
  MINOR: (args, host) => int(host.int(args[0]) & ((1n << 20n) - 1n), T.uint),
  MKDEV: (args, host) => int((host.int(args[0]) << 20n) | host.int(args[1]), T.uint),
  IS_ERR: (args) => int(errorOf(args[0]) !== undefined ? 1n : 0n),
  IS_ERR_OR_NULL: (args, host) => int(errorOf(args[0]) !== undefined || host.int(args[0]) === 0n ? 1n : 0n),
  IS_ERR_VALUE: (args) => int(errorOf(args[0]) !== undefined ? 1n : 0n),
  PTR_ERR: (args, host) => {
    const errno = errorOf(args[0]);
    return int(errno !== undefined ? BigInt(-errno) : host.int(args[0]), T.long);
  },
  PTR_ERR_OR_ZERO: (args) => {
    const errno = errorOf(args[0]);
    return int(errno !== undefined ? BigInt(-errno) : 0n);
  },
  ERR_PTR: (args, host) => {
    const v = host.int(args[0]);
    const errno = v < 0n && v >= -MAX_ERRNO ? Number(-v) : undefined;
    return { k: 'token', address: BigInt.asUintN(64, v), ...(errno !== undefined ? { errno } : {}) };
  },
  ERR_CAST: (args) => args[0] ?? int(0n),
  min: minMax('min'),
  max: minMax('max'),
  umin: minMax('min'),
  umax: minMax('max'),
  min_t: (args, host) => minMax('min')(args.slice(1), host),
  max_t: (args, host) => minMax('max')(args.slice(1), host),
  clamp: (args, host) => {
    const [v, lo, hi] = args.map((a) => host.int(a)) as [bigint, bigint, bigint];
    const type = args[0]?.k === 'int' ? args[0].t : T.long;
    return int(v < lo ? lo : v > hi ? hi : v, type);
  },
  clamp_t: (args, host) => HELPERS.clamp!(args.slice(1), host),
  clamp_val: (args, host) => HELPERS.clamp!(args, host),
  abs: (args, host) => {
    const v = host.int(args[0]);
    const type = args[0]?.k === 'int' ? args[0].t : T.long;
    return int(v < 0n ? -v : v, type.bits < 32 ? T.int : type);
  },
  BIT: (args, host) => int(1n << BigInt.asUintN(6, host.int(args[0])), T.ulong),
  BIT_ULL: (args, host) => int(1n << BigInt.asUintN(6, host.int(args[0])), T.ullong),
  GENMASK: (args, host) => {
    const h = host.int(args[0]);
    const l = host.int(args[1]);
    return int((~0n << l) & ((1n << 64n) - 1n) & (((1n << 64n) - 1n) >> (63n - h)), T.ulong);
  },
  likely: (args, host) => int(host.int(args[0]) !== 0n || (args[0] !== undefined && args[0].k !== 'int') ? 1n : 0n),
  unlikely: (args, host) => HELPERS.likely!(args, host),
  READ_ONCE: (args) => args[0] ?? int(0n),
  ATOMIC_INIT: (args, host) => int(host.int(args[0])),
  jiffies_to_msecs: (args, host) => int((host.int(args[0]) * 1000n) / 250n, T.uint),
  msecs_to_jiffies: (args, host) => int((host.int(args[0]) * 250n + 999n) / 1000n, T.ulong),
  strlen: (args, host) => int(BigInt(host.text(args[0])?.length ?? 0), T.ulong),
  strnlen: (args, host) =>
    int(BigInt(Math.min(host.text(args[0])?.length ?? 0, lengthArg(host, args[1], 1 << 30))), T.ulong),
  strcmp: (args, host) => int(BigInt(compareStrings(host.text(args[0]) ?? '', host.text(args[1]) ?? ''))),
  strncmp: (args, host) => {
    const n = lengthArg(host, args[2]);
    return int(BigInt(compareStrings((host.text(args[0]) ?? '').slice(0, n), (host.text(args[1]) ?? '').slice(0, n))));
  },
  strcasecmp: (args, host) =>
    int(BigInt(compareStrings((host.text(args[0]) ?? '').toLowerCase(), (host.text(args[1]) ?? '').toLowerCase()))),
  strcpy: (args, host) => {
    host.writeString(args[0], host.text(args[1]) ?? '', 1 << 20);
    return args[0] ?? int(0n);
  },
  strncpy: (args, host) => {
    const n = lengthArg(host, args[2]);
    const source = (host.text(args[1]) ?? '').slice(0, n);
    // strncpy pads with NULs and does not terminate a string of n bytes or more.
    host.fill(args[0], 0, n);
    host.writeString(args[0], source, source.length < n ? source.length + 1 : n);
    return args[0] ?? int(0n);
  },
  strscpy: (args, host) => {
    const size = lengthArg(host, args[2]);
    const source = host.text(args[1]) ?? '';
    if (size === 0) return int(BigInt(-(errnoValue('E2BIG') ?? 7)), T.long);
    host.writeString(args[0], source, size);
    return int(source.length < size ? BigInt(source.length) : BigInt(-(errnoValue('E2BIG') ?? 7)), T.long);
  },
  strlcpy: (args, host) => {
    const size = lengthArg(host, args[2]);
    const source = host.text(args[1]) ?? '';
    if (size > 0) host.writeString(args[0], source, size);
    return int(BigInt(source.length), T.ulong);
  },
  strcat: (args, host) => {
    const current = host.text(args[0]) ?? '';
    host.writeString(args[0], current + (host.text(args[1]) ?? ''), 1 << 20);
    return args[0] ?? int(0n);
  },
  memset: (args, host) => {
    host.fill(args[0], Number(BigInt.asUintN(8, host.int(args[1]))), lengthArg(host, args[2]));
    return args[0] ?? int(0n);
  },
  memcpy: (args, host) => {
    host.copy(args[0], args[1], lengthArg(host, args[2]));
    return args[0] ?? int(0n);
  },
  memmove: (args, host) => HELPERS.memcpy!(args, host),
  snprintf: (args, host) => {
    const text = host.format(args[2], args.slice(3));
    const size = lengthArg(host, args[1]);
    if (size > 0) host.writeString(args[0], text.slice(0, size - 1), size);
    return int(BigInt(text.length));
  },
  scnprintf: (args, host) => {
    const text = host.format(args[2], args.slice(3));
    const size = lengthArg(host, args[1]);
    if (size > 0) host.writeString(args[0], text.slice(0, size - 1), size);
    return int(BigInt(size === 0 ? 0 : Math.min(text.length, size - 1)));
  },
  sprintf: (args, host) => {
    const text = host.format(args[1], args.slice(2));
    host.writeString(args[0], text, 1 << 20);
    return int(BigInt(text.length));
  },
  kstrtoint: kstrto(T.int),
  kstrtouint: kstrto(T.uint),
  kstrtol: kstrto(T.long),
  kstrtoul: kstrto(T.ulong),
  kstrtoll: kstrto(T.llong),
  kstrtoull: kstrto(T.ullong),
  kstrtou8: kstrto(T.uchar),
  kstrtou16: kstrto(T.ushort),
  kstrtos8: kstrto(T.schar),
  kstrtos16: kstrto(T.short),
  kstrtou32: kstrto(T.uint),
  kstrtos32: kstrto(T.int),
  atomic_read: (args, host) => int(host.int(host.load(args[0]))),
  atomic_set: (args, host) => {
    host.store(args[0], int(host.int(args[1])));
    return VOID;
  },
  atomic_inc: atomic((o) => o + 1n, 'none'),
  atomic_dec: atomic((o) => o - 1n, 'none'),
  atomic_add: atomic((o, a) => o + a, 'none'),
  atomic_sub: atomic((o, a) => o - a, 'none'),
  atomic_inc_return: atomic((o) => o + 1n, 'new'),
  atomic_dec_return: atomic((o) => o - 1n, 'new'),
  atomic_add_return: atomic((o, a) => o + a, 'new'),
  atomic_sub_return: atomic((o, a) => o - a, 'new'),
  atomic_fetch_inc: atomic((o) => o + 1n, 'old'),
  atomic_dec_and_test: atomic((o) => o - 1n, 'zero'),
  atomic_inc_and_test: atomic((o) => o + 1n, 'zero'),
  atomic_sub_and_test: atomic((o, a) => o - a, 'zero'),
};

function compareStrings(a: string, b: string): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a.charCodeAt(i) || 0;
    const y = b.charCodeAt(i) || 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

// ---- defaults

const token =
  (from: string): ApiFunction =>
  (_args, host) => ({
    value: host.token({ from }),
    says: 'return a non-NULL pointer',
  });
const returns =
  (n: bigint, says = `return ${n}`): ApiFunction =>
  () => ({ value: int(n), says });
const nothing =
  (says = 'do nothing'): ApiFunction =>
  () => ({ value: VOID, says });

const DRIVER_REGISTERED = 'return 0 (the driver registers; no device binds, so probe() is not called)';

const MINORBITS = 20n;
const NAME_UNKNOWN = '(unknown)';
/** MAJOR and MINOR of a dev_t (32 bits). */
const devt = (host: ApiHost, v: Value | undefined) => {
  const d = BigInt.asUintN(32, host.int(v));
  return { major: Number(d >> MINORBITS), minor: Number(d & ((1n << MINORBITS) - 1n)) };
};
const nameArg = (host: ApiHost, v: Value | undefined) => host.text(v) ?? NAME_UNKNOWN;

/** A failed registration: the kernel's line about it (if it prints one), and -errno. */
function refused(host: ApiHost, r: Registration & { errno: number }): ApiResult {
  if (r.level !== undefined) host.printk(r.level, r.why);
  return { value: int(BigInt(-r.errno)), says: `return -${r.errno} (${r.why})` };
}

/** register_chrdev(major, name, fops) and __register_chrdev(major, baseminor, count, name, fops). */
function registerChrdev(form: 'plain' | 'ranged'): ApiFunction {
  return (args, host) => {
    const major = Number(host.int(args[0]));
    const [baseminor, count, name] =
      form === 'plain'
        ? [0, 256, nameArg(host, args[1])]
        : [Number(host.int(args[1])), Number(host.int(args[2])), nameArg(host, args[3])];
    const r = host.devices.registerChar(major, baseminor, count, name);
    if (r.errno !== undefined) return refused(host, r);
    if (major !== 0) return { value: int(0n), says: `return 0 (major ${major} registered as ${name})` };
    return { value: int(BigInt(r.major)), says: `return ${r.major} (a dynamic major, registered as ${name})` };
  };
}

/** alloc_chrdev_region(&dev, baseminor, count, name): a dynamic major; *dev = MKDEV(major, baseminor). */
function allocChrdevRegion(args: readonly Value[], host: ApiHost): ApiResult {
  const baseminor = Number(BigInt.asUintN(32, host.int(args[1])));
  const name = nameArg(host, args[3]);
  const r = host.devices.registerChar(0, baseminor, Number(host.int(args[2])), name);
  if (r.errno !== undefined) return refused(host, r);
  host.store(args[0], int((BigInt(r.major) << MINORBITS) | BigInt(baseminor), T.uint));
  return { value: int(0n), says: `return 0 with major ${r.major} (a dynamic major, registered as ${name})` };
}

/** The pieces of [from, from + count), one per major (register_chrdev_region's loop). */
function perMajor(host: ApiHost, fromValue: Value | undefined, countValue: Value | undefined) {
  const from = BigInt.asUintN(32, host.int(fromValue));
  const to = from + BigInt.asUintN(32, host.int(countValue));
  const pieces: { major: number; baseminor: number; count: number }[] = [];
  for (let n = from; n < to && pieces.length < 4096;) {
    let next = ((n >> MINORBITS) + 1n) << MINORBITS;
    if (next > to) next = to;
    const d = devt(host, int(n, T.uint));
    pieces.push({ major: d.major, baseminor: d.minor, count: Number(next - n) });
    n = next;
  }
  return pieces;
}

/** register_chrdev_region(from, count, name): each major's part, all or none. */
function registerChrdevRegion(args: readonly Value[], host: ApiHost): ApiResult {
  const name = nameArg(host, args[2]);
  const done: { major: number; baseminor: number; count: number }[] = [];
  for (const piece of perMajor(host, args[0], args[1])) {
    const r = host.devices.registerChar(piece.major, piece.baseminor, piece.count, name);
    if (r.errno !== undefined) {
      for (const d of done) host.devices.unregisterChar(d.major, d.baseminor, d.count);
      return refused(host, r);
    }
    done.push({ ...piece, major: r.major });
  }
  return { value: int(0n), says: `return 0 (${done.map((d) => `major ${d.major}`).join(', ')} registered as ${name})` };
}

/** unregister_chrdev(major, name), __unregister_chrdev(major, baseminor, count, name). */
function unregisterChrdev(form: 'plain' | 'ranged'): ApiFunction {
  return (args, host) => {
    const major = Number(host.int(args[0]));
    const [baseminor, count] = form === 'plain' ? [0, 256] : [Number(host.int(args[1])), Number(host.int(args[2]))];
    const done = host.devices.unregisterChar(major, baseminor, count);
    return { value: VOID, says: done ? `release major ${major}` : `do nothing (major ${major} was not registered so)` };
  };
}

/** unregister_chrdev_region(from, count). */
function unregisterChrdevRegion(args: readonly Value[], host: ApiHost): ApiResult {
  const pieces = perMajor(host, args[0], args[1]);
  const done = pieces.filter((p) => host.devices.unregisterChar(p.major, p.baseminor, p.count));
  return {
    value: VOID,
    says: done.length > 0 ? `release ${done.map((d) => `major ${d.major}`).join(', ')}` : 'do nothing (not registered)',
  };
}

/** register_blkdev(major, name), __register_blkdev(major, name, probe): 0, or the dynamic major. */
function registerBlkdev(args: readonly Value[], host: ApiHost): ApiResult {
  const major = Number(host.int(args[0]));
  const name = nameArg(host, args[1]);
  const r = host.devices.registerBlock(major, name);
  if (r.errno !== undefined) return refused(host, r);
  if (major !== 0) return { value: int(0n), says: `return 0 (block major ${major} registered as ${name})` };
  return { value: int(BigInt(r.major)), says: `return ${r.major} (a dynamic block major, registered as ${name})` };
}

function unregisterBlkdev(args: readonly Value[], host: ApiHost): ApiResult {
  const major = Number(host.int(args[0]));
  const done = host.devices.unregisterBlock(major, nameArg(host, args[1]));
  // The kernel WARNs (a call trace) when the major is not registered under that name.
  return {
    value: VOID,
    says: done ? `release block major ${major}` : `do nothing (WARN_ON: block major ${major} is not registered so)`,
  };
}

function classCreate(args: readonly Value[], host: ApiHost): ApiResult {
  // class_create(THIS_MODULE, name) in 6.1; class_create(name) from 6.4.
  const name = host.text(args[args.length - 1]) ?? undefined;
  return { value: host.token({ from: 'class_create', ...(name ? { name } : {}) }), says: 'return a non-NULL class' };
}

function deviceCreate(args: readonly Value[], host: ApiHost): ApiResult {
  const cls = args[0];
  const className = cls?.k === 'token' ? cls.info?.name : undefined;
  const name = host.format(args[4], args.slice(5));
  return {
    value: host.token({ from: 'device_create', name, ...(className !== undefined ? { className } : {}) }),
    says: 'return a non-NULL device (no /dev or /sys/class file appears)',
  };
}

export const DEFAULTS: Readonly<Record<string, ApiFunction>> = {
  // memory
  ...Object.fromEntries(
    [
      'kmalloc',
      'kzalloc',
      'kcalloc',
      'kmalloc_array',
      'kvmalloc',
      'kvzalloc',
      'kvcalloc',
      'kvmalloc_array',
      'vmalloc',
      'vzalloc',
      'devm_kzalloc',
      'devm_kmalloc',
      'devm_kcalloc',
      'kmem_cache_alloc',
      'kmem_cache_zalloc',
      'kmem_cache_create',
      'kstrdup',
      'kstrndup',
      'kmemdup',
      'krealloc',
      'alloc_pages',
      'ioremap',
      'devm_ioremap',
    ].map((n) => [n, token(n)]),
  ),
  __get_free_pages: token('__get_free_pages'),
  __get_free_page: token('__get_free_page'),
  get_zeroed_page: token('get_zeroed_page'),
  ...Object.fromEntries(
    [
      'kfree',
      'kvfree',
      'vfree',
      'kfree_sensitive',
      'kmem_cache_free',
      'kmem_cache_destroy',
      'free_pages',
      'free_page',
      '__free_pages',
      'iounmap',
    ].map((n) => [n, nothing()]),
  ),
  // character devices
  register_chrdev: registerChrdev('plain'),
  __register_chrdev: registerChrdev('ranged'),
  alloc_chrdev_region: allocChrdevRegion,
  register_chrdev_region: registerChrdevRegion,
  unregister_chrdev: unregisterChrdev('plain'),
  __unregister_chrdev: unregisterChrdev('ranged'),
  unregister_chrdev_region: unregisterChrdevRegion,
  register_blkdev: registerBlkdev,
  __register_blkdev: registerBlkdev,
  unregister_blkdev: unregisterBlkdev,
  cdev_init: nothing(),
  cdev_add: returns(0n),
  cdev_del: nothing(),
  cdev_alloc: token('cdev_alloc'),
  class_create: classCreate,
  class_destroy: nothing(),
  device_create: deviceCreate,
  device_destroy: nothing(),
  misc_register: returns(0n, 'return 0 (no /dev file appears)'),
  misc_deregister: nothing(),
  // drivers and devices
  ...Object.fromEntries(
    [
      'platform_driver_register',
      '__platform_driver_register',
      'pci_register_driver',
      '__pci_register_driver',
      'usb_register_driver',
      'usb_register',
      'i2c_register_driver',
      'i2c_add_driver',
      'spi_register_driver',
      '__spi_register_driver',
      'driver_register',
      'platform_driver_probe',
    ].map((n) => [n, returns(0n, DRIVER_REGISTERED)]),
  ),
  ...Object.fromEntries(
    [
      'platform_driver_unregister',
      'pci_unregister_driver',
      'usb_deregister',
      'i2c_del_driver',
      'spi_unregister_driver',
      'driver_unregister',
      'platform_device_unregister',
      'platform_device_put',
      'platform_device_del',
      'device_remove_file',
      'sysfs_remove_file',
      'sysfs_remove_group',
      'proc_remove',
      'remove_proc_entry',
      'debugfs_remove',
      'debugfs_remove_recursive',
      'kobject_put',
    ].map((n) => [n, nothing()]),
  ),
  platform_device_register_simple: token('platform_device_register_simple'),
  platform_device_alloc: token('platform_device_alloc'),
  platform_device_add: returns(0n),
  platform_device_register: returns(0n),
  proc_create: token('proc_create'),
  proc_create_data: token('proc_create_data'),
  proc_create_single: token('proc_create_single'),
  proc_mkdir: token('proc_mkdir'),
  debugfs_create_dir: token('debugfs_create_dir'),
  debugfs_create_file: token('debugfs_create_file'),
  kobject_create_and_add: token('kobject_create_and_add'),
  sysfs_create_file: returns(0n),
  sysfs_create_group: returns(0n),
  device_create_file: returns(0n),
  // interrupts, timers, threads, work
  request_irq: returns(0n, 'return 0 (no interrupt is ever delivered)'),
  request_threaded_irq: returns(0n, 'return 0 (no interrupt is ever delivered)'),
  devm_request_irq: returns(0n, 'return 0 (no interrupt is ever delivered)'),
  free_irq: nothing(),
  timer_setup: nothing('do nothing (timers never fire)'),
  add_timer: nothing('do nothing (timers never fire)'),
  mod_timer: returns(0n, 'return 0 (timers never fire)'),
  del_timer: returns(0n),
  del_timer_sync: returns(0n),
  timer_delete_sync: returns(0n),
  kthread_create_on_node: token('kthread_create'),
  kthread_create: token('kthread_create'),
  kthread_run: token('kthread_run'),
  kthread_stop: returns(0n, 'return 0 (the thread never ran)'),
  kthread_should_stop: returns(0n),
  wake_up_process: returns(1n),
  alloc_workqueue: token('alloc_workqueue'),
  create_workqueue: token('create_workqueue'),
  create_singlethread_workqueue: token('create_singlethread_workqueue'),
  alloc_ordered_workqueue: token('alloc_ordered_workqueue'),
  queue_work: returns(1n, 'return true (the work never runs)'),
  schedule_work: returns(1n, 'return true (the work never runs)'),
  queue_delayed_work: returns(1n, 'return true (the work never runs)'),
  schedule_delayed_work: returns(1n, 'return true (the work never runs)'),
  cancel_work_sync: returns(0n),
  cancel_delayed_work: returns(0n),
  cancel_delayed_work_sync: returns(0n),
  ...Object.fromEntries(
    [
      'destroy_workqueue',
      'flush_workqueue',
      'flush_scheduled_work',
      'mutex_init',
      'mutex_lock',
      'mutex_unlock',
      'mutex_destroy',
      'spin_lock_init',
      'spin_lock',
      'spin_unlock',
      'spin_lock_irqsave',
      'spin_unlock_irqrestore',
      'spin_lock_irq',
      'spin_unlock_irq',
      'spin_lock_bh',
      'spin_unlock_bh',
      'init_waitqueue_head',
      'wake_up',
      'wake_up_interruptible',
      'wake_up_all',
      'init_completion',
      'complete',
      'complete_all',
      'rcu_read_lock',
      'rcu_read_unlock',
      'synchronize_rcu',
      'INIT_WORK',
      'INIT_DELAYED_WORK',
      'INIT_LIST_HEAD',
      'list_add',
      'list_add_tail',
      'list_del',
      'get_random_bytes',
      'module_put',
      'dump_stack',
      'debugfs_create_u32',
      'debugfs_create_u8',
      'debugfs_create_bool',
    ].map((n) => [n, nothing()]),
  ),
  mutex_lock_interruptible: returns(0n),
  mutex_trylock: returns(1n),
  down_interruptible: returns(0n),
  wait_event_interruptible: returns(0n),
  // time
  ...Object.fromEntries(
    ['msleep', 'ssleep', 'udelay', 'mdelay', 'ndelay', 'usleep_range', 'schedule', 'cond_resched', 'cpu_relax'].map(
      (n) => [n, nothing('do nothing (the simulated clock does not move)')],
    ),
  ),
  msleep_interruptible: returns(0n, 'return 0 (the simulated clock does not move)'),
  schedule_timeout: returns(0n),
  ktime_get: returns(0n),
  ktime_get_ns: returns(0n),
  ktime_get_real_ns: returns(0n),
  ktime_get_seconds: returns(0n),
  // user space and privileges
  copy_to_user: returns(0n, 'return 0 (every byte copied)'),
  copy_from_user: returns(0n, 'return 0 (every byte copied)'),
  clear_user: returns(0n),
  put_user: returns(0n),
  get_user: returns(0n),
  try_module_get: returns(1n, 'return true (the reference is not counted)'),
  capable: returns(1n, 'return true (insmod runs as root)'),
  get_random_u32: returns(0n, 'return 0 (no randomness)'),
  get_random_u64: returns(0n, 'return 0 (no randomness)'),
  get_random_int: returns(0n, 'return 0 (no randomness)'),
  prandom_u32: returns(0n, 'return 0 (no randomness)'),
  request_module: returns(0n),
};

export function isHelper(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(HELPERS, name);
}

export function isDefault(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(DEFAULTS, name);
}
