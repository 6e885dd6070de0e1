/**
 * Names the kernel's headers define that module code uses as constants: errno values
 * (include/uapi/asm-generic/errno-base.h, errno.h and the kernel-internal include/linux/errno.h),
 * printk levels (include/linux/kern_levels.h), GFP flags (include/linux/gfp_types.h, 6.1), limits
 * (include/vdso/limits.h, include/linux/limits.h) and Debian 6.1 amd64 configuration values (HZ).
 */
import { ERRNO } from '../simulator/errno';
import { T, type IntType } from './values';

/** The errno values beyond the simulator's table (ERRNO in simulator/errno.ts comes first). */
const MORE_ERRNO: Readonly<Record<string, number>> = {
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  E2BIG: 7,
  EBADF: 9,
  ECHILD: 10,
  EWOULDBLOCK: 11,
  ENOTBLK: 15,
  EXDEV: 18,
  ENOTDIR: 20,
  EISDIR: 21,
  ENFILE: 23,
  EMFILE: 24,
  ENOTTY: 25,
  ETXTBSY: 26,
  EFBIG: 27,
  ESPIPE: 29,
  EROFS: 30,
  EMLINK: 31,
  EPIPE: 32,
  EDOM: 33,
  EDEADLK: 35,
  EDEADLOCK: 35,
  ENAMETOOLONG: 36,
  ENOLCK: 37,
  ENOTEMPTY: 39,
  ELOOP: 40,
  ENOMSG: 42,
  EIDRM: 43,
  ENOSTR: 60,
  ENODATA: 61,
  ETIME: 62,
  ENOSR: 63,
  ENOLINK: 67,
  EPROTO: 71,
  EBADMSG: 74,
  EOVERFLOW: 75,
  EILSEQ: 84,
  EUSERS: 87,
  ENOTSOCK: 88,
  EDESTADDRREQ: 89,
  EMSGSIZE: 90,
  EPROTOTYPE: 91,
  ENOPROTOOPT: 92,
  EPROTONOSUPPORT: 93,
  EOPNOTSUPP: 95,
  EAFNOSUPPORT: 97,
  EADDRINUSE: 98,
  EADDRNOTAVAIL: 99,
  ENETDOWN: 100,
  ENETUNREACH: 101,
  ENETRESET: 102,
  ECONNABORTED: 103,
  ECONNRESET: 104,
  ENOBUFS: 105,
  EISCONN: 106,
  ENOTCONN: 107,
  ETIMEDOUT: 110,
  ECONNREFUSED: 111,
  EHOSTDOWN: 112,
  EHOSTUNREACH: 113,
  EALREADY: 114,
  EINPROGRESS: 115,
  ESTALE: 116,
  EREMOTEIO: 121,
  EDQUOT: 122,
  ENOMEDIUM: 123,
  EMEDIUMTYPE: 124,
  ECANCELED: 125,
  EKEYEXPIRED: 127,
  EKEYREVOKED: 128,
  EOWNERDEAD: 130,
  ENOTRECOVERABLE: 131,
  ERFKILL: 132,
  EHWPOISON: 133,
  ERESTARTSYS: 512,
  ERESTARTNOINTR: 513,
  ERESTARTNOHAND: 514,
  ENOIOCTLCMD: 515,
  ERESTART_RESTARTBLOCK: 516,
  EPROBE_DEFER: 517,
  EOPENSTALE: 518,
  ENOPARAM: 519,
  EBADHANDLE: 521,
  ENOTSYNC: 522,
  EBADCOOKIE: 523,
  ENOTSUPP: 524,
  ETOOSMALL: 525,
  ESERVERFAULT: 526,
  EBADTYPE: 527,
  EJUKEBOX: 528,
  EIOCBQUEUED: 529,
  ERECALLCONFLICT: 530,
  ENOGRACE: 531,
};

const ERRNO_VALUES = new Map<string, number>([...Object.entries(MORE_ERRNO), ...Object.entries(ERRNO)]);
const ERRNO_NAMES = new Map<number, string>();
for (const [name, value] of [...Object.entries(ERRNO), ...Object.entries(MORE_ERRNO)])
  if (!ERRNO_NAMES.has(value)) ERRNO_NAMES.set(value, name);

export function errnoValue(name: string): number | undefined {
  return ERRNO_VALUES.get(name);
}

/** errname() (lib/errname.c): `ENOMEM` for 12. */
export function errnoSymbol(errno: number): string | undefined {
  return ERRNO_NAMES.get(errno);
}

/** kern_levels.h: KERN_SOH ("\001") and the level character; KERN_DEFAULT is empty since 5.x. */
export const KERN_PREFIXES: Readonly<Record<string, string>> = {
  KERN_EMERG: '\x010',
  KERN_ALERT: '\x011',
  KERN_CRIT: '\x012',
  KERN_ERR: '\x013',
  KERN_WARNING: '\x014',
  KERN_NOTICE: '\x015',
  KERN_INFO: '\x016',
  KERN_DEBUG: '\x017',
  KERN_DEFAULT: '',
  KERN_CONT: '\x01c',
};

/** Debian's 6.1 amd64 configuration: CONFIG_HZ=250, CONFIG_MESSAGE_LOGLEVEL_DEFAULT=4. */
export const HZ = 250n;
export const DEFAULT_MESSAGE_LOGLEVEL = 4;
/** INITIAL_JIFFIES: jiffies five minutes before wrapping, where every boot starts. */
export const INITIAL_JIFFIES = BigInt.asUintN(64, BigInt.asUintN(32, -300n * HZ));

/** Integer constants of the kernel's headers. */
export const INTEGER_CONSTANTS: Readonly<Record<string, { value: bigint; type: IntType }>> = {
  HZ: { value: HZ, type: T.int },
  PAGE_SIZE: { value: 4096n, type: T.ulong },
  PAGE_SHIFT: { value: 12n, type: T.int },
  MINORBITS: { value: 20n, type: T.int },
  MINORMASK: { value: (1n << 20n) - 1n, type: T.uint },
  CHRDEV_MAJOR_MAX: { value: 512n, type: T.int },
  INT_MAX: { value: 0x7fffffffn, type: T.int },
  INT_MIN: { value: -0x80000000n, type: T.int },
  UINT_MAX: { value: 0xffffffffn, type: T.uint },
  LONG_MAX: { value: 0x7fffffffffffffffn, type: T.long },
  LONG_MIN: { value: -0x8000000000000000n, type: T.long },
  ULONG_MAX: { value: 0xffffffffffffffffn, type: T.ulong },
  LLONG_MAX: { value: 0x7fffffffffffffffn, type: T.llong },
  LLONG_MIN: { value: -0x8000000000000000n, type: T.llong },
  ULLONG_MAX: { value: 0xffffffffffffffffn, type: T.ullong },
  SHRT_MAX: { value: 0x7fffn, type: T.int },
  SHRT_MIN: { value: -0x8000n, type: T.int },
  USHRT_MAX: { value: 0xffffn, type: T.int },
  SIZE_MAX: { value: 0xffffffffffffffffn, type: T.ulong },
  U8_MAX: { value: 0xffn, type: T.int },
  S8_MAX: { value: 0x7fn, type: T.int },
  S8_MIN: { value: -0x80n, type: T.int },
  U16_MAX: { value: 0xffffn, type: T.int },
  S16_MAX: { value: 0x7fffn, type: T.int },
  S16_MIN: { value: -0x8000n, type: T.int },
  U32_MAX: { value: 0xffffffffn, type: T.uint },
  S32_MAX: { value: 0x7fffffffn, type: T.int },
  S32_MIN: { value: -0x80000000n, type: T.int },
  U64_MAX: { value: 0xffffffffffffffffn, type: T.ullong },
  S64_MAX: { value: 0x7fffffffffffffffn, type: T.llong },
  S64_MIN: { value: -0x8000000000000000n, type: T.llong },
  // include/linux/gfp_types.h (6.1)
  GFP_KERNEL: { value: 0xcc0n, type: T.uint },
  GFP_ATOMIC: { value: 0xa20n, type: T.uint },
  GFP_NOWAIT: { value: 0x800n, type: T.uint },
  GFP_NOIO: { value: 0xc00n, type: T.uint },
  GFP_NOFS: { value: 0xc40n, type: T.uint },
  GFP_USER: { value: 0x100cc0n, type: T.uint },
  GFP_DMA: { value: 0x1n, type: T.uint },
  GFP_DMA32: { value: 0x4n, type: T.uint },
  __GFP_ZERO: { value: 0x100n, type: T.uint },
  __GFP_NOWARN: { value: 0x2000n, type: T.uint },
  // include/uapi/linux/stat.h and include/linux/stat.h
  S_IRUSR: { value: 0o400n, type: T.int },
  S_IWUSR: { value: 0o200n, type: T.int },
  S_IXUSR: { value: 0o100n, type: T.int },
  S_IRGRP: { value: 0o40n, type: T.int },
  S_IWGRP: { value: 0o20n, type: T.int },
  S_IROTH: { value: 0o4n, type: T.int },
  S_IWOTH: { value: 0o2n, type: T.int },
  S_IRUGO: { value: 0o444n, type: T.int },
  S_IRWXU: { value: 0o700n, type: T.int },
  // include/linux/interrupt.h
  IRQ_NONE: { value: 0n, type: T.int },
  IRQ_HANDLED: { value: 1n, type: T.int },
  IRQF_SHARED: { value: 0x80n, type: T.uint },
};
