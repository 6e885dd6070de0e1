import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  ModuleCandidatesRequest,
  type LoadedModuleInfo,
  type ModuleCandidate,
} from '../../server/src/protocol/lkmProtocol';
import { moduleRow } from './moduleDescriptions';
import { errorMessage, type ServerConnection } from './serverConnection';
import type { TargetStateModel } from './targetState';

/** A workspace path as the user knows it: relative to its folder. */
function shortPath(file: string): string {
  return vscode.workspace.asRelativePath(file, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
}

/** Chooses one of the workspace's modules (built .ko files and source folders). */
export async function pickModuleCandidate(
  server: ServerConnection,
  title: string,
  accept: (candidate: ModuleCandidate) => boolean = () => true,
): Promise<ModuleCandidate | undefined> {
  type Item = vscode.QuickPickItem & { readonly candidate: ModuleCandidate };
  // Shown at once, busy: the first listing analyses every module of the workspace, which takes a while.
  const pick = vscode.window.createQuickPick<Item>();
  pick.title = title;
  pick.placeholder = "Reading the workspace's modules…";
  pick.busy = true;
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  const chosen = new Promise<ModuleCandidate | undefined>((resolve) => {
    pick.onDidAccept(() => resolve(pick.selectedItems[0]?.candidate));
    pick.onDidHide(() => resolve(undefined));
  });
  pick.show();
  try {
    const candidates = (await server.request(ModuleCandidatesRequest, undefined)).filter(accept);
    if (candidates.length === 0) {
      pick.hide();
      void vscode.window.showInformationMessage(
        'The workspace has no kernel module to choose: no built .ko, and no folder with a Kbuild or a Makefile with obj-m.',
      );
      return undefined;
    }
    pick.items = candidates.map((candidate) => ({ ...candidateItem(candidate), candidate }));
    pick.placeholder = 'A built .ko, or a source folder (loaded as the .ko kbuild would make)';
    pick.busy = false;
    return await chosen;
  } catch (error) {
    pick.hide();
    void vscode.window.showErrorMessage(`Cannot list the workspace's modules: ${errorMessage(error)}`);
    return undefined;
  } finally {
    pick.dispose();
  }
}

function candidateItem(candidate: ModuleCandidate): vscode.QuickPickItem {
  return {
    label: candidate.name,
    description: `${candidate.kind === 'ko' ? '$(file-binary) .ko' : '$(folder) source'} · ${shortPath(candidate.path)}`,
    detail: [
      candidate.description,
      candidate.license === undefined ? undefined : `licence ${candidate.license}`,
      candidate.parameters.length > 0 ? `parameters: ${candidate.parameters.map((p) => p.name).join(', ')}` : undefined,
      candidate.depends.length > 0 ? `needs ${candidate.depends.join(', ')}` : undefined,
    ]
      .filter((part) => part !== undefined)
      .join(' · '),
  };
}

/** Chooses one of the modules loaded into the target. */
export async function pickLoadedModule(model: TargetStateModel, title: string): Promise<LoadedModuleInfo | undefined> {
  const modules = (model.state ?? (await model.refresh()))?.modules ?? [];
  if (modules.length === 0) {
    void vscode.window.showInformationMessage('No module is loaded into the target.');
    return undefined;
  }
  const items = modules.map((module) => ({ label: module.name, description: moduleRow(module).description, module }));
  return (await vscode.window.showQuickPick(items, { title, matchOnDescription: true }))?.module;
}

/** The module's name as insmod would name it, for messages about a path given as an argument. */
export function moduleNameOfPath(file: string): string {
  return path.basename(file).replace(/\.ko$/, '');
}
