import * as vscode from 'vscode';
import { targetStatusText } from './moduleDescriptions';
import type { TargetStateModel } from './targetState';

/** The target, its release and its taint, always visible; a click selects another target. */
export class TargetStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('lkm.target', vscode.StatusBarAlignment.Left, 9);
  private readonly subscription: vscode.Disposable;

  constructor(model: TargetStateModel) {
    this.item.name = 'Kernel target';
    this.item.command = 'lkm.selectTarget';
    this.item.text = '$(server-process) kernel target…';
    this.item.tooltip = 'Waiting for the language server; click to select a target';
    this.item.show();
    this.subscription = model.onDidChange((state) => {
      const { text, tooltip } = targetStatusText(state.target);
      const tainted = state.target.tainted !== 0;
      this.item.text = `$(${tainted ? 'warning' : 'server-process'}) ${text}`;
      this.item.tooltip = tooltip;
      this.item.backgroundColor = tainted ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    });
  }

  text(): string {
    return this.item.text;
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
