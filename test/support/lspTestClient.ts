import { fork, spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  createMessageConnection,
  type MessageConnection,
} from 'vscode-languageserver-protocol/node';
import {
  ConfigurationRequest,
  InitializeRequest,
  PublishDiagnosticsNotification,
  type Diagnostic,
  type InitializeResult,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol';
import { FIXTURE_KERNEL_HEADERS, FIXTURE_PROFILE, REPOSITORY_ROOT } from './fixtures';

export const BUILT_SERVER = path.join(REPOSITORY_ROOT, 'dist/server.js');

export type Transport = 'stdio' | 'ipc';

/**
 * Drives the built language server as an editor would: a real child process speaking JSON-RPC,
 * with every notification it sends recorded for the test to wait on.
 */
export class LspTestClient {
  readonly connection: MessageConnection;
  private readonly published: PublishDiagnosticsParams[] = [];
  private readonly waiters: (() => void)[] = [];
  stderr = '';
  /**
   * What the server gets for `workspace/configuration` of `lkm`: the fixture headers and the fixture
   * kernel profile, so runs agree on any machine (never this machine's own kernel).
   */
  settings: Record<string, unknown> = {
    kernelHeaders: FIXTURE_KERNEL_HEADERS,
    symbols: FIXTURE_PROFILE,
    kernelRelease: '6.1.0-lkmtest',
  };

  private constructor(
    readonly process: ChildProcess,
    transport: Transport,
  ) {
    this.connection =
      transport === 'stdio'
        ? createMessageConnection(new StreamMessageReader(process.stdout!), new StreamMessageWriter(process.stdin!))
        : createMessageConnection(new IPCMessageReader(process), new IPCMessageWriter(process));
    process.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.published.push(params);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => this.settings));
    this.connection.listen();
  }

  static start(transport: Transport = 'stdio', serverModule = BUILT_SERVER): LspTestClient {
    const child =
      transport === 'stdio'
        ? spawn(process.execPath, [serverModule, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] })
        : fork(serverModule, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    return new LspTestClient(child, transport);
  }

  async initialize(
    workspaceConfiguration = true,
    initializationOptions: unknown = { lkm: this.settings },
    root = REPOSITORY_ROOT,
  ): Promise<InitializeResult> {
    const result = await this.connection.sendRequest(InitializeRequest.type, {
      initializationOptions,
      processId: process.pid,
      rootUri: pathToFileURL(root).href,
      capabilities: {
        workspace: { configuration: workspaceConfiguration },
        textDocument: { publishDiagnostics: { versionSupport: true }, codeAction: {}, hover: {}, completion: {} },
      },
      workspaceFolders: null,
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  /** Resolves with the first diagnostics published for `uri` (after `since`) that satisfy `accept`. */
  async diagnostics(
    uri: string,
    accept: (diagnostics: Diagnostic[], params: PublishDiagnosticsParams) => boolean = () => true,
    since = 0,
    timeoutMs = 15000,
  ): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.published.slice(since).find((p) => p.uri === uri && accept(p.diagnostics, p));
      if (found) return found.diagnostics;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.published.filter((p) => p.uri === uri).map((p) => p.diagnostics.map((d) => d.code));
        throw new Error(
          `no matching diagnostics for ${uri} within ${timeoutMs} ms; published: ${JSON.stringify(seen)}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** How many publishDiagnostics notifications have arrived so far, to wait only for later ones. */
  get publishedCount(): number {
    return this.published.length;
  }

  /** Shuts down politely and resolves with the exit code. */
  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.process.once('exit', (code) => resolve(code)));
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    const code = await exited;
    this.connection.dispose();
    return code;
  }

  kill(): void {
    this.connection.dispose();
    this.process.kill('SIGKILL');
  }
}
