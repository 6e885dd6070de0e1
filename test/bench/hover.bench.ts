/**
 * Prints how long hover, completion and go-to-definition take over the kernel profile; asserts
 * nothing. The library path (what the server does after its cached analysis) and the whole JSON-RPC
 * round trip to the built server are both measured. Run: npm run bench:hover
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CompletionRequest,
  DidOpenTextDocumentNotification,
  HoverRequest,
  type Position,
} from 'vscode-languageserver-protocol';
import { ModuleWorkspace } from '../../server/src/kernel/analysis/moduleWorkspace';
import { targetProfile } from '../../server/src/kernel/analysis/targetProfile';
import { HeaderIndex } from '../../server/src/kernel/headers/headerIndex';
import { locateKernelHeaders } from '../../server/src/kernel/headers/kernelHeaders';
import { CParser } from '../../server/src/kernel/parsing/cParser';
import { SymbolFeatures } from '../../server/src/lsp/symbolFeatures';
import { SAMPLE_FILES, readText } from '../support/fixtures';
import { LspTestClient } from '../support/lspTestClient';

const ms = (value: number): string => `${value.toFixed(3)} ms`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timeEach(runs: number, action: () => unknown): Promise<{ median: number; max: number }> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await action();
    samples.push(performance.now() - start);
  }
  return { median: median(samples), max: Math.max(...samples) };
}

function positionOf(text: string, needle: string): Position {
  const offset = text.indexOf(needle) + 1;
  const before = text.slice(0, offset);
  return { line: before.split('\n').length - 1, character: offset - (before.lastIndexOf('\n') + 1) };
}

async function main(): Promise<void> {
  const file = SAMPLE_FILES.chardev;
  const text = readText(file);
  const parser = await CParser.load();
  const found = locateKernelHeaders();
  const headers = found ? new HeaderIndex(parser, found) : undefined;
  const resolved = targetProfile(found ? { headers: found } : {});
  console.log(`headers: ${found?.root ?? 'none'}`);
  console.log(`profile: ${resolved.description}`);
  const workspace = new ModuleWorkspace(parser, { ...(headers ? { headers } : {}), profile: resolved.profile });
  const analysisStart = performance.now();
  const analysis = await workspace.analyze(file);
  console.log(`first analysis of ${file.split('/').slice(-2).join('/')}: ${ms(performance.now() - analysisStart)}`);

  const features = new SymbolFeatures();
  const document = TextDocument.create(pathToFileURL(file).href, 'c', 1, text);
  const names = ['register_chrdev', 'class_create', 'device_create', 'copy_to_user', 'pr_info'].filter((n) =>
    text.includes(n),
  );
  for (const name of names) {
    const at = positionOf(text, name);
    const hover = await timeEach(200, () => features.hover(document, at, analysis));
    console.log(`hover ${name} (library, cached analysis): median ${ms(hover.median)}, max ${ms(hover.max)}`);
  }
  const completionAt = positionOf(text, 'register_chrdev');
  const completion = await timeEach(50, () =>
    features.completion(document, { line: completionAt.line, character: completionAt.character + 3 }, analysis),
  );
  console.log(`completion "reg…" (library): median ${ms(completion.median)}, max ${ms(completion.max)}`);
  const definition = await timeEach(200, () => features.definition(document, completionAt, analysis));
  console.log(`definition (library): median ${ms(definition.median)}, max ${ms(definition.max)}`);

  // The whole round trip: the built server over stdio, with the machine's headers and their kernel's profile.
  const client = LspTestClient.start('stdio');
  client.settings = found ? { kernelHeaders: found.root } : {};
  await client.initialize();
  const uri = pathToFileURL(file).href;
  await client.connection.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'c', version: 1, text },
  });
  await client.diagnostics(uri, () => true, 0, 120_000);
  for (const name of names.slice(0, 2)) {
    const at = positionOf(text, name);
    const hover = await timeEach(100, () =>
      client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: at }),
    );
    console.log(`hover ${name} (JSON-RPC round trip): median ${ms(hover.median)}, max ${ms(hover.max)}`);
  }
  const rpcCompletion = await timeEach(30, () =>
    client.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri },
      position: { line: completionAt.line, character: completionAt.character + 3 },
    }),
  );
  console.log(`completion (JSON-RPC round trip): median ${ms(rpcCompletion.median)}, max ${ms(rpcCompletion.max)}`);
  client.kill();
}

void main();
