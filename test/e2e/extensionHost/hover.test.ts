// Hovering a symbol a module uses tells who exports it and how (the kernel profile, or a module of
// the workspace).
import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { activatedExtension, openSample, positionOf, waitFor } from './helpers';

async function hoverText(document: vscode.TextDocument, position: vscode.Position): Promise<string> {
  return waitFor(
    `a hover at ${document.uri.fsPath}:${position.line + 1}:${position.character + 1}`,
    async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        document.uri,
        position,
      );
      const text = hovers
        .flatMap((hover) => hover.contents)
        .map((content) => (typeof content === 'string' ? content : content.value))
        .join('\n');
      return text.includes('exported by') ? text : undefined;
    },
    120_000,
  );
}

describe('hover in the editor (samples/)', () => {
  before(async () => {
    await activatedExtension();
  });

  it('a kernel export: exporter, GPL-only macro and the profile it comes from', async () => {
    const document = await openSample('broken/gpl-only-symbol/propgpl.c');
    const text = await hoverText(document, positionOf(document, 'debugfs_create_dir(', 3));
    assert.match(text, /^\*\*debugfs_create_dir\*\* — function exported by `vmlinux`/);
    assert.match(text, /`EXPORT_SYMBOL_GPL`/);
    assert.match(text, /_From Linux 6\.1\.0-56-amd64/);
  });

  it("an export of another module of the workspace: consumer's prov_add comes from provider", async () => {
    const document = await openSample('consumer/consumer.c');
    const text = await hoverText(document, positionOf(document, 'prov_add(2, 3)', 2));
    assert.match(text, /^\*\*prov_add\*\* — \w+ exported by module `provider` of this workspace/);
    assert.match(text, /`EXPORT_SYMBOL`/);
  });
});
