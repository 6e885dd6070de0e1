import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import type { LkmInitializationOptions, LkmNotification, LkmRequest } from '../../server/src/protocol/lkmProtocol';
import { KernelProfileStatus } from './kernelProfileStatus';
import type { ServerConnection } from './serverConnection';

/** Owns the language client: its start, restart and output channel; hands requests to the features. */
export class LanguageServerContext implements vscode.Disposable, ServerConnection {
  private client: LanguageClient | undefined;
  private readonly output = vscode.window.createOutputChannel('Kernel Module Workbench', { log: true });
  private readonly profileStatus = new KernelProfileStatus();
  private readonly started = new vscode.EventEmitter<void>();
  readonly onDidStart = this.started.event;
  /** Listeners per notification method: the client keeps a single handler per method. */
  private readonly listeners = new Map<string, Set<(params: unknown) => void>>();
  private readonly disposables: vscode.Disposable[] = [this.output, this.profileStatus, this.started];
  private clientSubscriptions: vscode.Disposable | undefined;

  constructor(private readonly extension: vscode.ExtensionContext) {
    this.disposables.push(
      vscode.commands.registerCommand('lkm.restartServer', () => this.restart()),
      vscode.commands.registerCommand('lkm.showServerOutput', () => this.output.show(true)),
      vscode.commands.registerCommand('lkm.showKernelProfile', () => this.profileStatus.describe()),
    );
  }

  async start(): Promise<void> {
    const serverModule = this.extension.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc },
      debug: {
        module: serverModule,
        transport: TransportKind.ipc,
        options: { execArgv: ['--nolazy', '--inspect=6009'] },
      },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'c' },
        { scheme: 'untitled', language: 'c' },
      ],
      outputChannel: this.output,
      initializationOptions: await this.initializationOptions(),
      synchronize: {
        configurationSection: 'lkm',
        // Module membership comes from Kbuild files, and a module spans several sources.
        fileEvents: vscode.workspace.createFileSystemWatcher('**/{Kbuild,Makefile,*.mk,*.c,*.h}'),
      },
    };
    const client = new LanguageClient('lkm', 'Kernel Module Workbench', serverOptions, clientOptions);
    this.client = client;
    for (const method of this.listeners.keys()) this.listen(client, method);
    await client.start();
    this.clientSubscriptions?.dispose();
    this.clientSubscriptions = this.profileStatus.attach(client);
    this.started.fire();
  }

  /** Where the server may keep the simulated kernel's state: this workspace's storage, else the global one. */
  private async initializationOptions(): Promise<LkmInitializationOptions> {
    const storage = this.extension.storageUri ?? this.extension.globalStorageUri;
    try {
      await vscode.workspace.fs.createDirectory(storage);
    } catch {
      // The server says so if it cannot save there; the simulator still runs.
    }
    return { storagePath: storage.fsPath };
  }

  async restart(): Promise<void> {
    if (this.client === undefined) return this.start();
    await this.client.restart();
    await this.profileStatus.refresh();
    this.started.fire();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.stop();
  }

  request<P, R>(request: LkmRequest<P, R>, params: P, token?: vscode.CancellationToken): Promise<R> {
    const client = this.client;
    if (client === undefined)
      return Promise.reject(new Error('The Kernel Module Workbench language server is not running'));
    // A request without parameters still sends a (null) parameter: sent alone, the token would be
    // taken for the parameters by the server's (params, token) handlers. And no trailing undefined
    // token either: JSON-RPC would send it as a second parameter.
    const param = params ?? null;
    return token === undefined
      ? client.sendRequest<R>(request.method, param)
      : client.sendRequest<R>(request.method, param, token);
  }

  onNotification<P>(notification: LkmNotification<P>, listener: (params: P) => void): vscode.Disposable {
    let set = this.listeners.get(notification.method);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(notification.method, set);
      if (this.client !== undefined) this.listen(this.client, notification.method);
    }
    const listeners = set;
    const entry = listener as (params: unknown) => void;
    listeners.add(entry);
    return new vscode.Disposable(() => listeners.delete(entry));
  }

  /** One client handler per method, fanning out to every listener; it survives restarts. */
  private listen(client: LanguageClient, method: string): void {
    this.disposables.push(
      client.onNotification(method, (params: unknown) => {
        for (const listener of this.listeners.get(method) ?? []) listener(params);
      }),
    );
  }

  dispose(): void {
    this.clientSubscriptions?.dispose();
    void this.stop();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
