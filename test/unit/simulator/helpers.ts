import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { EntryPointRunner } from '../../../server/src/kernel/simulator/entryPoints';
import type { KernelConfig } from '../../../server/src/kernel/simulator/kernelConfig';
import { KernelState } from '../../../server/src/kernel/simulator/kernelState';
import { formatRaw } from '../../../server/src/kernel/simulator/kernelLog';
import { Machine } from '../../../server/src/kernel/simulator/machine';
import { runCommand, type ToolSet } from '../../../server/src/kernel/simulator/shell';
import { profileFromSymvers } from '../../../server/src/kernel/simulator/symversProfile';
import type { KernelProfile } from '../../../server/src/kernel/symbols/kernelProfile';
import type { ToolOutput } from '../../../server/src/kernel/simulator/toolSupport';

export const FIXTURES = path.resolve(__dirname, '../../fixtures');
export const KO_DIR = path.join(FIXTURES, 'ko');

/** vmlinux's exports used by the fixtures, with Debian 6.1.0-56-amd64's real CRCs. */
export function testProfile(extraLines: readonly string[] = []): KernelProfile {
  const text = readFileSync(path.join(FIXTURES, 'simulator/vmlinux.symvers'), 'utf8');
  return profileFromSymvers(`${text}${extraLines.join('\n')}\n`, 'vmlinux.symvers', '6.1.0-56-amd64');
}

const koCache = new Map<string, Uint8Array>();

/** A fixture .ko's bytes (read once; the same array each time, so parsed images are cached too). */
export function ko(name: string): Uint8Array {
  let bytes = koCache.get(name);
  if (bytes === undefined) {
    bytes = new Uint8Array(readFileSync(path.join(KO_DIR, `${name}.ko`)));
    koCache.set(name, bytes);
  }
  return bytes;
}

export interface TestMachineOptions {
  readonly runner?: EntryPointRunner;
  readonly config?: Partial<KernelConfig>;
  readonly profile?: KernelProfile;
}

/** A machine with every fixture .ko at /mods/<name>.ko. */
export function testMachine(options: TestMachineOptions = {}): Machine {
  const kernel = new KernelState({
    profile: options.profile ?? testProfile(),
    ...(options.config ? { config: options.config } : {}),
    ...(options.runner ? { runner: options.runner } : {}),
  });
  const machine = new Machine(kernel);
  for (const name of [
    'hello',
    'provider',
    'consumer',
    'propok',
    'params',
    'noexit',
    'noinit',
    'enodev',
    'dupexport',
    'badlicense',
    'chardev',
    'platform',
  ])
    machine.writeFile(`/mods/${name}.ko`, { kind: 'bytes', bytes: ko(name) });
  return machine;
}

/** Runs a command line and settles the deferred work, as between two shell commands. */
export function sh(machine: Machine, line: string, tools: ToolSet = 'kmod'): ToolOutput {
  const result = runCommand(machine, tools, line);
  if (result === undefined) throw new Error(`not a simulator command: ${line}`);
  machine.kernel.settle();
  return result;
}

/** The kernel log lines printed since the last call, without timestamps: `<4>text`. */
export function dmesg(machine: Machine): string[] {
  const lines = machine.kernel.log.unread().map((r) => formatRaw(r).replace(/\[[ \d.]+\] /, ''));
  machine.kernel.log.clear();
  return lines;
}

/** Replaces `needle` (latin1) with `replacement` of the same length at every place in a copy. */
export function patch(bytes: Uint8Array, needle: string | Uint8Array, replacement: string | Uint8Array): Uint8Array {
  const enc = (v: string | Uint8Array) => (typeof v === 'string' ? new Uint8Array(Buffer.from(v, 'latin1')) : v);
  const n = enc(needle);
  const r = enc(replacement);
  if (n.length !== r.length) throw new Error('patch must keep the length');
  const out = new Uint8Array(bytes);
  let found = 0;
  for (let i = 0; i + n.length <= out.length; i++) {
    if (n.every((b, j) => out[i + j] === b)) {
      out.set(r, i);
      found++;
    }
  }
  if (found === 0) throw new Error(`patch: not found`);
  return out;
}
