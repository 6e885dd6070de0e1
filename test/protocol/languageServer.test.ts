import { strict as assert } from 'node:assert';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  DiagnosticSeverity,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  TextDocumentSyncKind,
  type CodeAction,
  type Diagnostic,
  type TextEdit,
} from 'vscode-languageserver-protocol';
import { SAMPLE_FILES, TWO_FILE_MODULE, WIDGET_MODULE, readText } from '../support/fixtures';
import { LspTestClient } from '../support/lspTestClient';

const uriOf = (file: string): string => pathToFileURL(file).href;

function open(client: LspTestClient, uri: string, text: string, version = 1): Promise<void> {
  return client.connection.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'c', version, text },
  });
}

function change(client: LspTestClient, uri: string, version: number, edits: TextEdit[]): Promise<void> {
  return client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version },
    contentChanges: edits.map((edit) => ({ range: edit.range, text: edit.newText })),
  });
}

const codes = (diagnostics: Diagnostic[]): string[] => diagnostics.map((d) => String(d.code));

describe('language server over stdio (built dist/server.js)', () => {
  let client: LspTestClient;

  before(async () => {
    client = LspTestClient.start('stdio');
    const { capabilities, serverInfo } = await client.initialize();
    assert.equal(serverInfo?.name, 'lkm-language-server');
    assert.deepEqual(capabilities.textDocumentSync, { openClose: true, change: TextDocumentSyncKind.Incremental });
    assert.deepEqual(capabilities.codeActionProvider, { codeActionKinds: ['quickfix'] });
  });

  after(() => client.kill());

  it('publishes missing-license after didOpen of a module without a licence', async () => {
    const uri = uriOf(SAMPLE_FILES.missingLicense);
    await open(client, uri, readText(SAMPLE_FILES.missingLicense));
    const [diagnostic, ...rest] = await client.diagnostics(uri);
    assert.equal(rest.length, 0);
    assert.equal(diagnostic!.code, 'missing-license');
    assert.equal(diagnostic!.source, 'lkm');
    assert.equal(diagnostic!.severity, DiagnosticSeverity.Error);
    assert.equal(typeof diagnostic!.message, 'string');
    assert.match(diagnostic!.message as string, /^missing MODULE_LICENSE\(\) in nolicense\.o — /);
    assert.deepEqual(diagnostic!.range, { start: { line: 18, character: 0 }, end: { line: 18, character: 11 } });
  });

  it('publishes again after incremental edits that remove the licence and put it back', async () => {
    const uri = uriOf(SAMPLE_FILES.hello);
    const text = readText(SAMPLE_FILES.hello);
    await open(client, uri, text);
    assert.deepEqual(await client.diagnostics(uri), []);

    const line = text.split('\n').findIndex((l) => l.startsWith('MODULE_LICENSE'));
    const licenceLine = { start: { line, character: 0 }, end: { line: line + 1, character: 0 } };
    let since = client.publishedCount;
    await change(client, uri, 2, [{ range: licenceLine, newText: '' }]);
    const removed = await client.diagnostics(uri, (_, p) => p.version === 2, since);
    assert.deepEqual(codes(removed), ['missing-license']);

    since = client.publishedCount;
    const at = { line, character: 0 };
    await change(client, uri, 3, [{ range: { start: at, end: at }, newText: 'MODULE_LICENSE("GPL");\n' }]);
    assert.deepEqual(await client.diagnostics(uri, (_, p) => p.version === 3, since), []);
  });

  it('offers the quick fix, and applying it clears the error', async () => {
    const uri = 'untitled:quickfix.c';
    await open(client, uri, readText(SAMPLE_FILES.missingLicense));
    const diagnostics = await client.diagnostics(uri, (d) => d.length > 0);
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: diagnostics[0]!.range,
      context: { diagnostics, only: ['quickfix'] },
    })) as CodeAction[];
    assert.equal(actions.length, 1);
    const [action] = actions;
    assert.equal(action!.title, 'Add MODULE_LICENSE("GPL");');
    assert.equal(action!.kind, 'quickfix');
    assert.equal(action!.isPreferred, true);
    assert.equal(action!.diagnostics?.[0]?.code, 'missing-license');
    const edits = action!.edit!.changes![uri]!;
    assert.deepEqual(
      edits.map((e) => e.newText),
      ['\nMODULE_LICENSE("GPL");'],
    );

    const since = client.publishedCount;
    await change(client, uri, 2, edits);
    assert.deepEqual(await client.diagnostics(uri, (_, p) => p.version === 2, since), []);
  });

  it("still offers its fix when another tool's diagnostic shares the line", async () => {
    const uri = 'untitled:foreign.c';
    await open(client, uri, readText(SAMPLE_FILES.missingLicense));
    const [ours] = await client.diagnostics(uri, (d) => d.length > 0);
    const foreign: Diagnostic = { range: ours!.range, message: 'unknown type name', source: 'clangd', code: 'x' };
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: ours!.range,
      context: { diagnostics: [foreign] },
    })) as CodeAction[];
    assert.deepEqual(
      actions.map((a) => a.title),
      ['Add MODULE_LICENSE("GPL");'],
    );
  });

  it('clears diagnostics when a document closes', async () => {
    const uri = uriOf(SAMPLE_FILES.missingLicense);
    const since = client.publishedCount;
    await client.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    assert.deepEqual(await client.diagnostics(uri, () => true, since), []);
  });
});

/** Completes a one-line module, so that only the licence is missing. */
const EXIT_AND_DESCRIPTION = 'module_exit(y);\nMODULE_DESCRIPTION("d");\n';

describe('language server on a module of several files', () => {
  let client: LspTestClient;
  before(async () => {
    client = LspTestClient.start('stdio');
    await client.initialize();
  });
  after(() => client.kill());

  it('reads the module from its Kbuild: a helper file needs no licence of its own', async () => {
    const helper = uriOf(TWO_FILE_MODULE.helper);
    await open(client, helper, readText(TWO_FILE_MODULE.helper));
    assert.deepEqual(await client.diagnostics(helper), []);
  });

  it('reports in the file that lacks the licence, and updates the other open file of the module', async () => {
    const main = uriOf(TWO_FILE_MODULE.main);
    const text = readText(TWO_FILE_MODULE.main).replace('MODULE_LICENSE("GPL");\n', '');
    const since = client.publishedCount;
    await open(client, main, text);
    assert.deepEqual(codes(await client.diagnostics(main, () => true, since)), ['missing-license']);
    assert.deepEqual(await client.diagnostics(uriOf(TWO_FILE_MODULE.helper), () => true, since), []);
  });
});

describe('language server under bad input', () => {
  let client: LspTestClient;
  before(async () => {
    client = LspTestClient.start('stdio');
    await client.initialize();
  });
  after(() => client.kill());

  const cases: [string, string, string[]][] = [
    ['empty.c', '', []],
    ['binary.c', '\u007fELF\u0002\u0001\u0001\u0000\u0000module_init(x);', ['not-c-source']],
    ['lone-surrogates.c', `module_init(x);\n/* \ud800 \udfff */\n${EXIT_AND_DESCRIPTION}`, ['missing-license']],
    [
      'broken.c',
      `static int }{ (( "unterminated\nmodule_init(foo);\n${EXIT_AND_DESCRIPTION}#if\nmodule_exit(`,
      ['missing-license'],
    ],
    [
      'deep.c',
      `int x = ${'('.repeat(20000)}1${')'.repeat(20000)};\nmodule_init(x);\n${EXIT_AND_DESCRIPTION}`,
      ['missing-license'],
    ],
    ['huge.c', `${'int a;\n'.repeat(1_500_000)}module_init(x);\n`, ['file-too-large']],
  ];
  for (const [name, text, expected] of cases) {
    it(`answers ${name} with ${expected.length === 0 ? 'no diagnostics' : expected.join(', ')}`, async () => {
      const uri = `untitled:${name}`;
      await open(client, uri, text);
      assert.deepEqual(codes(await client.diagnostics(uri)), expected);
    });
  }

  it('is still alive afterwards, and shuts down and exits with status 0', async () => {
    const uri = 'untitled:after.c';
    await open(client, uri, readText(SAMPLE_FILES.missingLicense));
    assert.deepEqual(codes(await client.diagnostics(uri)), ['missing-license']);
    assert.equal(await client.stop(), 0);
    assert.doesNotMatch(client.stderr, /uncaught|unhandled/);
  });
});

describe('language server settings and transports', () => {
  it('accepts null initializationOptions', async () => {
    const client = LspTestClient.start('stdio');
    try {
      await client.initialize(true, null);
      const uri = 'untitled:null-options.c';
      await open(client, uri, readText(SAMPLE_FILES.missingLicense));
      assert.deepEqual(codes(await client.diagnostics(uri)), ['missing-license']);
    } finally {
      client.kill();
    }
  });

  it('honours lkm.maxFileSize from workspace/configuration', async () => {
    const client = LspTestClient.start('stdio');
    try {
      client.settings = { ...client.settings, maxFileSize: 0.0001 };
      await client.initialize();
      const uri = 'untitled:settings.c';
      await open(client, uri, readText(SAMPLE_FILES.hello));
      assert.deepEqual(codes(await client.diagnostics(uri, (d) => d.length > 0)), ['file-too-large']);
    } finally {
      client.kill();
    }
  });

  it('reads the kernel headers that lkm.kernelHeaders names: wrappers and types they define', async () => {
    const client = LspTestClient.start('stdio');
    try {
      await client.initialize();
      const uri = uriOf(WIDGET_MODULE);
      await open(client, uri, readText(WIDGET_MODULE));
      assert.deepEqual(codes(await client.diagnostics(uri)), ['missing-license']);
    } finally {
      client.kill();
    }
  });

  it('speaks LSP over node IPC too', async () => {
    const client = LspTestClient.start('ipc');
    try {
      await client.initialize(false);
      const uri = uriOf(SAMPLE_FILES.missingLicense);
      await open(client, uri, readText(SAMPLE_FILES.missingLicense));
      assert.deepEqual(codes(await client.diagnostics(uri)), ['missing-license']);
      assert.equal(await client.stop(), 0);
    } finally {
      client.kill();
    }
  });
});
