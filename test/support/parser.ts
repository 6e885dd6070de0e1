import { CParser } from '../../server/src/kernel/parsing/cParser';
import { ParsedSource } from '../../server/src/kernel/parsing/parsedSource';
import { extractFacts, type SourceFacts } from '../../server/src/kernel/model/sourceFacts';
import { loneFileModule, type KernelModule } from '../../server/src/kernel/model/kernelModule';
import { LineIndex } from '../../server/src/kernel/text/lineIndex';

let shared: Promise<CParser> | undefined;

/** One parser for the whole test run, as in the server: loading the wasm once is the realistic case. */
export function sharedParser(): Promise<CParser> {
  shared ??= CParser.load();
  return shared;
}

export async function factsOf(text: string): Promise<SourceFacts> {
  const parser = await sharedParser();
  const parsed = ParsedSource.parse(parser, text);
  try {
    return extractFacts(parser, parsed);
  } finally {
    parsed.dispose();
  }
}

export async function moduleOf(text: string, filePath = '/work/demo/demo.c'): Promise<KernelModule> {
  return loneFileModule({ path: filePath, text, lines: new LineIndex(text), facts: await factsOf(text) });
}
