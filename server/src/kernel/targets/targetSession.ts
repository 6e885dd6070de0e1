/**
 * The kernel the editor loads into, and everything done to it: the simulated kernel by default
 * (saved after every change and restored at the next start), or a remote one over SSH. Operations
 * run one at a time, each answered in the tools' words with advice and the target's new state.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CParser } from '../parsing/cParser';
import type { ProcModule } from '../remote/moduleState';
import { moduleParameterWord } from '../remote/shellQuote';
import { formatTimestamp, type LogRecord } from '../simulator/kernelLog';
import { initialValues, parseModuleArgs } from '../simulator/params';
import { SimulatorStateError } from '../simulator/persistence';
import type { KernelConfig } from '../simulator/kernelConfig';
import type { KernelProfile } from '../symbols/kernelProfile';
import type { KernelTarget, ToolRun } from './kernelTarget';
import { operationAdvice } from './operationAdvice';
import { RemoteKernelTarget } from './remoteKernelTarget';
import { simulatedConfig, SimulatedTarget } from './simulatedTarget';
import { taintSummary } from './taintReasons';
import type {
  KernelLogLevel,
  KernelLogLine,
  LoadedModuleInfo,
  ModuleCandidate,
  OperationResult,
  ParameterProblem,
  TargetSpec,
  TargetState,
} from './targetTypes';
import { findWorkspaceModules, providersOf, type WorkspaceModule } from './workspaceModules';

export const SESSION_FORMAT = 'lkm-workbench-session';
const SESSION_VERSION = 1;
const LEVELS: readonly KernelLogLevel[] = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];

export interface TargetSessionOptions {
  readonly parser: CParser;
  /** The kernel profile the simulated kernel exports (the analysis' active profile). */
  readonly profile: KernelProfile;
  /** Folders searched for loadable modules. */
  readonly workspaceRoots: () => readonly string[];
  /** Where the simulated kernel is saved; nothing is saved without it. */
  readonly statePath?: string;
  readonly onStateChanged?: (state: TargetState) => void;
  readonly onLog?: (lines: KernelLogLine[]) => void;
}

/** What this editor loaded, so Reload knows the file and the parameters. */
interface LoadedFrom {
  readonly path: string;
  readonly parameters: readonly string[];
}

export class TargetSession {
  private target: KernelTarget;
  private profile: KernelProfile;
  private loadedFrom = new Map<string, LoadedFrom>();
  private queue: Promise<unknown> = Promise.resolve();
  /** What happened at start (a refused saved state), for the server's log. */
  readonly startNotes: string[] = [];

  private constructor(private readonly options: TargetSessionOptions) {
    this.profile = options.profile;
    this.target = this.bootSimulated();
  }

  /** Restores the saved simulated kernel, or boots a fresh one (saying why when the saved one is refused). */
  static async start(options: TargetSessionOptions): Promise<TargetSession> {
    const session = new TargetSession(options);
    await session.restore();
    return session;
  }

  get current(): KernelTarget {
    return this.target;
  }

  async candidates(): Promise<ModuleCandidate[]> {
    return (await this.workspaceModules()).map((m) => m.candidate);
  }

  /** Each `name=value` word the kernel would refuse or ignore, in params.c's words. */
  async checkParameters(modulePath: string, words: readonly string[]): Promise<ParameterProblem[]> {
    const module = await this.moduleAt(modulePath, await this.workspaceModules());
    const problems: ParameterProblem[] = [];
    for (const word of words) {
      const eq = word.indexOf('=');
      const name = eq === -1 ? word : word.slice(0, eq);
      let arg: string;
      try {
        arg = moduleParameterWord(name, eq === -1 ? undefined : word.slice(eq + 1));
      } catch (error) {
        problems.push({ word, message: error instanceof Error ? error.message : String(error) });
        continue;
      }
      const parsed = parseModuleArgs(module.module.name, arg, initialValues(module.module.parameters));
      for (const message of parsed.messages) problems.push({ word, message: message.text });
    }
    return problems;
  }

  load(modulePath: string, parameters: readonly string[] = [], signal?: AbortSignal): Promise<OperationResult> {
    return this.serial(async () => {
      // One workspace scan per operation: the module to load and the advice both come from it.
      const modules = await this.workspaceModules();
      const module = await this.moduleAt(modulePath, modules);
      const run = await this.target.insmod(module.file, parameters, signal);
      if (run.exit === 0) this.loadedFrom.set(module.module.name, { path: modulePath, parameters });
      return this.finish(run, modules);
    });
  }

  unload(name: string, force = false, signal?: AbortSignal): Promise<OperationResult> {
    return this.serial(async () => {
      const run = await this.target.rmmod(name, force, signal);
      if (run.exit === 0) this.loadedFrom.delete(name.replace(/-/g, '_'));
      return this.finish(run);
    });
  }

  /** rmmod, then insmod from where this editor loaded it, with the same parameters. */
  async reload(name: string, signal?: AbortSignal): Promise<OperationResult> {
    const from = this.loadedFrom.get(name) ?? (await this.candidateFor(name));
    if (from === undefined)
      throw new Error(`${name} was not loaded from this workspace, and no workspace module is called ${name}`);
    const unloaded = await this.unload(name, false, signal);
    if (!unloaded.ok) return unloaded;
    const loaded = await this.load(from.path, from.parameters, signal);
    return { ...loaded, log: [...unloaded.log, ...loaded.log], command: `${unloaded.command} && ${loaded.command}` };
  }

  /** modprobe (or -r); on the simulated kernel the workspace's modules are installed and depmod runs first. */
  modprobe(
    name: string,
    parameters: readonly string[] = [],
    remove = false,
    signal?: AbortSignal,
  ): Promise<OperationResult> {
    return this.serial(async () => {
      const modules = await this.workspaceModules();
      const install = this.target.real ? [] : preferBuilt(modules).map((m) => m.file);
      const run = await this.target.modprobe(name, { remove, parameters, install }, signal);
      return this.finish(run, modules);
    });
  }

  async state(signal?: AbortSignal): Promise<TargetState> {
    const [release, tainted, modules] = await Promise.all([
      this.target.release(signal),
      this.target.tainted(signal),
      this.target.modules(signal),
    ]);
    const taint = taintSummary(tainted);
    return {
      target: {
        kind: this.target.spec.kind,
        label: this.target.label,
        release,
        tainted,
        taintLetters: taint.letters,
        taintReasons: taint.reasons,
        real: this.target.real,
      },
      modules: modules.map((m) => this.moduleInfo(m)),
    };
  }

  kernelLog(afterSeq?: number): KernelLogLine[] {
    return this.target
      .log()
      .filter((r) => afterSeq === undefined || r.seq > afterSeq)
      .map(logLine);
  }

  /** A fresh simulated kernel (also the way back from a remote target). */
  reset(): Promise<TargetState> {
    return this.serial(async () => {
      await this.target.close();
      this.target = this.bootSimulated();
      this.loadedFrom.clear();
      await this.save();
      return this.announce();
    });
  }

  select(spec: TargetSpec, signal?: AbortSignal): Promise<TargetState> {
    return this.serial(async () => {
      if (spec.kind === 'simulated') {
        if (this.target.spec.kind !== 'simulated') {
          await this.target.close();
          this.target = this.bootSimulated();
          await this.restore();
        }
      } else {
        const remote = await RemoteKernelTarget.connect(spec, signal);
        await this.target.close();
        this.target = remote;
        this.loadedFrom.clear();
      }
      return this.announce();
    });
  }

  /** The simulated kernel exports from a new profile; its modules and log stay. */
  async useProfile(profile: KernelProfile): Promise<void> {
    this.profile = profile;
    await this.serial(() => {
      if (this.target instanceof SimulatedTarget)
        this.target = SimulatedTarget.restore(this.target.serialize(), { profile, parser: this.options.parser });
      return Promise.resolve();
    });
  }

  async dispose(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.target.close();
  }

  private bootSimulated(): SimulatedTarget {
    return SimulatedTarget.boot({ profile: this.profile, parser: this.options.parser });
  }

  private async restore(): Promise<void> {
    const file = this.options.statePath;
    if (file === undefined) return;
    const text = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) return;
    try {
      const saved = parseSession(text);
      this.target = SimulatedTarget.restore(saved.machine, { profile: this.profile, parser: this.options.parser });
      this.loadedFrom = new Map(saved.loadedFrom);
    } catch (error) {
      if (!(error instanceof SimulatorStateError)) throw error;
      this.startNotes.push(`the saved simulated kernel ${file} is refused (${error.message}); a fresh kernel boots`);
      this.target = this.bootSimulated();
    }
  }

  private async save(): Promise<void> {
    const file = this.options.statePath;
    if (file === undefined || !(this.target instanceof SimulatedTarget)) return;
    const text = JSON.stringify({
      format: SESSION_FORMAT,
      version: SESSION_VERSION,
      loadedFrom: [...this.loadedFrom],
      machine: this.target.serialize(),
    });
    await fs.mkdir(path.dirname(file), { recursive: true });
    // Written aside and renamed, so a crash mid-write never leaves half a state.
    const temporary = `${file}.${process.pid}.tmp`;
    await fs.writeFile(temporary, text);
    await fs.rename(temporary, file);
  }

  private async finish(run: ToolRun, scanned?: readonly WorkspaceModule[]): Promise<OperationResult> {
    const modules = scanned ?? (await this.workspaceModules().catch(() => []));
    const advice = operationAdvice(run, {
      providersOf: (symbols) =>
        providersOf(
          symbols,
          modules.map((m) => m.module),
        ),
      parameterType: (module, parameter) =>
        modules.find((m) => m.module.name === module)?.candidate.parameters.find((p) => p.name === parameter)?.type,
      simulated: !this.target.real,
    });
    const log = run.log.map(logLine);
    if (log.length > 0) this.options.onLog?.(log);
    const state = await this.announce();
    // What is no longer loaded (rmmod, modprobe -r of a stack) is forgotten.
    for (const name of this.loadedFrom.keys())
      if (!state.modules.some((m) => m.name === name)) this.loadedFrom.delete(name);
    await this.save();
    return {
      ok: run.exit === 0,
      command: run.command,
      exitCode: run.exit,
      stdout: run.stdout,
      stderr: run.stderr,
      log,
      ...(advice !== undefined ? { advice } : {}),
      notes: run.notes,
      state,
    };
  }

  private async announce(): Promise<TargetState> {
    const state = await this.state();
    this.options.onStateChanged?.(state);
    return state;
  }

  private moduleInfo(m: ProcModule): LoadedModuleInfo {
    const from = this.loadedFrom.get(m.name);
    return {
      name: m.name,
      size: m.size,
      useCount: m.refcount,
      usedBy: m.holders,
      state: m.state === 'going' ? 'Unloading' : m.state === 'coming' ? 'Loading' : 'Live',
      taint: m.taints,
      permanent: m.permanent,
      ...(from !== undefined ? { loadedFrom: from.path, loadedWith: from.parameters } : {}),
    };
  }

  private workspaceModules(): Promise<WorkspaceModule[]> {
    const config = this.target instanceof SimulatedTarget ? this.target.kernel.config : undefined;
    return findWorkspaceModules(this.options.workspaceRoots(), this.options.parser, config ?? this.bootConfig());
  }

  private bootConfig(): KernelConfig {
    return simulatedConfig({ profile: this.profile });
  }

  private async moduleAt(modulePath: string, modules: readonly WorkspaceModule[]): Promise<WorkspaceModule> {
    const resolved = path.resolve(modulePath);
    const found =
      modules.find((m) => m.file.path === resolved && m.file.kind === 'ko') ??
      modules.find((m) => m.file.path === resolved) ??
      (await this.outsideWorkspace(resolved));
    if (found === undefined)
      throw new Error(`${modulePath}: no module there (a .ko file, or a folder with a module's sources)`);
    return found;
  }

  /** A path outside the workspace folders is read on its own. */
  private async outsideWorkspace(resolved: string): Promise<WorkspaceModule | undefined> {
    const stat = await fs.stat(resolved).catch(() => undefined);
    if (stat === undefined) return undefined;
    const root = stat.isDirectory() ? resolved : path.dirname(resolved);
    const modules = await findWorkspaceModules([root], this.options.parser, this.bootConfig());
    return modules.find((m) => m.file.path === resolved);
  }

  private async candidateFor(name: string): Promise<LoadedFrom | undefined> {
    const found = preferBuilt(await this.workspaceModules()).find((m) => m.module.name === name);
    return found === undefined ? undefined : { path: found.file.path, parameters: [] };
  }

  /** One operation at a time: a second one waits for the first (the kernel's module_mutex, in effect). */
  private serial<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.queue.then(operation, operation);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** One module per name: its built .ko when there is one, else its sources. */
function preferBuilt(modules: readonly WorkspaceModule[]): WorkspaceModule[] {
  const byName = new Map<string, WorkspaceModule>();
  for (const m of modules) {
    const seen = byName.get(m.module.name);
    if (seen === undefined || (seen.file.kind === 'source' && m.file.kind === 'ko')) byName.set(m.module.name, m);
  }
  return [...byName.values()];
}

function logLine(record: LogRecord): KernelLogLine {
  return {
    seq: record.seq,
    level: LEVELS[record.level] ?? 'info',
    timeUs: record.timeUs,
    text: record.text,
    formatted: `${formatTimestamp(record.timeUs)} ${record.text}`,
  };
}

function parseSession(text: string): { machine: string; loadedFrom: [string, LoadedFrom][] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SimulatorStateError(`not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const session = data as { format?: unknown; version?: unknown; machine?: unknown; loadedFrom?: unknown };
  if (session.format !== SESSION_FORMAT) throw new SimulatorStateError(`not a ${SESSION_FORMAT} file`);
  if (session.version !== SESSION_VERSION)
    throw new SimulatorStateError(`version ${String(session.version)}, this server reads version ${SESSION_VERSION}`);
  if (typeof session.machine !== 'string' || !Array.isArray(session.loadedFrom))
    throw new SimulatorStateError('the machine or the list of loaded files is missing');
  const loadedFrom: [string, LoadedFrom][] = [];
  for (const entry of session.loadedFrom as unknown[]) {
    const [name, from] = Array.isArray(entry) ? (entry as unknown[]) : [];
    const f = from as { path?: unknown; parameters?: unknown } | undefined;
    if (typeof name !== 'string' || typeof f?.path !== 'string' || !Array.isArray(f.parameters))
      throw new SimulatorStateError('a loaded-file entry is malformed');
    loadedFrom.push([name, { path: f.path, parameters: f.parameters.map(String) }]);
  }
  return { machine: session.machine, loadedFrom };
}
