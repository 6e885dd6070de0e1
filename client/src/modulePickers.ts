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
  let candidates: ModuleCandidate[];
  try {
    candidates = (await server.request(ModuleCandidatesRequest, undefined)).filter(accept);
  } catch (error) {
    void vscode.window.showErrorMessage(`Cannot list the workspace's modules: ${errorMessage(error)}`);
    return undefined;
  }
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(
      'The workspace has no kernel module to choose: no built .ko, and no folder with a Kbuild or a Makefile with obj-m.',
    );
    return undefined;
  }
  const items = candidates.map((candidate) => ({
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
    candidate,
  }));
  const choice = await vscode.window.showQuickPick(items, { title, matchOnDescription: true, matchOnDetail: true });
  return choice?.candidate;
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
