import * as vscode from 'vscode';

/**
 * Builds run the workspace's Makefiles and SSH runs whatever the workspace's settings name, so
 * neither runs in an untrusted workspace (package.json declares `limited` support).
 */
export function requireTrust(action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window
    .showWarningMessage(
      `${action} needs a trusted workspace: it runs code the workspace names.`,
      'Manage Workspace Trust',
    )
    .then((choice) => {
      if (choice !== undefined) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  return false;
}
