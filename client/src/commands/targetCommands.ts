import * as vscode from 'vscode';
import {
  FetchSymbolsRequest,
  SelectTargetRequest,
  type KernelProfileInfo,
  type TargetSpec,
  type TargetState,
} from '../../../server/src/protocol/lkmProtocol';
import { targetSpecArgument } from '../commandArguments';
import type { OperationRunner } from '../operations';
import type { ServerConnection } from '../serverConnection';
import { readSshConfigHosts } from '../sshConfigHosts';
import { formatTargetSetting, parseTargetSetting, SIMULATED_TARGET } from '../targetSetting';
import type { TargetStateModel } from '../targetState';
import { requireTrust } from '../workspaceTrust';
import { readSetting, writeWorkspaceSetting } from '../workspaceSettings';

/** `lkm.target.kernel`: `simulated` or `[user@]host[:port]` (see targetSetting.ts). */
export const TARGET_SETTING = 'target.kernel';

/**
 * Select Target and Fetch Symbols, and the setting that remembers the target per workspace: the
 * server is told on every start and whenever the setting changes.
 */
export class TargetCommands implements vscode.Disposable {
  /** The setting value the server last accepted, so our own write does not select twice. */
  private applied: string | undefined;
  /** The latest telling of the setting to the server (the test API's `ready` waits for the first). */
  private applying: Promise<void> = Promise.resolve();
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly server: ServerConnection,
    private readonly model: TargetStateModel,
    private readonly runner: OperationRunner,
  ) {
    this.disposables = [
      vscode.commands.registerCommand('lkm.selectTarget', (arg?: unknown) => this.selectTarget(arg)),
      vscode.commands.registerCommand('lkm.fetchSymbols', () => this.fetchSymbols()),
      server.onDidStart(() => {
        this.applying = this.applySetting(true);
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(`lkm.${TARGET_SETTING}`)) void this.applySetting(false);
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.applySetting(false)),
    ];
  }

  /** Settles when the server has been told the target of the last start or setting change. */
  settled(): Promise<void> {
    return this.applying;
  }

  async selectTarget(arg?: unknown): Promise<TargetState | undefined> {
    const spec = targetSpecArgument(arg) ?? (await pickTarget());
    if (spec === undefined) return undefined;
    const state = await this.connect(spec);
    if (state !== undefined) {
      this.applied = formatTargetSetting(spec);
      if (readSetting(TARGET_SETTING, SIMULATED_TARGET) !== this.applied) {
        await writeWorkspaceSetting(TARGET_SETTING, this.applied);
      }
    }
    return state;
  }

  private async connect(spec: TargetSpec): Promise<TargetState | undefined> {
    if (spec.kind === 'ssh' && !requireTrust(`Connecting to ${spec.host} over SSH`)) return undefined;
    const title =
      spec.kind === 'ssh' ? `Connecting to ${formatTargetSetting(spec)}` : 'Switching to the simulated kernel';
    const state = await this.runner.request({ title, slow: spec.kind === 'ssh' }, (token) =>
      this.server.request(SelectTargetRequest, spec, token),
    );
    if (state !== undefined) this.model.update(state);
    return state;
  }

  /** Tells the server the workspace's target; on start always (a new server starts on the simulator). */
  private async applySetting(onStart: boolean): Promise<void> {
    const value = readSetting(TARGET_SETTING, SIMULATED_TARGET);
    if (!onStart && value === this.applied) return;
    const spec = parseTargetSetting(value);
    if (typeof spec === 'string') {
      void vscode.window.showErrorMessage(`lkm.${TARGET_SETTING}: ${spec}`);
      return;
    }
    // An untrusted workspace's setting is ignored by the editor; an SSH host from the user's waits for trust.
    if (spec.kind === 'ssh' && !vscode.workspace.isTrusted) return;
    this.applied = value;
    const state = await this.connect(spec);
    if (state === undefined && spec.kind === 'ssh') {
      this.applied = undefined;
      const select = 'Select Target…';
      if ((await vscode.window.showWarningMessage(`Not connected to ${value}.`, select)) === select) {
        await vscode.commands.executeCommand('lkm.selectTarget');
      }
    }
  }

  async fetchSymbols(): Promise<KernelProfileInfo | undefined> {
    const target = (this.model.state ?? (await this.model.refresh()))?.target;
    if (target?.kind !== 'ssh') {
      const select = 'Select Target…';
      const choice = await vscode.window.showInformationMessage(
        'Fetch Symbols reads /proc/kallsyms and Module.symvers from an SSH target; the simulated kernel uses the kernel profile already.',
        select,
      );
      if (choice === select) await vscode.commands.executeCommand('lkm.selectTarget');
      return undefined;
    }
    if (!requireTrust('Fetching symbols over SSH')) return undefined;
    const profile = await this.runner.request({ title: `Fetching symbols from ${target.label}`, slow: true }, (token) =>
      this.server.request(FetchSymbolsRequest, undefined, token),
    );
    if (profile !== undefined) {
      const problems = profile.problems.length > 0 ? ` (${profile.problems.join('; ')})` : '';
      void vscode.window.showInformationMessage(`Kernel profile: ${profile.description}${problems}`);
    }
    return profile;
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}

type TargetItem = vscode.QuickPickItem & { readonly spec?: TargetSpec; readonly typeIn?: true };

/** The simulated kernel, the hosts of ~/.ssh/config, or a host typed in. */
async function pickTarget(): Promise<TargetSpec | undefined> {
  const hosts = await readSshConfigHosts();
  const items: TargetItem[] = [
    {
      label: '$(vm) Simulated Linux 6.1 kernel',
      description: SIMULATED_TARGET,
      detail: 'Safe: nothing runs on a real machine',
      spec: { kind: 'simulated' },
    },
    { label: 'SSH', kind: vscode.QuickPickItemKind.Separator },
    ...hosts.map((host): TargetItem => ({
      label: `$(remote) ${host}`,
      description: '~/.ssh/config',
      spec: { kind: 'ssh', host },
    })),
    { label: '$(edit) Enter an SSH host…', description: 'user@host:port', typeIn: true },
  ];
  const choice = await vscode.window.showQuickPick(items, { title: 'Select Target: the kernel to load modules into' });
  if (choice === undefined) return undefined;
  if (choice.spec !== undefined) return choice.spec;
  const typed = await vscode.window.showInputBox({
    title: 'SSH target',
    prompt: 'A host from ~/.ssh/config, or user@host:port (keys and agents as ssh itself uses them)',
    placeHolder: 'root@192.168.122.10:22',
    validateInput: (text) => {
      const spec = parseTargetSetting(text);
      return typeof spec === 'string' ? spec : undefined;
    },
  });
  if (typed === undefined) return undefined;
  const spec = parseTargetSetting(typed);
  return typeof spec === 'string' ? undefined : spec;
}
