import * as vscode from 'vscode';
import {
  TargetStateChangedNotification,
  TargetStateRequest,
  type TargetState,
} from '../../server/src/protocol/lkmProtocol';
import type { ServerConnection } from './serverConnection';

/**
 * The last known state of the target (its info and /proc/modules), shared by the view, the status
 * bar and the commands. The server pushes it after every operation; remote targets change behind
 * our back, so Refresh asks again.
 */
export class TargetStateModel implements vscode.Disposable {
  private current: TargetState | undefined;
  private readonly changed = new vscode.EventEmitter<TargetState>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly server: ServerConnection) {
    this.disposables.push(
      server.onNotification(TargetStateChangedNotification, (state) => this.update(state)),
      server.onDidStart(() => void this.refresh()),
    );
  }

  get state(): TargetState | undefined {
    return this.current;
  }

  update(state: TargetState): void {
    this.current = state;
    // Menus (Reset Simulated Kernel) and the view's welcome text depend on these.
    void vscode.commands.executeCommand('setContext', 'lkm.targetKind', state.target.kind);
    void vscode.commands.executeCommand('setContext', 'lkm.modulesLoaded', state.modules.length > 0);
    this.changed.fire(state);
  }

  /** Asks the server; a server that cannot answer leaves the last state as it was. */
  async refresh(token?: vscode.CancellationToken): Promise<TargetState | undefined> {
    try {
      const state = await this.server.request(TargetStateRequest, undefined, token);
      this.update(state);
      return state;
    } catch {
      return undefined;
    }
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
