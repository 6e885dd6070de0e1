/**
 * Analyses one Kbuild module from exactly the sources given: reads and parses them (with in-memory
 * edits for seeded defects), follows `#include "x.c"` as ModuleWorkspace does, then hands them to
 * ModuleWorkspace.analyzeSources, the editor's own path (headers, .config, model, every check,
 * the symbol checks when a kernel profile is given). Every exception and wasm fault is caught and
 * reported, file by file.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ModuleWorkspace, readFromDisk } from '../../server/src/kernel/analysis/moduleWorkspace';
import { DEFAULT_INPUT_LIMITS, inspectSourceText } from '../../server/src/kernel/analysis/sourceInput';
import { NO_HEADERS_CONTEXT, type CheckContext } from '../../server/src/kernel/checks/moduleChecks';
import type { ModuleDiagnostic } from '../../server/src/kernel/checks/moduleDiagnostic';
import type { HeaderIndex, HeaderVisibility } from '../../server/src/kernel/headers/headerIndex';
import type { KernelModule, ModuleSource } from '../../server/src/kernel/model/kernelModule';
import { extractFacts, type SourceFacts } from '../../server/src/kernel/model/sourceFacts';
import { isWasmFault, type CParser } from '../../server/src/kernel/parsing/cParser';
import { ParsedSource } from '../../server/src/kernel/parsing/parsedSource';
import { LineIndex } from '../../server/src/kernel/text/lineIndex';
import type { KernelProfile } from '../../server/src/kernel/symbols/kernelProfile';
import type {
  AnalyzeReply,
  AnalyzeTask,
  CrossCheck,
  FoundDiagnostic,
  ModuleFacts,
  SourceEdit,
  TaskFailure,
} from './protocol';
import { findSeedCandidates } from './seedCandidates';

/** ModuleWorkspace follows at most this many files per module through `#include "x.c"`. */
const MAX_MODULE_FILES = 64;

export async function analyzeModule(
  parser: CParser,
  headers: HeaderIndex | undefined,
  profile: KernelProfile | undefined,
  task: AnalyzeTask,
): Promise<AnalyzeReply> {
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

  let visibility: HeaderVisibility | undefined;
  let module: KernelModule | undefined;
  let diagnostics: readonly ModuleDiagnostic[] = [];
  let context: CheckContext = NO_HEADERS_CONTEXT;
  try {
    // The editor's own path from here on: ModuleWorkspace.analyzeSources.
    const hidden = new Set(task.hiddenExports ?? []);
    const workspace = new ModuleWorkspace(parser, {
      ...(headers !== undefined ? { headers } : {}),
      ...(profile !== undefined ? { profile: hidden.size > 0 ? withoutExports(profile, hidden) : profile } : {}),
    });
    const analysis = await workspace.analyzeSources(task.module, sources, {
      declaredByKbuild: true,
      ...(task.includeDirs !== undefined ? { includeDirs: task.includeDirs } : {}),
      ...(task.unreadMembers === true ? { unreadMembers: true } : {}),
      ...(task.unreadMemberFiles !== undefined ? { unreadMemberFiles: task.unreadMemberFiles } : {}),
    });
    visibility = analysis.headerVisibility;
    module = analysis.module;
    diagnostics = analysis.diagnostics;
    context = { ...workspace.context, macroCatalog: module.catalog };
  } catch (error) {
    failures.push(failure(error, 'checks'));
    if (isWasmFault(error)) await parser.recover();
  }
  const found = diagnostics.map(toFound);
  let candidates: AnalyzeReply['candidates'];
  if (module !== undefined && task.wantCandidates) {
    try {
      candidates = findSeedCandidates(module, diagnostics, context.resourcePairs, headers?.config);
    } catch (error) {
      failures.push(failure(error, 'seed candidates'));
    }
  }
  let crossCheck: CrossCheck | undefined;
  if (task.crossCheck && module !== undefined) {
    try {
      crossCheck = await compareWithWorkspace(parser, headers, profile, task, module, found);
    } catch (error) {
      failures.push(failure(error, 'cross-check'));
    }
  }
  return {
    kind: 'analyze',
    id: task.id,
    ...(crossCheck !== undefined ? { crossCheck } : {}),
    ...(module !== undefined ? { facts: factsOf(module, members, skippedFiles, visibility) } : {}),
    diagnostics: found,
    ...(candidates !== undefined ? { candidates } : {}),
    failures,
    ms: performance.now() - started,
  };
}

/** The same module through the editor's path: ModuleWorkspace.analyze of its first source, from disk. */
async function compareWithWorkspace(
  parser: CParser,
  headers: HeaderIndex | undefined,
  profile: KernelProfile | undefined,
  task: AnalyzeTask,
  module: KernelModule,
  found: readonly FoundDiagnostic[],
): Promise<CrossCheck | undefined> {
  const first = task.sources[0];
  if (first === undefined || task.edits.length > 0) return undefined;
  const workspace = new ModuleWorkspace(parser, {
    ...(headers !== undefined ? { headers } : {}),
    ...(profile !== undefined ? { profile } : {}),
  });
  const analysis = await workspace.analyze(first);
  const files = (m: KernelModule) => m.sources.map((s) => s.path).join(' ');
  if (analysis.module.name !== module.name || files(analysis.module) !== files(module)) {
    return {
      agrees: false,
      detail: `the workspace built ${analysis.module.name} from ${analysis.module.sources.length} files, not ${module.name} from ${module.sources.length}`,
    };
  }
  const key = (d: FoundDiagnostic) => `${d.path}:${d.line}: ${d.code} ${d.severity} ${d.message}`;
  const ours = found.map(key).sort();
  const theirs = analysis.diagnostics.map(toFound).map(key).sort();
  const onlyOurs = ours.filter((k) => !theirs.includes(k));
  const onlyTheirs = theirs.filter((k) => !ours.includes(k));
  if (onlyOurs.length === 0 && onlyTheirs.length === 0) return { agrees: true };
  return {
    agrees: false,
    detail: [...onlyOurs.map((k) => `only here: ${k}`), ...onlyTheirs.map((k) => `only in the workspace: ${k}`)]
      .slice(0, 4)
      .join(' | ')
      .slice(0, 600),
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

function factsOf(
  module: KernelModule,
  members: number,
  skippedFiles: readonly string[],
  visibility: HeaderVisibility | undefined,
): ModuleFacts {
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
    headerFiles: visibility?.headers.length ?? 0,
    unresolvedIncludes: visibility?.unresolved ?? [],
  };
}

/** The profile with some exports taken out: what a kernel that lacks them would say. */
function withoutExports(profile: KernelProfile, hidden: ReadonlySet<string>): KernelProfile {
  const names = profile.exportedNames().filter((n) => !hidden.has(n));
  return {
    ...(profile.release !== undefined ? { release: profile.release } : {}),
    sources: profile.sources,
    exportsKnown: profile.exportsKnown,
    ...(profile.exportsCoverage !== undefined ? { exportsCoverage: profile.exportsCoverage } : {}),
    addressesHidden: profile.addressesHidden,
    hasDataSymbols: profile.hasDataSymbols,
    counts: profile.counts,
    exported: (name) => (hidden.has(name) ? undefined : profile.exported(name)),
    symbol: (name) => profile.symbol(name),
    exportedNames: () => names,
  };
}
