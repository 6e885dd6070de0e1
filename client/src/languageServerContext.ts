import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { KernelProfileStatus } from './kernelProfileStatus';

/** Owns the language client: its start, restart and output channel. */
export class LanguageServerContext implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly output = vscode.window.createOutputChannel('Kernel Module Workbench', { log: true });
  private readonly profileStatus = new KernelProfileStatus();
  private readonly disposables: vscode.Disposable[] = [this.output, this.profileStatus];
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
      synchronize: {
        configurationSection: 'lkm',
        // Module membership comes from Kbuild files, and a module spans several sources.
        fileEvents: vscode.workspace.createFileSystemWatcher('**/{Kbuild,Makefile,*.mk,*.c,*.h}'),
      },
    };
    this.client = new LanguageClient('lkm', 'Kernel Module Workbench', serverOptions, clientOptions);
    await this.client.start();
    this.clientSubscriptions?.dispose();
    this.clientSubscriptions = this.profileStatus.attach(this.client);
  }

  async restart(): Promise<void> {
    if (this.client === undefined) return this.start();
    await this.client.restart();
    await this.profileStatus.refresh();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.stop();
  }

  dispose(): void {
    this.clientSubscriptions?.dispose();
    void this.stop();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
