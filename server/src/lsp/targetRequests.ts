/**
 * Glue between the protocol's target requests and the kernel library's TargetSession: each request
 * and `workspace/executeCommand` command calls the session, cancellation becomes an AbortSignal,
 * and a failure becomes a JSON-RPC error whose message says why (the server never goes down).
 */
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  type CancellationToken,
  type Connection,
} from 'vscode-languageserver';
import type { CParser } from '../kernel/parsing/cParser';
import type { FetchedSymbols } from '../kernel/remote/symbolFetch';
import type { KernelProfile } from '../kernel/symbols/kernelProfile';
import { RemoteKernelTarget } from '../kernel/targets/remoteKernelTarget';
import { TargetSession } from '../kernel/targets/targetSession';
import {
  CheckParametersRequest,
  FetchSymbolsRequest,
  KernelLogAppendedNotification,
  KernelLogRequest,
  LoadModuleRequest,
  ModprobeRequest,
  ModuleCandidatesRequest,
  ReloadModuleRequest,
  ResetKernelRequest,
  SelectTargetRequest,
  SERVER_COMMANDS,
  TargetStateChangedNotification,
  TargetStateRequest,
  UnloadModuleRequest,
  type KernelProfileInfo,
  type LkmRequest,
  type TargetSpec,
} from '../protocol/lkmProtocol';

export interface TargetRequestsHost {
  readonly parser: () => CParser | undefined;
  /** The analysis' active profile: what the simulated kernel exports. */
  readonly profile: () => KernelProfile | undefined;
  readonly workspaceRoots: () => readonly string[];
  /** Where the simulated kernel is saved (a folder). */
  readonly storagePath: () => string | undefined;
  /** Makes symbols fetched from a remote target the analysis' profile; answers the new profile. */
  readonly useFetchedSymbols: (fetched: FetchedSymbols) => KernelProfileInfo;
  readonly log: (message: string) => void;
}

type Handler = (params: never, signal: AbortSignal) => Promise<unknown>;

export class TargetRequests {
  private session: Promise<TargetSession> | undefined;
  private readonly handlers = new Map<string, Handler>();

  constructor(
    private readonly connection: Connection,
    private readonly host: TargetRequestsHost,
  ) {}

  /** Registers every request, and the same operations as executeCommand commands. */
  register(): void {
    this.on(ModuleCandidatesRequest, async () => (await this.current()).candidates());
    this.on(CheckParametersRequest, async (p) => (await this.current()).checkParameters(p.path, p.parameters));
    this.on(LoadModuleRequest, async (p, signal) => (await this.current()).load(p.path, p.parameters ?? [], signal));
    this.on(UnloadModuleRequest, async (p, signal) => (await this.current()).unload(p.name, p.force ?? false, signal));
    this.on(ReloadModuleRequest, async (p, signal) => (await this.current()).reload(p.name, signal));
    this.on(ModprobeRequest, async (p, signal) =>
      (await this.current()).modprobe(p.name, p.parameters ?? [], p.remove ?? false, signal),
    );
    this.on(TargetStateRequest, async (_p, signal) => (await this.current()).state(signal));
    this.on(KernelLogRequest, async (p) => (await this.current()).kernelLog(p?.afterSeq));
    this.on(ResetKernelRequest, async () => (await this.current()).reset());
    this.on(SelectTargetRequest, async (spec, signal) => (await this.current()).select(checkSpec(spec), signal));
    this.on(FetchSymbolsRequest, async (_p, signal) => {
      const target = (await this.current()).current;
      if (!(target instanceof RemoteKernelTarget))
        throw new Error(
          'the simulated kernel has no symbols to fetch: select an SSH target first (Kernel Module: Select Target…)',
        );
      return this.host.useFetchedSymbols(await target.fetchSymbols(signal));
    });
    this.connection.onExecuteCommand(async (params, token) => {
      const request = SERVER_COMMANDS[params.command as keyof typeof SERVER_COMMANDS];
      const handler = request && this.handlers.get(request.method);
      if (handler === undefined) throw new ResponseError(ErrorCodes.InvalidParams, `unknown command ${params.command}`);
      return handler(params.arguments?.[0] as never, signalOf(token));
    });
  }

  /** The commands to announce in the server's capabilities. */
  static commands(): string[] {
    return Object.keys(SERVER_COMMANDS);
  }

  /** The simulated kernel exports from the analysis' new profile. */
  async profileChanged(): Promise<void> {
    const profile = this.host.profile();
    if (this.session !== undefined && profile !== undefined) await (await this.session).useProfile(profile);
  }

  async dispose(): Promise<void> {
    await (await this.session?.catch(() => undefined))?.dispose();
  }

  private on<P, R>(request: LkmRequest<P, R>, run: (params: P, signal: AbortSignal) => Promise<R>): void {
    const handler = async (params: P, signal: AbortSignal): Promise<R> => {
      try {
        return await run(params, signal);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.host.log(`${request.method}: ${message}`);
        throw new ResponseError(LSPErrorCodes.RequestFailed, message);
      }
    };
    this.handlers.set(request.method, handler);
    // A request sent without parameters reaches the handler as (token) alone, not (undefined, token).
    this.connection.onRequest(request.method, (...args: unknown[]) => {
      const token = args.at(-1) as CancellationToken | undefined;
      return handler((args.length > 1 ? args[0] : undefined) as P, signalOf(token));
    });
  }

  private current(): Promise<TargetSession> {
    this.session ??= this.start();
    // A failed start is not remembered: the next request tries again.
    this.session.catch(() => (this.session = undefined));
    return this.session;
  }

  private async start(): Promise<TargetSession> {
    const parser = this.host.parser();
    const profile = this.host.profile();
    if (parser === undefined || profile === undefined)
      throw new Error('the server is still starting (the C grammar or the kernel profile is not loaded yet)');
    const session = await TargetSession.start({
      parser,
      profile,
      workspaceRoots: this.host.workspaceRoots,
      statePath: path.join(
        this.host.storagePath() ?? defaultStorage(this.host.workspaceRoots()),
        'simulated-kernel.json',
      ),
      onStateChanged: (state) => void this.connection.sendNotification(TargetStateChangedNotification.method, state),
      onLog: (lines) => void this.connection.sendNotification(KernelLogAppendedNotification.method, lines),
    });
    for (const note of session.startNotes) {
      this.host.log(note);
      void this.connection.window.showWarningMessage(`Kernel Module Workbench: ${note}`);
    }
    return session;
  }
}

/** Without a folder from the editor: one per workspace under $XDG_CACHE_HOME/lkm-workbench/state. */
function defaultStorage(roots: readonly string[]): string {
  const cache = process.env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache');
  const key = createHash('sha256').update(roots.join('\n')).digest('hex').slice(0, 16);
  return path.join(cache, 'lkm-workbench', 'state', key);
}

function signalOf(token: CancellationToken | undefined): AbortSignal {
  const controller = new AbortController();
  if (token?.isCancellationRequested === true) controller.abort();
  else token?.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

function checkSpec(spec: unknown): TargetSpec {
  const s = spec as Partial<Record<string, unknown>> | null | undefined;
  if (s?.['kind'] === 'simulated') return { kind: 'simulated' };
  if (s?.['kind'] === 'ssh' && typeof s['host'] === 'string' && s['host'] !== '') {
    const port = s['port'];
    if (port !== undefined && !(typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536))
      throw new Error(`port ${JSON.stringify(port)} is not a TCP port`);
    return {
      kind: 'ssh',
      host: s['host'],
      ...(port !== undefined ? { port } : {}),
      ...(typeof s['user'] === 'string' ? { user: s['user'] } : {}),
      ...(typeof s['identityFile'] === 'string' ? { identityFile: s['identityFile'] } : {}),
      ...(typeof s['configFile'] === 'string' ? { configFile: s['configFile'] } : {}),
    };
  }
  throw new Error(`not a target: ${JSON.stringify(spec)} (expected {"kind":"simulated"} or {"kind":"ssh","host":…})`);
}
