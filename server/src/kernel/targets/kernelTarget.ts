/**
 * A kernel to load into, as the session drives it: the simulated kernel or a remote one over SSH.
 * Each operation answers with what the tool printed and the kernel logged, in their own words; the
 * session adds the advice, the state and the bookkeeping.
 */
import type { LogRecord } from '../simulator/kernelLog';
import type { ProcModule } from '../remote/moduleState';
import type { TargetSpec } from './targetTypes';

/** A module file to load: a built .ko, or a module of a source folder (loaded as the .ko kbuild would make). */
export type ModuleFile =
  | { readonly kind: 'ko'; readonly path: string }
  | { readonly kind: 'source'; readonly path: string; readonly name: string };

export interface ToolRun {
  /** As typed in a shell on the target. */
  readonly command: string;
  readonly exit: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Kernel log records the operation wrote. */
  readonly log: readonly LogRecord[];
  /** What the simulator approximated. */
  readonly notes: readonly string[];
}

export interface ModprobeOptions {
  readonly remove?: boolean;
  readonly parameters?: readonly string[];
  /** Modules to install in /lib/modules/<release>/extra (and run depmod) before modprobe runs. */
  readonly install?: readonly ModuleFile[];
}

export interface KernelTarget {
  readonly spec: TargetSpec;
  /** One line for the status bar. */
  readonly label: string;
  /** Whether loading touches a real machine. */
  readonly real: boolean;
  release(signal?: AbortSignal): Promise<string>;
  /** /proc/sys/kernel/tainted. */
  tainted(signal?: AbortSignal): Promise<number>;
  modules(signal?: AbortSignal): Promise<ProcModule[]>;
  insmod(file: ModuleFile, parameters: readonly string[], signal?: AbortSignal): Promise<ToolRun>;
  rmmod(name: string, force: boolean, signal?: AbortSignal): Promise<ToolRun>;
  modprobe(name: string, options: ModprobeOptions, signal?: AbortSignal): Promise<ToolRun>;
  /** The kernel log as far as this target keeps it (all of it for the simulator; what operations collected for a remote one). */
  log(): readonly LogRecord[];
  close(): Promise<void>;
}

/** Splits `name=value` words into the pairs the remote tools quote; a bare `name` has no value. */
export function parameterPairs(words: readonly string[]): [string, string | undefined][] {
  return words.map((word) => {
    const eq = word.indexOf('=');
    return eq === -1 ? [word, undefined] : [word.slice(0, eq), word.slice(eq + 1)];
  });
}
