/**
 * The simulated kernel's state: the loaded modules (most recent first, as the kernel's module list),
 * the exported-symbol table (vmlinux from a KernelProfile, plus what loaded modules export), global
 * taint with its once-per-boot messages, the kernel log, a monotonic clock and the module area
 * (vmalloc with guard pages, first fit).
 */
import type { KernelProfile } from '../symbols/kernelProfile';
import { DefaultEntryPointRunner, type EntryPointRunner } from './entryPoints';
import { DeviceNumbers } from './devices';
import { DEBIAN_6_1_CONFIG, type KernelConfig } from './kernelConfig';
import { KernelLog, type LogLevel } from './kernelLog';
import type { LoadableExport, LoadableModule } from './loadableModule';
import { PAGE_SIZE } from './layout';
import type { ParameterValue } from './params';
import { TAINT_FLAGS, taintValue } from './taint';

export type ModuleState = 'unformed' | 'coming' | 'live' | 'going';

export interface LoadedModule {
  readonly module: LoadableModule;
  state: ModuleState;
  /** Taint bits of this module (P, O, E, …). */
  readonly taints: Set<number>;
  /** module_refcount: references held (one per module that uses it, plus try_module_get holders). */
  refcount: number;
  /** References taken with moduleGet (an open file, …), included in refcount. */
  externalRefs: number;
  /** Modules that use this one (source_list), most recent first. */
  holders: string[];
  /** Modules this one uses (target_list). */
  uses: string[];
  /** Offset of the core part in the module area (see moduleAddress). */
  readonly coreBase: number;
  readonly coreSize: number;
  /** Offset of the init part while init runs; undefined once it is freed. */
  initBase: number | undefined;
  initSize: number;
  readonly params: Map<string, ParameterValue>;
  readonly args: string;
  readonly sigOk: boolean;
  usingGplOnlySymbols: boolean;
}

export interface SymbolOwner {
  /** Undefined for vmlinux. */
  readonly owner?: LoadedModule;
  readonly symbol: LoadableExport;
}

/**
 * The first address the reference kernel gave a module (the area below was taken at boot). Module
 * addresses are kept as offsets from it: numbers near 2^64 are not exact in a JavaScript number.
 */
export const MODULE_AREA_START = 0xffffffffc0201000n;

/** A module-area offset as the kernel prints addresses (%px): 16 hex digits. */
export function moduleAddress(offset: number): string {
  return (MODULE_AREA_START + BigInt(offset)).toString(16).padStart(16, '0');
}

interface Allocation {
  start: number;
  /** Pages taken, guard page included. */
  pages: number;
}

export interface KernelOptions {
  readonly profile: KernelProfile;
  readonly config?: Partial<KernelConfig>;
  readonly runner?: EntryPointRunner;
  /** Boot time in microseconds (default 4 s, about where the reference kernel's scripts started). */
  readonly bootTimeUs?: number;
}

export class KernelState {
  readonly config: KernelConfig;
  readonly profile: KernelProfile;
  runner: EntryPointRunner;
  /** Most recently added first, like the kernel's `modules` list. */
  modules: LoadedModule[] = [];
  readonly taint = new Set<number>();
  log = new KernelLog();
  clockUs: number;
  /** pr_*_once flags and debug_locks, which are per boot. */
  readonly once = new Set<string>();
  debugLocks = true;
  allocations: Allocation[] = [];
  /** Init parts freed by the deferred work (do_free_init) at the end of the current command. */
  pendingInitFrees: number[] = [];
  /** Character and block device numbers registered (the boot drivers', and what module code registered). */
  readonly devices = new DeviceNumbers();
  /**
   * The task making the system calls: the tool the shell started last (its comm, TASK_COMM_LEN - 1
   * characters) and a PID, one more for each (dump_stack prints them).
   */
  task = { comm: 'sh', pid: 128 };
  /** Things the simulator could not do exactly (init/exit not simulated, …), once each. */
  readonly notes: string[] = [];
  /** Bumped by every change: for the UI. */
  generation = 0;

  constructor(options: KernelOptions) {
    this.config = { ...DEBIAN_6_1_CONFIG, ...options.config };
    this.profile = options.profile;
    this.runner = options.runner ?? new DefaultEntryPointRunner();
    this.clockUs = options.bootTimeUs ?? 4_000_000;
  }

  find(name: string): LoadedModule | undefined {
    return this.modules.find((m) => m.module.name === name);
  }

  /** printk: one record per line, each a few microseconds after the last. */
  printk(level: LogLevel, text: string): void {
    this.clockUs += 37;
    this.log.append(level, this.clockUs, text);
  }

  /** pr_*_once: printed the first time per boot only. */
  printkOnce(key: string, level: LogLevel, text: string): void {
    if (this.once.has(key)) return;
    this.once.add(key);
    this.printk(level, text);
  }

  /** Time passes between commands (a process start, a shell). */
  advance(us: number): void {
    this.clockUs += us;
  }

  /** A new process runs `comm` (execve: the file name it was started as). */
  startTask(comm: string): void {
    this.task = { comm: comm.slice(0, 15), pid: this.task.pid + 1 };
  }

  note(text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  /** add_taint: with LOCKDEP_NOW_UNRELIABLE the first one turns lock debugging off, and says so. */
  addTaint(bit: number, lockdepNowUnreliable: boolean): void {
    if (lockdepNowUnreliable && this.debugLocks) {
      this.debugLocks = false;
      this.printk(4, 'Disabling lock debugging due to kernel taint');
    }
    this.taint.add(bit);
  }

  addModuleTaint(module: LoadedModule, bit: number, lockdepNowUnreliable: boolean): void {
    this.addTaint(bit, lockdepNowUnreliable);
    module.taints.add(bit);
  }

  taintValue(): number {
    return taintValue(this.taint);
  }

  /** The global taint string of oops headers: `G` or `P`, then one character per flag. */
  taintString(): string {
    if (this.taint.size === 0) return 'Not tainted';
    return `Tainted: ${TAINT_FLAGS.map((f) => (this.taint.has(f.bit) ? f.letter : f.bit === 0 ? 'G' : ' ')).join('')}`;
  }

  /**
   * find_symbol: vmlinux's exports first, then each module's (unformed ones are skipped). A GPL-only
   * export is invisible when gplOk is false.
   */
  findSymbol(name: string, gplOk: boolean): SymbolOwner | undefined {
    const vmlinux = this.profile.exported(name);
    if (vmlinux !== undefined && vmlinux.owner === 'vmlinux') {
      if (vmlinux.gplOnly && !gplOk) return undefined;
      return {
        symbol: {
          name,
          gplOnly: vmlinux.gplOnly,
          ...(vmlinux.namespace !== undefined ? { namespace: vmlinux.namespace } : {}),
          ...(vmlinux.crc !== undefined ? { crc: vmlinux.crc } : {}),
        },
      };
    }
    for (const owner of this.modules) {
      if (owner.state === 'unformed') continue;
      const symbol = owner.module.exports.find((e) => e.name === name);
      if (symbol === undefined) continue;
      if (symbol.gplOnly && !gplOk) return undefined;
      return { owner, symbol };
    }
    return undefined;
  }

  /** module_alloc: first fit in the module area, one guard page after each allocation. */
  allocate(size: number): number {
    const pages = Math.ceil(size / PAGE_SIZE) + 1;
    const sorted = [...this.allocations].sort((a, b) => a.start - b.start);
    let candidate = 0;
    for (const a of sorted) {
      if (candidate + pages * PAGE_SIZE <= a.start) break;
      candidate = Math.max(candidate, a.start + a.pages * PAGE_SIZE);
    }
    this.allocations.push({ start: candidate, pages });
    return candidate;
  }

  free(start: number | undefined): void {
    if (start === undefined) return;
    this.allocations = this.allocations.filter((a) => a.start !== start);
  }

  /** The deferred work of the command that just ended has run: freed init parts are free. */
  settle(): void {
    for (const start of this.pendingInitFrees) this.free(start);
    this.pendingInitFrees = [];
  }

  /** Unlinks a module and undoes its uses of other modules (free_module / module_unload_free). */
  unlink(loaded: LoadedModule): void {
    for (const target of loaded.uses) {
      const owner = this.find(target);
      if (owner === undefined) continue;
      owner.holders = owner.holders.filter((h) => h !== loaded.module.name);
      owner.refcount--;
    }
    loaded.uses = [];
    this.modules = this.modules.filter((m) => m !== loaded);
    this.free(loaded.coreBase);
    this.free(loaded.initBase);
    this.generation++;
  }
}
