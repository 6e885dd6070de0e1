import * as vscode from 'vscode';

/** The first workspace folder: the scope of the resource-scoped `lkm.*` settings. */
export function settingsScope(): vscode.Uri | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

export function readSetting<T>(key: string, fallback: T): T {
  return vscode.workspace.getConfiguration('lkm', settingsScope()).get<T>(key, fallback);
}

/** Writes `lkm.<key>` in the workspace's settings; with no workspace open, in the user's. */
export async function writeWorkspaceSetting(key: string, value: unknown): Promise<void> {
  const target =
    vscode.workspace.workspaceFolders === undefined
      ? vscode.ConfigurationTarget.Global
      : vscode.ConfigurationTarget.Workspace;
  await vscode.workspace.getConfiguration('lkm', settingsScope()).update(key, value, target);
}
