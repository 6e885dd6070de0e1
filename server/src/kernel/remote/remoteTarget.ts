/**
 * A kernel reached over SSH: the one object callers use. It checks a module's kernel version before
 * anything reaches the target, uploads, loads and unloads with safely quoted parameters, reads the
 * module state and the kernel log written since the last operation, and fetches the symbols into a
 * kernel profile. When the connection breaks, what it remembered of the target (release, privilege,
 * log mark) is dropped, so the next call starts from what the target says then.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LogRecord } from '../simulator/kernelLog';
import { DmesgCollector } from './dmesgCollector';
import {
  DEFAULT_TOOLS,
  insmod,
  insmodCommand,
  modprobe,
  modprobeCommand,
  rmmod,
  rmmodCommand,
  type ModuleTools,
  type ToolResult,
} from './moduleOperations';
import { parseLsmod, parseProcModules, type LsmodModule, type ProcModule } from './moduleState';
import { detectPrivilege, privileged, readPrivilege, type Privilege } from './privilege';
import { RemoteError, isRemoteError } from './remoteError';
import type { ModuleParameters } from './shellQuote';
import { shellQuote } from './shellQuote';
import { SshRunner, type CommandOptions, type CommandResult, type SshTargetOptions } from './sshRunner';
import { fetchSymbols, type FetchedSymbols } from './symbolFetch';
import { safeFileName, uploadFile, type UploadMethod, type UploadResult } from './upload';
import { checkModuleVersion } from './versionCheck';

export interface RemoteTargetOptions extends SshTargetOptions {
  /** Where .ko files go on the target (default /tmp/lkm-remote). */
  readonly uploadDir?: string;
  /** Default: sftp, then scp, then cat. */
  readonly uploadMethod?: UploadMethod | 'auto';
  /** The target's module tools (default: insmod, rmmod, modprobe, lsmod from its PATH). */
  readonly tools?: Partial<ModuleTools>;
}

export interface OperationResult extends ToolResult {
  /** The tool's exit status was 0. */
  readonly ok: boolean;
  /** The command line as the target's shell received it (before sudo). */
  readonly command: string;
  /** Kernel log records written during the operation. */
  readonly log: readonly LogRecord[];
  readonly upload?: UploadResult;
}

export interface LoadOptions extends CommandOptions {
  readonly parameters?: ModuleParameters;
  readonly method?: UploadMethod | 'auto';
  /** Skip the vermagic check (the kernel then judges on its own). */
  readonly skipVersionCheck?: boolean;
}

/** Where fetched symbols go by default: $XDG_CACHE_HOME/lkm-workbench/remote/<host>/<release>. */
export function defaultSymbolDir(host: string, release: string): string {
  const cache = process.env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache');
  return path.join(cache, 'lkm-workbench', 'remote', safeFileName(host), safeFileName(release));
}

export class RemoteTarget {
  readonly runner: SshRunner;
  readonly tools: ModuleTools;
  private releaseCache: string | undefined;
  private privilegeCache: Privilege | undefined;
  private readonly log: DmesgCollector;
  private logMarked = false;

  private constructor(readonly options: RemoteTargetOptions) {
    this.runner = new SshRunner(options);
    this.tools = { ...DEFAULT_TOOLS, ...options.tools };
    this.log = new DmesgCollector(async () => {
      const privilege = await this.privilege();
      const r = await this.runner.run(privileged(privilege, 'dmesg -r'));
      if (r.exit !== 0)
        throw new RemoteError('protocol', `${this.host}: cannot read the kernel log (dmesg -r): ${r.stderr.trim()}`);
      return r.stdout;
    });
  }

  /** Connects (the host answers and takes the key) and starts the control master. */
  static async connect(options: RemoteTargetOptions, signal?: AbortSignal): Promise<RemoteTarget> {
    const target = new RemoteTarget(options);
    await target.runner.connect(signal);
    return target;
  }

  get host(): string {
    return this.runner.host;
  }

  /** Runs `fn`; a broken connection drops what is remembered of the target before it is rethrown. */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (isRemoteError(error) && (error.code === 'connection-lost' || error.code === 'command-timeout')) {
        this.forget();
        if (error.code === 'connection-lost') await this.runner.reset();
      }
      throw error;
    }
  }

  /** Forgets the release, privilege and log mark (after a reboot they may all differ). */
  forget(): void {
    this.releaseCache = undefined;
    this.privilegeCache = undefined;
    this.log.forget();
    this.logMarked = false;
  }

  /** A command in the login shell of the target's user, as is. */
  run(command: string, options: CommandOptions = {}): Promise<CommandResult> {
    return this.guard(() => this.runner.run(command, options));
  }

  /** `uname -r` (asked once per connection). */
  async release(options: CommandOptions = {}): Promise<string> {
    if (this.releaseCache === undefined) {
      const r = await this.guard(() => this.runner.runOk('uname -r', 'uname -r', options));
      this.releaseCache = r.stdout.trim();
    }
    return this.releaseCache;
  }

  async privilege(options: CommandOptions = {}): Promise<Privilege> {
    if (this.privilegeCache === undefined)
      this.privilegeCache = await this.guard(() => detectPrivilege(this.runner, options));
    return this.privilegeCache;
  }

  /** Uploads a local file into the upload folder; returns where it went. */
  async upload(
    localPath: string,
    options: CommandOptions & { readonly method?: UploadMethod | 'auto'; readonly remoteName?: string } = {},
  ): Promise<UploadResult> {
    const bytes = await readLocal(localPath);
    const dir = this.options.uploadDir ?? '/tmp/lkm-remote';
    const remotePath = `${dir.replace(/\/+$/, '')}/${safeFileName(options.remoteName ?? path.basename(localPath))}`;
    const method = options.method ?? this.options.uploadMethod ?? 'auto';
    return this.guard(() => uploadFile(this.runner, localPath, bytes, remotePath, { ...options, method }));
  }

  /** Log records since the last operation (or since the first call). */
  async dmesgSinceLastOperation(): Promise<LogRecord[]> {
    return this.guard(async () => {
      if (!this.logMarked) {
        this.logMarked = true;
        await this.log.markNow();
        return [];
      }
      return this.log.collect();
    });
  }

  private async operation(
    command: string,
    run: () => Promise<ToolResult>,
    upload?: UploadResult,
  ): Promise<OperationResult> {
    return this.guard(async () => {
      if (!this.logMarked) await this.dmesgSinceLastOperation();
      else await this.log.collect(); // what happened in between is not this operation's
      const result = await run();
      const log = await this.log.collect();
      return { ...result, ok: result.exit === 0, command, log, ...(upload ? { upload } : {}) };
    });
  }

  /**
   * Checks the module's vermagic against `uname -r` (a mismatch is refused before anything is
   * uploaded), uploads it, loads it with insmod and removes the uploaded copy.
   */
  async load(localKo: string, options: LoadOptions = {}): Promise<OperationResult> {
    const bytes = await readLocal(localKo);
    const release = await this.release(options);
    if (!options.skipVersionCheck) checkModuleVersion(bytes, localKo, release, this.host);
    const privilege = await this.privilege(options);
    const uploaded = await this.upload(localKo, options);
    const tools = this.tools;
    const command = insmodCommand(tools, uploaded.remotePath, options.parameters);
    try {
      return await this.operation(
        command,
        () => insmod(this.runner, privilege, tools, uploaded.remotePath, options.parameters, options),
        uploaded,
      );
    } finally {
      await this.runner.run(`rm -f ${shellQuote(uploaded.remotePath)}`).catch(() => undefined);
    }
  }

  async unload(name: string, options: CommandOptions & { readonly force?: boolean } = {}): Promise<OperationResult> {
    const privilege = await this.privilege(options);
    return this.operation(rmmodCommand(this.tools, name, { force: options.force ?? false }), () =>
      rmmod(this.runner, privilege, this.tools, name, options.force ?? false, options),
    );
  }

  async modprobe(
    name: string,
    options: CommandOptions & { readonly remove?: boolean; readonly parameters?: ModuleParameters } = {},
  ): Promise<OperationResult> {
    const privilege = await this.privilege(options);
    const how = {
      ...(options.remove !== undefined ? { remove: options.remove } : {}),
      ...(options.parameters !== undefined ? { parameters: options.parameters } : {}),
    };
    return this.operation(modprobeCommand(this.tools, name, how), () =>
      modprobe(this.runner, privilege, this.tools, name, how, options),
    );
  }

  /** /proc/modules, parsed. */
  async modules(options: CommandOptions = {}): Promise<ProcModule[]> {
    const r = await this.guard(() => this.runner.runOk('cat /proc/modules', 'cat /proc/modules', options));
    return parseProcModules(r.stdout);
  }

  /** lsmod, parsed. */
  async lsmod(options: CommandOptions = {}): Promise<LsmodModule[]> {
    const r = await this.guard(() => this.runner.runOk(shellQuote(this.tools.lsmod), 'lsmod', options));
    return parseLsmod(r.stdout);
  }

  /** Symbols into `outDir` (default: the cache folder of this host and release) and a profile. */
  async fetchSymbols(outDir?: string, options: CommandOptions = {}): Promise<FetchedSymbols> {
    const release = await this.release(options);
    const privilege = this.privilegeCache ?? (await this.guard(() => readPrivilege(this.runner, options)));
    return this.guard(() =>
      fetchSymbols(this.runner, privilege, release, outDir ?? defaultSymbolDir(this.host, release), options),
    );
  }

  async close(): Promise<void> {
    await this.runner.close();
  }
}

async function readLocal(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await fs.readFile(file));
  } catch (error) {
    throw new RemoteError(
      'local-io',
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}
