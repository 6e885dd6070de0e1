import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  KernelProfileChangedNotification,
  KernelProfileRequest,
  type KernelProfileInfo,
} from '../../server/src/protocol/lkmProtocol';

/** The kernel profile the server checks against, always visible in the status bar. */
export class KernelProfileStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('lkm.kernelProfile', vscode.StatusBarAlignment.Left, 10);
  private client: LanguageClient | undefined;

  constructor() {
    this.item.name = 'Kernel profile';
    this.item.command = 'lkm.showKernelProfile';
  }

  /** Follows a (re)started client: asks now, and again whenever the server says the profile changed. */
  attach(client: LanguageClient): vscode.Disposable {
    this.client = client;
    const subscription = client.onNotification(KernelProfileChangedNotification.method, () => {
      void this.refresh();
    });
    void this.refresh();
    return subscription;
  }

  async refresh(): Promise<void> {
    const client = this.client;
    if (client === undefined) return;
    try {
      const info = await client.sendRequest<KernelProfileInfo>(KernelProfileRequest.method);
      this.show(info);
    } catch {
      this.item.hide();
    }
  }

  /** The whole profile in a message: its files, release and counts, and what went wrong. */
  async describe(): Promise<void> {
    const client = this.client;
    if (client === undefined) return;
    const info = await client.sendRequest<KernelProfileInfo>(KernelProfileRequest.method);
    const files = info.files.map((f) => `${f.path} (${f.kind}, ${f.entries.toLocaleString('en-US')})`).join('; ');
    const detail = [files, ...info.problems].filter((line) => line !== '').join('\n');
    void vscode.window.showInformationMessage(info.description, { modal: true, detail });
  }

  private show(info: KernelProfileInfo): void {
    const release = info.release ?? 'unknown kernel';
    this.item.text = `$(circuit-board) ${release}`;
    this.item.tooltip = [
      info.description,
      ...info.files.map((f) => `${f.kind}: ${f.path}`),
      `${info.exports.toLocaleString('en-US')} exports (${info.gplOnly.toLocaleString('en-US')} GPL-only), ${info.symbols.toLocaleString('en-US')} symbols${info.addressesHidden ? ', addresses hidden' : ''}`,
      ...info.problems,
    ].join('\n');
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
