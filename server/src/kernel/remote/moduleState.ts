/**
 * The target's module state read back: /proc/modules (kernel/module/procfs.c's m_show) and lsmod
 * (kmod's), parsed into the shapes the simulator prints them from (its ModuleState, holders, taint
 * letters), so a real and a simulated kernel can be compared field by field.
 */
import type { ModuleState } from '../simulator/kernelState';
import { RemoteError } from './remoteError';

/** One /proc/modules line. */
export interface ProcModule {
  readonly name: string;
  /** Core + init size in bytes. */
  readonly size: number;
  readonly refcount: number;
  /** Modules that use this one (the kernel's source_list), as listed. */
  readonly holders: readonly string[];
  /** `[permanent]`: an init and no exit, so it can never be unloaded. */
  readonly permanent: boolean;
  /** Live, Loading (coming) or Unloading (going); `unformed` modules are not listed. */
  readonly state: Exclude<ModuleState, 'unformed'>;
  /** The core's address as printed (16 zeros when hidden by kptr_restrict). */
  readonly address: string;
  /** The module's taint letters (`OE`), empty when none; a `+`/`-` sign of Loading/Unloading dropped. */
  readonly taints: string;
}

/** One lsmod line. */
export interface LsmodModule {
  readonly name: string;
  readonly size: number;
  readonly usedBy: number;
  readonly holders: readonly string[];
}

const PROC_LINE = /^(\S+) (\d+) (-?\d+) (\S+) (Live|Loading|Unloading) 0x([0-9a-f]+)(?: \(([A-Z]*)[+-]?\))?$/;
const STATES = { Live: 'live', Loading: 'coming', Unloading: 'going' } as const;

export function parseProcModules(text: string): ProcModule[] {
  const modules: ProcModule[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = PROC_LINE.exec(line);
    if (m === null) throw new RemoteError('protocol', `not a /proc/modules line: ${JSON.stringify(line)}`);
    const users = m[4] === '-' ? [] : m[4]!.split(',').filter((u) => u !== '');
    modules.push({
      name: m[1]!,
      size: Number(m[2]),
      refcount: Number(m[3]),
      holders: users.filter((u) => u !== '[permanent]'),
      permanent: users.includes('[permanent]'),
      state: STATES[m[5] as keyof typeof STATES],
      address: m[6]!,
      taints: m[7] ?? '',
    });
  }
  return modules;
}

const LSMOD_HEADER = /^Module\s+Size\s+Used by\s*$/;
const LSMOD_LINE = /^(\S+)\s+(\d+)\s+(-?\d+)(?:\s+(\S+))?\s*$/;

export function parseLsmod(text: string): LsmodModule[] {
  const lines = text.split('\n').filter((l) => l !== '');
  if (lines.length === 0 || !LSMOD_HEADER.test(lines[0]!)) {
    throw new RemoteError(
      'protocol',
      `lsmod printed no 'Module Size Used by' header: ${JSON.stringify(lines[0] ?? '')}`,
    );
  }
  return lines.slice(1).map((line) => {
    const m = LSMOD_LINE.exec(line);
    if (m === null) throw new RemoteError('protocol', `not an lsmod line: ${JSON.stringify(line)}`);
    return {
      name: m[1]!,
      size: Number(m[2]),
      usedBy: Number(m[3]),
      holders: m[4] === undefined ? [] : m[4].split(',').filter((h) => h !== '' && h !== '[permanent]'),
    };
  });
}
