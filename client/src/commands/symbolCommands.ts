import * as vscode from 'vscode';
import { snapshotArguments, type SnapshotArguments } from '../commandArguments';
import { writeWorkspaceSetting } from '../workspaceSettings';

/**
 * Use Symbol Snapshot: points the existing settings lkm.symbols.kallsyms / lkm.symbols.moduleSymvers
 * at files copied from the target; the server rebuilds the kernel profile when they change.
 * Returns what was written.
 */
export function registerSymbolCommands(): vscode.Disposable[] {
  return [vscode.commands.registerCommand('lkm.useSymbolSnapshot', useSymbolSnapshot)];
}

async function useSymbolSnapshot(arg?: unknown): Promise<SnapshotArguments | undefined> {
  const chosen = snapshotArguments(arg) ?? (await pickSnapshot());
  if (chosen === undefined) return undefined;
  if (chosen.kallsyms !== undefined) await writeWorkspaceSetting('symbols.kallsyms', chosen.kallsyms);
  if (chosen.symvers !== undefined) await writeWorkspaceSetting('symbols.moduleSymvers', chosen.symvers);
  return chosen;
}

async function pickSnapshot(): Promise<SnapshotArguments | undefined> {
  const kallsyms = await vscode.window.showOpenDialog({
    title: "The target's symbols: a copy of its /proc/kallsyms (read as root) or its System.map",
    openLabel: 'Use These Symbols',
    canSelectMany: false,
  });
  const kallsymsFile = kallsyms?.[0];
  if (kallsymsFile === undefined) return undefined;
  const choose = 'Choose Module.symvers…';
  const skip = 'No Module.symvers';
  const next = await vscode.window.showInformationMessage(
    "Also use the target's Module.symvers? It names every export with its CRC, GPL flag and namespace.",
    choose,
    skip,
  );
  if (next === undefined) return undefined;
  if (next === skip) return { kallsyms: kallsymsFile.fsPath };
  const symvers = await vscode.window.showOpenDialog({
    title: "The target's Module.symvers",
    openLabel: 'Use This Module.symvers',
    canSelectMany: false,
    filters: { 'Module.symvers': ['symvers'], 'All files': ['*'] },
  });
  const symversFile = symvers?.[0];
  if (symversFile === undefined) return undefined;
  return { kallsyms: kallsymsFile.fsPath, symvers: symversFile.fsPath };
}
