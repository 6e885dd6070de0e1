import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidOpenTextDocumentNotification } from 'vscode-languageserver-protocol';
import { REPOSITORY_ROOT, SAMPLE_FILES, readText } from '../support/fixtures';
import { LspTestClient } from '../support/lspTestClient';

const VSIX = path.join(REPOSITORY_ROOT, 'lkm-workbench.vsix');

/** The packaged extension must work from the .vsix alone, with no node_modules beside it. */
describe('the packaged .vsix', () => {
  let unpacked: string;
  let extension: string;

  before(function () {
    assert.ok(existsSync(VSIX), 'lkm-workbench.vsix is missing: run npm run package first');
    unpacked = mkdtempSync(path.join(tmpdir(), 'lkm-vsix-'));
    execFileSync('python3', ['-m', 'zipfile', '-e', VSIX, unpacked]);
    extension = path.join(unpacked, 'extension');
  });
  after(() => rmSync(unpacked, { recursive: true, force: true }));

  it('holds the bundles and the grammar files, and no node_modules or sources', () => {
    const files = readdirSync(extension, { recursive: true }).map(String).sort();
    for (const needed of [
      'package.json',
      'dist/extension.js',
      'dist/server.js',
      'dist/grammars/tree-sitter-c.wasm',
      'dist/grammars/tree-sitter.wasm',
      'dist/grammars/queries/module-macros.scm',
    ]) {
      assert.ok(files.includes(needed), `${needed} is missing from the .vsix`);
    }
    assert.deepEqual(
      files.filter((f) => f.startsWith('node_modules') || f.endsWith('.ts') || f.endsWith('.map')),
      [],
    );
  });

  it('runs its language server from the unpacked folder', async () => {
    const client = LspTestClient.start('stdio', path.join(extension, 'dist/server.js'));
    try {
      await client.initialize();
      const uri = pathToFileURL(SAMPLE_FILES.missingLicense).href;
      await client.connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId: 'c', version: 1, text: readText(SAMPLE_FILES.missingLicense) },
      });
      const diagnostics = await client.diagnostics(uri);
      assert.deepEqual(
        diagnostics.map((d) => d.code),
        ['missing-license'],
      );
    } finally {
      client.kill();
    }
  });

  it('runs its CLI from the unpacked folder', () => {
    const result = spawnSync(process.execPath, [path.join(extension, 'dist/lkm.js'), 'check', SAMPLE_FILES.hello], {
      cwd: unpacked,
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
  });
});
