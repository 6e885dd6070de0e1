/**
 * A real kernel over SSH as a target: the machine's own insmod, rmmod and modprobe, its
 * /proc/modules and its kernel log. Source folders cannot be loaded here; they must be built first.
 */
import type { LogRecord } from '../simulator/kernelLog';
import type { ProcModule } from '../remote/moduleState';
import { RemoteError } from '../remote/remoteError';
import { RemoteTarget, type OperationResult as RemoteOperation } from '../remote/remoteTarget';
import type { FetchedSymbols } from '../remote/symbolFetch';
import { parameterPairs, type KernelTarget, type ModprobeOptions, type ModuleFile, type ToolRun } from './kernelTarget';
import type { TargetSpec } from './targetTypes';

/** Records kept of the remote kernel's log (what operations collected). */
const KEPT_LOG_RECORDS = 4096;

export class RemoteKernelTarget implements KernelTarget {
  readonly real = true;
  private readonly kept: LogRecord[] = [];
  private nextSeq = 0;

  private constructor(
    readonly spec: Extract<TargetSpec, { kind: 'ssh' }>,
    private readonly remote: RemoteTarget,
  ) {}

  static async connect(spec: Extract<TargetSpec, { kind: 'ssh' }>, signal?: AbortSignal): Promise<RemoteKernelTarget> {
    const remote = await RemoteTarget.connect(
      {
        host: spec.host,
        ...(spec.port !== undefined ? { port: spec.port } : {}),
        ...(spec.user !== undefined ? { user: spec.user } : {}),
        ...(spec.identityFile !== undefined ? { identityFile: spec.identityFile } : {}),
        ...(spec.configFile !== undefined ? { configFile: spec.configFile } : {}),
      },
      signal,
    );
    const target = new RemoteKernelTarget(spec, remote);
    await target.release(signal);
    return target;
  }

  get label(): string {
    const user = this.spec.user !== undefined ? `${this.spec.user}@` : '';
    const port = this.spec.port !== undefined ? `:${this.spec.port}` : '';
    return `ssh ${user}${this.spec.host}${port}`;
  }

  release(signal?: AbortSignal): Promise<string> {
    return this.remote.release(signal ? { signal } : {});
  }

  async tainted(signal?: AbortSignal): Promise<number> {
    const r = await this.remote.run('cat /proc/sys/kernel/tainted', signal ? { signal } : {});
    const value = Number.parseInt(r.stdout.trim(), 10);
    if (r.exit !== 0 || !Number.isFinite(value))
      throw new RemoteError(
        'protocol',
        `${this.remote.host}: cannot read /proc/sys/kernel/tainted: ${r.stderr.trim()}`,
      );
    return value;
  }

  modules(signal?: AbortSignal): Promise<ProcModule[]> {
    return this.remote.modules(signal ? { signal } : {});
  }

  log(): readonly LogRecord[] {
    return this.kept;
  }

  async insmod(file: ModuleFile, parameters: readonly string[], signal?: AbortSignal): Promise<ToolRun> {
    if (file.kind === 'source')
      throw new RemoteError(
        'bad-module',
        `${file.path}: a source folder cannot be loaded into a real kernel; build it first (Kernel Module: Build Module) and load the .ko`,
      );
    return this.keep(
      await this.remote.load(file.path, { parameters: parameterPairs(parameters), ...(signal ? { signal } : {}) }),
    );
  }

  async rmmod(name: string, force: boolean, signal?: AbortSignal): Promise<ToolRun> {
    return this.keep(await this.remote.unload(name, { force, ...(signal ? { signal } : {}) }));
  }

  /** modprobe uses the target's own /lib/modules: workspace modules are not installed there. */
  async modprobe(name: string, options: ModprobeOptions, signal?: AbortSignal): Promise<ToolRun> {
    return this.keep(
      await this.remote.modprobe(name, {
        ...(options.remove !== undefined ? { remove: options.remove } : {}),
        ...(options.parameters !== undefined ? { parameters: parameterPairs(options.parameters) } : {}),
        ...(signal ? { signal } : {}),
      }),
    );
  }

  fetchSymbols(signal?: AbortSignal): Promise<FetchedSymbols> {
    return this.remote.fetchSymbols(undefined, signal ? { signal } : {});
  }

  close(): Promise<void> {
    return this.remote.close();
  }

  /** The operation's log records, renumbered into this target's own sequence. */
  private keep(operation: RemoteOperation): ToolRun {
    const log = operation.log.map((r) => ({ ...r, seq: this.nextSeq++ }));
    this.kept.push(...log);
    if (this.kept.length > KEPT_LOG_RECORDS) this.kept.splice(0, this.kept.length - KEPT_LOG_RECORDS);
    return {
      command: operation.command,
      exit: operation.exit,
      stdout: operation.stdout,
      stderr: operation.stderr,
      log,
      notes: [],
    };
  }
}
