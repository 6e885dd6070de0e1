import * as vscode from 'vscode';
import type { LoadedModuleInfo } from '../../server/src/protocol/lkmProtocol';
import { moduleRow, type ModuleRow } from './moduleDescriptions';
import type { TargetStateModel } from './targetState';

export const MODULES_VIEW_ID = 'lkmModules';

/**
 * The "Kernel Modules" view: the target's /proc/modules, one row per module. The elements are the
 * modules themselves, so the inline unload/reload actions receive one (it has a `name`).
 */
export class KernelModulesView implements vscode.TreeDataProvider<LoadedModuleInfo>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<LoadedModuleInfo>;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly model: TargetStateModel) {
    this.view = vscode.window.createTreeView(MODULES_VIEW_ID, { treeDataProvider: this });
    this.disposables.push(
      this.view,
      model.onDidChange((state) => {
        this.view.description = state.target.label;
        this.changed.fire(undefined);
      }),
    );
  }

  getChildren(element?: LoadedModuleInfo): LoadedModuleInfo[] {
    return element === undefined ? [...(this.model.state?.modules ?? [])] : [];
  }

  getTreeItem(module: LoadedModuleInfo): vscode.TreeItem {
    const row = moduleRow(module);
    const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
    item.id = module.name;
    item.description = row.description;
    item.tooltip = row.tooltip;
    item.contextValue = row.contextValue;
    item.iconPath = new vscode.ThemeIcon(
      module.state !== 'Live' ? 'loading~spin' : module.permanent ? 'lock' : 'symbol-module',
      module.taint !== '' ? new vscode.ThemeColor('list.warningForeground') : undefined,
    );
    return item;
  }

  /** What the view shows, row by row (the test API reads it). */
  rows(): ModuleRow[] {
    return this.getChildren().map(moduleRow);
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
