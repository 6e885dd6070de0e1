import { strict as assert } from 'node:assert';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CompletionRequest,
  DefinitionRequest,
  DidOpenTextDocumentNotification,
  HoverRequest,
  WorkspaceSymbolRequest,
  type CompletionList,
  type Location,
  type MarkupContent,
} from 'vscode-languageserver-protocol';
import { KernelProfileRequest, type KernelProfileInfo } from '../../server/src/protocol/lkmProtocol';
import { FIXTURE_PROFILE, SYMBOL_CHECK_FIXTURES, readText } from '../support/fixtures';
import { LspTestClient } from '../support/lspTestClient';

const GPL_USER = path.join(SYMBOL_CHECK_FIXTURES, 'gpl/gpl_user.c');
const PROP_USER = path.join(SYMBOL_CHECK_FIXTURES, 'proprietary/prop_user.c');
const uriOf = (file: string): string => pathToFileURL(file).href;

/** The position of the first `needle` in the file, plus `extra` characters. */
function positionOf(text: string, needle: string, extra = 0): { line: number; character: number } {
  const offset = text.indexOf(needle) + extra;
  const before = text.slice(0, offset);
  return { line: before.split('\n').length - 1, character: offset - (before.lastIndexOf('\n') + 1) };
}

async function open(client: LspTestClient, file: string): Promise<string> {
  const text = readText(file);
  await client.connection.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri: uriOf(file), languageId: 'c', version: 1, text },
  });
  await client.diagnostics(uriOf(file));
  return text;
}

describe('kernel symbols over JSON-RPC (built dist/server.js)', () => {
  let client: LspTestClient;

  before(async () => {
    client = LspTestClient.start('stdio');
    const { capabilities } = await client.initialize();
    assert.equal(capabilities.hoverProvider, true);
    assert.equal(capabilities.definitionProvider, true);
    assert.equal(capabilities.workspaceSymbolProvider, true);
    assert.ok(capabilities.completionProvider);
  });

  after(() => client.kill());

  it('answers lkm/kernelProfile with the profile the settings name', async () => {
    const info = await client.connection.sendRequest<KernelProfileInfo>(KernelProfileRequest.method);
    assert.equal(info.origin, 'settings');
    assert.equal(info.release, '6.1.0-lkmtest');
    assert.equal(info.exports, 6);
    assert.deepEqual(
      info.files.map((f) => f.path).sort(),
      [FIXTURE_PROFILE.kallsyms, FIXTURE_PROFILE.moduleSymvers].sort(),
    );
    assert.deepEqual(info.problems, []);
  });

  it('publishes the symbol diagnostics in modpost words', async () => {
    await open(client, GPL_USER);
    const diagnostics = await client.diagnostics(uriOf(GPL_USER));
    const byCode = new Map(
      diagnostics.map((d) => [String(d.code), typeof d.message === 'string' ? d.message : d.message.value]),
    );
    assert.match(byCode.get('undefined-symbol') as string, /^"lkmtest_registr" \[gpl_user\.ko\] undefined! — /);
    assert.match(byCode.get('symbol-not-exported') as string, /^"lkmtest_internal" \[gpl_user\.ko\] undefined! — /);
    assert.match(
      byCode.get('missing-namespace-import') as string,
      /^module gpl_user uses symbol lkmtest_ns_call from namespace LKMTEST/,
    );
  });

  it('hover explains an exported symbol: exporter, macro, CRC, address, prototype, kernel-doc, profile', async () => {
    const text = await open(client, GPL_USER);
    const hover = await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: uriOf(GPL_USER) },
      position: positionOf(text, 'lkmtest_register();', 3),
    });
    const value = (hover!.contents as MarkupContent).value;
    assert.match(value, /^\*\*lkmtest_register\*\* — function exported by `vmlinux`/);
    assert.match(value, /`EXPORT_SYMBOL` · CRC `0x1a2b3c4d` · address `ffffffff81234560` · type `T`/);
    assert.match(value, /```c\nint lkmtest_register\(void\);\n```/);
    assert.match(value, /lkmtest_register\(\) - register with the test subsystem/);
    assert.match(value, /_From Linux 6\.1\.0-lkmtest \((kallsyms|system-map), module-symvers\)\._$/);
    const namespaced = await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: uriOf(GPL_USER) },
      position: positionOf(text, 'lkmtest_ns_call(1)', 2),
    });
    assert.match(
      (namespaced!.contents as MarkupContent).value,
      /exported by module `lkmtest_core`[\s\S]*`EXPORT_SYMBOL_NS_GPL` · namespace `LKMTEST`/,
    );
  });

  it('completes exported symbols, marking GPL-only ones and leaving them out of a proprietary module', async () => {
    const text = await open(client, GPL_USER);
    const at = positionOf(text, 'lkmtest_gpl_helper();', 'lkmtest_'.length);
    const list = (await client.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri: uriOf(GPL_USER) },
      position: at,
    })) as CompletionList;
    const labels = list.items.map((i) => i.label);
    assert.ok(labels.includes('lkmtest_gpl_helper') && labels.includes('lkmtest_register'), labels.join(' '));
    assert.match(list.items.find((i) => i.label === 'lkmtest_gpl_helper')!.labelDetails!.description!, /GPL-only/);

    const proprietary = await open(client, PROP_USER);
    const propList = (await client.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri: uriOf(PROP_USER) },
      position: positionOf(proprietary, 'lkmtest_gpl_helper();', 'lkmtest_'.length),
    })) as CompletionList;
    const propLabels = propList.items.map((i) => i.label);
    assert.ok(propLabels.includes('lkmtest_register'));
    assert.ok(!propLabels.includes('lkmtest_gpl_helper'), propLabels.join(' '));
  });

  it('goes to the declaration in the headers, and finds it by workspace symbol search', async () => {
    const text = await open(client, GPL_USER);
    const locations = (await client.connection.sendRequest(DefinitionRequest.type, {
      textDocument: { uri: uriOf(GPL_USER) },
      position: positionOf(text, 'lkmtest_register();', 2),
    })) as Location[];
    assert.equal(locations.length, 1);
    assert.match(locations[0]!.uri, /include\/linux\/lkmtest-api\.h$/);
    assert.equal(locations[0]!.range.start.line, 9);

    const symbols = await client.connection.sendRequest(WorkspaceSymbolRequest.type, { query: 'lkmtest_reg' });
    const found = (symbols ?? []).find((s) => s.name === 'lkmtest_register');
    assert.ok(found && 'range' in found.location, JSON.stringify(symbols));
    assert.match(found.location.uri, /lkmtest-api\.h$/);
  });

  it('a garbage snapshot in the settings gives a clear problem naming the file, and the server keeps serving', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'lkm-garbage-'));
    const garbage = path.join(folder, 'Module.symvers');
    writeFileSync(garbage, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0xff, 0xfe, 0x0a, 0x00]));
    const other = LspTestClient.start('stdio');
    try {
      other.settings = { ...other.settings, symbols: { moduleSymvers: garbage } };
      await other.initialize();
      const info = await other.connection.sendRequest<KernelProfileInfo>(KernelProfileRequest.method);
      assert.notEqual(info.origin, 'settings');
      assert.ok(
        info.problems.some((p) => p.includes(garbage)),
        JSON.stringify(info),
      );
      await open(other, GPL_USER);
    } finally {
      other.kill();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
