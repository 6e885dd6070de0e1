import { isGplCompatible } from '../checks/licenses';
/**
 * Taint flags as kernel/panic.c's taint_flags table defines them in Linux 6.1: bit, the letter shown
 * when set, and whether a module may carry it (module_flags_taint prints only those).
 */
export interface TaintFlag {
  readonly bit: number;
  readonly letter: string;
  readonly name: string;
  readonly module: boolean;
}

export const TAINT_FLAGS: readonly TaintFlag[] = [
  { bit: 0, letter: 'P', name: 'PROPRIETARY_MODULE', module: true },
  { bit: 1, letter: 'F', name: 'FORCED_MODULE', module: true },
  { bit: 2, letter: 'S', name: 'CPU_OUT_OF_SPEC', module: false },
  { bit: 3, letter: 'R', name: 'FORCED_RMMOD', module: false },
  { bit: 4, letter: 'M', name: 'MACHINE_CHECK', module: false },
  { bit: 5, letter: 'B', name: 'BAD_PAGE', module: false },
  { bit: 6, letter: 'U', name: 'USER', module: false },
  { bit: 7, letter: 'D', name: 'DIE', module: false },
  { bit: 8, letter: 'A', name: 'OVERRIDDEN_ACPI_TABLE', module: false },
  { bit: 9, letter: 'W', name: 'WARN', module: false },
  { bit: 10, letter: 'C', name: 'CRAP', module: true },
  { bit: 11, letter: 'I', name: 'FIRMWARE_WORKAROUND', module: false },
  { bit: 12, letter: 'O', name: 'OOT_MODULE', module: true },
  { bit: 13, letter: 'E', name: 'UNSIGNED_MODULE', module: true },
  { bit: 14, letter: 'L', name: 'SOFTLOCKUP', module: false },
  { bit: 15, letter: 'K', name: 'LIVEPATCH', module: true },
  { bit: 16, letter: 'X', name: 'AUX', module: true },
  { bit: 17, letter: 'T', name: 'RANDSTRUCT', module: true },
  { bit: 18, letter: 'N', name: 'TEST', module: true },
];

export const TAINT = {
  PROPRIETARY_MODULE: 0,
  FORCED_MODULE: 1,
  FORCED_RMMOD: 3,
  CRAP: 10,
  OOT_MODULE: 12,
  UNSIGNED_MODULE: 13,
  LIVEPATCH: 15,
  TEST: 18,
} as const;

/** A taint mask as /proc/sys/kernel/tainted prints it: the decimal value. */
export function taintValue(bits: ReadonlySet<number> | readonly number[]): number {
  let value = 0;
  for (const bit of bits) value += 2 ** bit;
  return value;
}

/** A module's taint letters in table order, as /proc/modules `(OE)` and /sys/module/<m>/taint show them. */
export function moduleTaintLetters(bits: ReadonlySet<number>): string {
  return TAINT_FLAGS.filter((f) => f.module && bits.has(f.bit))
    .map((f) => f.letter)
    .join('');
}

/** The loader's license_is_gpl_compatible(): the same list the analysis uses (checks/licenses.ts). */
export function licenseIsGplCompatible(license: string): boolean {
  return isGplCompatible(license);
}
