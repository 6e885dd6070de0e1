/** The taint flags set in a /proc/sys/kernel/tainted value, in Documentation/admin-guide/tainted-kernels.rst's words. */
import { TAINT_FLAGS } from '../simulator/taint';

const REASONS: Readonly<Record<string, string>> = {
  P: 'proprietary module was loaded',
  F: 'module was force loaded',
  S: 'kernel running on an out of specification system',
  R: 'module was force unloaded',
  M: 'processor reported a Machine Check Exception (MCE)',
  B: 'bad page referenced or some unexpected page flags',
  U: 'taint requested by userspace application',
  D: 'kernel died recently, i.e. there was an OOPS or BUG',
  A: 'an ACPI table was overridden by user',
  W: 'kernel issued warning',
  C: 'staging driver was loaded',
  I: 'workaround for bug in platform firmware applied',
  O: 'externally-built ("out-of-tree") module was loaded',
  E: 'unsigned module was loaded',
  L: 'soft lockup occurred',
  K: 'kernel has been live patched',
  X: 'auxiliary taint, defined for and used by distros',
  T: 'kernel was built with the struct randomization plugin',
  N: 'an in-kernel test has been run',
};

export interface TaintSummary {
  /** Letters of the flags set, in bit order (`POE`). */
  readonly letters: string;
  /** `O: externally-built ("out-of-tree") module was loaded`, one per flag set. */
  readonly reasons: readonly string[];
}

export function taintSummary(tainted: number): TaintSummary {
  const set = TAINT_FLAGS.filter((f) => Math.floor(tainted / 2 ** f.bit) % 2 === 1);
  return {
    letters: set.map((f) => f.letter).join(''),
    reasons: set.map((f) => `${f.letter}: ${REASONS[f.letter] ?? f.name}`),
  };
}
