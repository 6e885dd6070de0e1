// What the extension-host tests share: the samples folder, opening a file, waiting on a condition.
import * as path from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'lkm-workbench.lkm-workbench';

/** The folder the run opened: the repository's samples/. */
export function samplesFolder(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder === undefined) throw new Error('the run opened no folder (it should open samples/)');
  return folder.uri.fsPath;
}

export function sampleUri(relative: string): vscode.Uri {
  return vscode.Uri.file(path.join(samplesFolder(), relative));
}

export async function openSample(relative: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(sampleUri(relative));
  await vscode.window.showTextDocument(document, { preview: false });
  return document;
}

/** The extension, activated (its activate() has returned). */
export async function activatedExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (extension === undefined) throw new Error(`${EXTENSION_ID} is not installed in this editor`);
  await extension.activate();
  return extension;
}

/**
 * Polls PROBE until it returns something other than undefined, or fails after TIMEOUT ms with
 * what it last saw. The first analysis can take a minute on a busy machine: waits are generous.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeout = 90_000,
  lastSeen: () => string = () => '',
): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}${lastSeen()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export function messageOf(diagnostic: vscode.Diagnostic): string {
  return diagnostic.message;
}

export function codeOf(diagnostic: vscode.Diagnostic): string {
  const code = diagnostic.code;
  return typeof code === 'object' ? String(code.value) : String(code);
}

/** The position of the first occurrence of NEEDLE in DOCUMENT, plus OFFSET characters. */
export function positionOf(document: vscode.TextDocument, needle: string, offset = 0): vscode.Position {
  const at = document.getText().indexOf(needle);
  if (at < 0) throw new Error(`${needle} is not in ${document.uri.fsPath}`);
  return document.positionAt(at + offset);
}
