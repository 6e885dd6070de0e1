/**
 * Analyses one Kbuild module from exactly the sources given, as ModuleWorkspace does for the editor
 * (parse, facts, `#include "x.c"` followed, buildModule, checkModule), with in-memory edits for
 * seeded defects. Every exception and wasm fault is caught and reported, file by file.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { readFromDisk } from '../../server/src/kernel/analysis/moduleWorkspace';
import { DEFAULT_INPUT_LIMITS, inspectSourceText } from '../../server/src/kernel/analysis/sourceInput';
import { checkModule, type CheckContext } from '../../server/src/kernel/checks/moduleChecks';
import type { ModuleDiagnostic } from '../../server/src/kernel/checks/moduleDiagnostic';
import { buildModule, type KernelModule, type ModuleSource } from '../../server/src/kernel/model/kernelModule';
import { extractFacts, type SourceFacts } from '../../server/src/kernel/model/sourceFacts';
import { isWasmFault, type CParser } from '../../server/src/kernel/parsing/cParser';
import { ParsedSource } from '../../server/src/kernel/parsing/parsedSource';
import { LineIndex } from '../../server/src/kernel/text/lineIndex';
import type { AnalyzeReply, AnalyzeTask, FoundDiagnostic, ModuleFacts, SourceEdit, TaskFailure } from './protocol';
import { findSeedCandidates } from './seedCandidates';

/** ModuleWorkspace follows at most this many files per module through `#include "x.c"`. */
const MAX_MODULE_FILES = 64;

export async function analyzeModule(parser: CParser, context: CheckContext, task: AnalyzeTask): Promise<AnalyzeReply> {
  const started = performance.now();
  const failures: TaskFailure[] = [];
  const skippedFiles: string[] = [];
  const sources: ModuleSource[] = [];
  const tried = new Set<string>();
  const load = async (file: string): Promise<void> => {
    tried.add(file);
    const text = await readFromDisk(file);
    if (text === undefined || inspectSourceText(text, DEFAULT_INPUT_LIMITS) !== undefined) {
      skippedFiles.push(file);
      return;
    }
    const edited = applyEdits(text, task.edits, file);
    const facts = await factsWithRecovery(parser, edited, file, failures);
    if (facts !== undefined) sources.push({ path: file, text: edited, lines: new LineIndex(edited), facts });
  };
  for (const file of task.sources) if (!tried.has(file)) await load(file);
  const members = sources.length;
  // `#include "other.c"` makes the other file part of the module, as in ModuleWorkspace.
  for (let i = 0; i < sources.length && sources.length < MAX_MODULE_FILES; i++) {
    for (const include of sources[i]!.facts.includes) {
      if (include.system || !include.path.endsWith('.c')) continue;
      const included = path.resolve(path.dirname(sources[i]!.path), include.path);
      if (tried.has(included)) continue;
      await load(included);
    }
  }

  let module: KernelModule | undefined;
  let diagnostics: ModuleDiagnostic[] = [];
  try {
    module = buildModule(task.module, sources, context.macroCatalog);
    diagnostics = checkModule(module, context);
  } catch (error) {
    failures.push(failure(error, 'checks'));
  }
  const found = diagnostics.map(toFound);
  let candidates: AnalyzeReply['candidates'];
  if (module !== undefined && task.wantCandidates) {
    try {
      candidates = findSeedCandidates(module, diagnostics, context.resourcePairs);
    } catch (error) {
      failures.push(failure(error, 'seed candidates'));
    }
  }
  return {
    kind: 'analyze',
    id: task.id,
    ...(module !== undefined ? { facts: factsOf(module, members, skippedFiles) } : {}),
    diagnostics: found,
    ...(candidates !== undefined ? { candidates } : {}),
    failures,
    ms: performance.now() - started,
  };
}

/**
 * Parses and reads facts; after a wasm fault the runtime is instantiated anew (as the server does)
 * and the file tried once more, so one bad file cannot poison the files after it.
 */
export async function factsWithRecovery(
  parser: CParser,
  text: string,
  where: string,
  failures: TaskFailure[],
): Promise<SourceFacts | undefined> {
  for (let attempt = 0; attempt < 2; attempt++) {
    let parsed: ParsedSource | undefined;
    try {
      parsed = ParsedSource.parse(parser, text);
      return extractFacts(parser, parsed);
    } catch (error) {
      failures.push(failure(error, where));
      if (!isWasmFault(error)) return undefined;
      parsed = undefined; // its tree belongs to the faulted instance
      await parser.recover();
    } finally {
      parsed?.dispose();
    }
  }
  return undefined;
}

export function failure(error: unknown, where: string): TaskFailure {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { kind: isWasmFault(error) ? 'wasm-fault' : 'exception', message: message.slice(0, 500), where };
}

/** Applies the edits for `file`, last first, so earlier offsets stay valid. */
function applyEdits(text: string, edits: readonly SourceEdit[], file: string): string {
  let result = text;
  for (const edit of edits.filter((e) => e.path === file).sort((a, b) => b.start - a.start)) {
    result = result.slice(0, edit.start) + edit.replacement + result.slice(edit.end);
  }
  return result;
}

function toFound({ path: file, diagnostic }: ModuleDiagnostic): FoundDiagnostic {
  return {
    code: diagnostic.code,
    severity: diagnostic.severity,
    path: file,
    line: diagnostic.range.start.line + 1,
    message: diagnostic.message,
  };
}

function factsOf(module: KernelModule, members: number, skippedFiles: readonly string[]): ModuleFacts {
  return {
    isModule: module.isModule,
    licenses: module.licenses.map((l) => l.value ?? null),
    inits: module.inits.map((i) => i.invocation.name),
    exits: module.exits.map((e) => e.invocation.name),
    exports: module.exports.map((e) => ({
      name: e.name,
      gplOnly: e.gplOnly,
      ...(e.namespace !== undefined ? { namespace: e.namespace } : {}),
    })),
    files: module.sources.length,
    includedFiles: module.sources.length - members,
    skippedFiles,
    bytes: module.sources.reduce((sum, s) => sum + s.text.length, 0),
  };
}
