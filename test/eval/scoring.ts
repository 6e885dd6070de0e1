/**
 * Scores the analysis of every module against its .ko: the module-level facts (licence, init,
 * exit, exports), the checks that have a ground truth in the image, and, for every other code,
 * how many real modules (all of which build and load) get it.
 */
import * as path from 'node:path';
import { DIAGNOSTIC_CODES } from '../../server/src/kernel/checks/diagnosticCodes';
import type { KoTruth } from './groundTruth';
import type { EditorVerdict } from './moduleMapping';
import { Prng } from './prng';
import type { AnalyzeReply, FoundDiagnostic } from './protocol';
import type { Outcome } from './workerPool';

export interface ModuleRecord {
  readonly koPath: string;
  readonly truth: KoTruth;
  readonly objectName: string;
  readonly kbuildPath: string;
  readonly sources: readonly string[];
  /** The Kbuild file's -I directories (ccflags-y). */
  readonly includeDirs?: readonly string[];
  readonly membersWithoutC: readonly string[];
  readonly editorMapping: EditorVerdict;
  readonly editorDetail?: string;
  readonly outcome: Outcome<AnalyzeReply>;
}

export interface Example {
  readonly module: string;
  readonly file?: string;
  readonly line?: number;
  readonly message: string;
}

export interface Confusion {
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  readonly trueNegatives: number;
  readonly precision: number | null;
  readonly recall: number | null;
}

export interface TruthCheckFigures extends Confusion {
  /** The code, with what part of it is scored when not all: `invalid-param (no MODULE_PARM_DESC)`. */
  readonly code: string;
  /** What makes a module a positive, read from its .ko. */
  readonly truth: string;
  /** Scored per module, or per parameter. */
  readonly unit: 'module' | 'parameter';
  /** Modules on which the check raised no false alarm, over all analysed modules. */
  readonly falseAlarmFreeRate: number | null;
  readonly falseAlarms: readonly Example[];
  readonly misses: readonly Example[];
}

export interface CodeFigures {
  readonly code: string;
  /** The severity diagnosticCodes.ts gives it; some checks report at several (invalid-param: error and hint). */
  readonly severity: string;
  readonly modules: number;
  readonly diagnostics: number;
  /** Modules with an error-severity diagnostic of this code: on modules that build, each is a false alarm. */
  readonly errorModules: number;
  readonly bySeverity: readonly SeverityFigures[];
}

export interface SeverityFigures {
  readonly severity: string;
  readonly modules: number;
  readonly diagnostics: number;
  /** Up to 10, from different modules, drawn with the seeded PRNG. */
  readonly samples: readonly Example[];
}

export interface FactFigures {
  readonly license: {
    readonly koWithLicense: number;
    readonly declared: number;
    readonly exact: number;
    readonly exactRate: number | null;
    readonly valueUnread: number;
    readonly different: number;
    readonly notFound: number;
    readonly examples: readonly Example[];
  };
  readonly init: Confusion & { readonly examples: readonly Example[] };
  readonly exit: Confusion & { readonly examples: readonly Example[] };
  readonly exports: {
    readonly koExports: number;
    readonly found: number;
    readonly recall: number | null;
    readonly ours: number;
    readonly notInKo: number;
    readonly precision: number | null;
    readonly gplFlagAgrees: number;
    readonly namespaceAgrees: number;
    readonly modulesWithExports: number;
    readonly modulesAllFound: number;
    /** Missed exports by how they are written: macros that expand to exports of generated names, or other. */
    readonly missedByKind: Readonly<Record<ExportKind, number>>;
    /** Recall over the exports written as EXPORT_SYMBOL*(name) in some form: the generated ones left out. */
    readonly recallWithoutGenerated: number | null;
    /** Missed exports of kind `other`, grouped by module, most first. */
    readonly missed: readonly Example[];
    readonly extra: readonly Example[];
  };
}

/**
 * `EXPORT_TRACEPOINT_SYMBOL(x)` exports __tracepoint_x, __traceiter_x, __SCK__tp_func_x and
 * __SCT__tp_func_x; `EXPORT_STATIC_CALL(x)` exports __SCK__x and __SCT__x: names no source spells.
 */
export type ExportKind = 'tracepoint' | 'static-call' | 'other';

export function exportKind(name: string): ExportKind {
  if (/^(__tracepoint_|__traceiter_|__SCK__tp_func_|__SCT__tp_func_)/.test(name)) return 'tracepoint';
  if (/^(__SCK__|__SCT__)/.test(name)) return 'static-call';
  return 'other';
}

export interface ModuleFigures {
  readonly koFiles: number;
  readonly analysed: number;
  readonly lost: { readonly timeouts: number; readonly workerDeaths: number; readonly examples: readonly Example[] };
  readonly caught: {
    readonly exceptions: number;
    readonly wasmFaults: number;
    readonly modules: number;
    readonly examples: readonly Example[];
  };
  readonly notAModule: number;
  readonly notAModuleExamples: readonly Example[];
  readonly sourceFiles: number;
  readonly includedFiles: number;
  readonly skippedFiles: number;
  readonly sourceBytes: number;
  readonly modulesWithNonCMembers: number;
  /** How far the module's includes reached into the headers (all zero without headers). */
  readonly headerReach: {
    readonly medianHeaderFiles: number;
    readonly modulesWithUnresolvedIncludes: number;
    readonly examples: readonly Example[];
  };
  readonly editorMapping: Readonly<Record<string, number>>;
  readonly editorMappingExamples: readonly Example[];
  /** This evaluation's analysis against ModuleWorkspace.analyze (the editor's path), on a sample. */
  readonly crossCheck: {
    readonly checked: number;
    readonly agreed: number;
    readonly otherModule: number;
    readonly otherDiagnostics: number;
    readonly examples: readonly Example[];
  };
  readonly noFalseAlarmRate: number | null;
  /**
   * Every module of the tree links against its Module.symvers, so each undefined-symbol or
   * symbol-not-exported diagnostic is a false alarm. Undefined when no profile was given.
   */
  readonly symbolFalseAlarms?: {
    readonly diagnostics: number;
    readonly modules: number;
    readonly perModule: number;
    readonly byCode: Readonly<Record<string, number>>;
    readonly examples: readonly Example[];
  };
  readonly truthChecks: readonly TruthCheckFigures[];
  readonly facts: FactFigures;
  readonly codes: readonly CodeFigures[];
  readonly timing: {
    readonly medianMs: number;
    readonly p95Ms: number;
    readonly maxMs: number;
    readonly slowest: readonly { readonly module: string; readonly ms: number; readonly files: number }[];
  };
}

const EXAMPLES = 10;
const LISTED = 25;

type Analysed = ModuleRecord & { readonly reply: AnalyzeReply };

export function scoreModules(
  records: readonly ModuleRecord[],
  sourceRoot: string,
  seed: number,
  withProfile = false,
): ModuleFigures {
  const relative = (file: string): string => path.relative(sourceRoot, file);
  const example = (record: ModuleRecord, diagnostic?: FoundDiagnostic, message?: string): Example => ({
    module: record.koPath,
    ...(diagnostic !== undefined ? { file: relative(diagnostic.path), line: diagnostic.line } : {}),
    message: message ?? diagnostic?.message ?? '',
  });
  const analysed: Analysed[] = [];
  const lostExamples: Example[] = [];
  let timeouts = 0;
  let workerDeaths = 0;
  for (const record of records) {
    if ('reply' in record.outcome) analysed.push({ ...record, reply: record.outcome.reply });
    else {
      if (record.outcome.lost === 'timeout') timeouts++;
      else workerDeaths++;
      lostExamples.push(example(record, undefined, `${record.outcome.lost}: ${record.outcome.message}`));
    }
  }
  const failures = analysed.flatMap((r) => r.reply.failures.map((f) => ({ r, f })));
  const has =
    (code: string, severity?: string) =>
    (r: Analysed): FoundDiagnostic | undefined =>
      r.reply.diagnostics.find((d) => d.code === code && (severity === undefined || d.severity === severity));

  const truthChecks = [
    truthCheck(analysed, example, {
      code: 'missing-license',
      truth: 'the .ko has no license= in .modinfo',
      positive: (r) => r.truth.license === undefined,
      found: has('missing-license'),
    }),
    truthCheck(analysed, example, {
      code: 'init-without-exit',
      truth: 'the .ko defines init_module but not cleanup_module',
      positive: (r) => r.truth.hasInit && !r.truth.hasExit,
      found: has('init-without-exit'),
    }),
    truthCheck(analysed, example, {
      code: 'exit-without-init',
      truth: 'the .ko defines cleanup_module but not init_module',
      positive: (r) => r.truth.hasExit && !r.truth.hasInit,
      found: has('exit-without-init'),
    }),
    truthCheck(analysed, example, {
      code: 'exported-init-symbol',
      truth: 'the .ko exports a symbol defined in .init.* or .exit.*',
      positive: (r) => r.truth.initSectionExports.length > 0,
      found: has('exported-init-symbol'),
    }),
    truthCheck(analysed, example, {
      code: 'missing-description',
      truth: 'the .ko has no description= in .modinfo',
      positive: (r) => !r.truth.hasDescription,
      found: has('missing-description'),
    }),
  ];
  const entryChecks = new Set(['missing-license', 'init-without-exit', 'exit-without-init']);
  const clean = analysed.filter((r) =>
    truthChecks.every((c) => !entryChecks.has(c.code) || !c.falseAlarmModules.has(r)),
  ).length;

  const times = analysed.map((r) => r.reply.ms).sort((a, b) => a - b);
  const editorMapping: Record<string, number> = {};
  for (const record of records) editorMapping[record.editorMapping] = (editorMapping[record.editorMapping] ?? 0) + 1;
  const notAModule = analysed.filter((r) => r.reply.facts !== undefined && !r.reply.facts.isModule);
  const editorMappingExamples = records
    .filter((r) => r.editorMapping !== 'same')
    .slice(0, LISTED)
    .map((r) => example(r, undefined, `${r.editorMapping}: ${r.editorDetail ?? ''}`));
  return {
    koFiles: records.length,
    analysed: analysed.length,
    lost: { timeouts, workerDeaths, examples: lostExamples.slice(0, LISTED) },
    caught: {
      exceptions: failures.filter((x) => x.f.kind === 'exception').length,
      wasmFaults: failures.filter((x) => x.f.kind === 'wasm-fault').length,
      modules: new Set(failures.map((x) => x.r)).size,
      examples: failures
        .slice(0, LISTED)
        .map(({ r, f }) => ({ module: r.koPath, file: relative(f.where), message: `${f.kind}: ${f.message}` })),
    },
    notAModule: notAModule.length,
    notAModuleExamples: notAModule
      .slice(0, LISTED)
      .map((r) => example(r, undefined, `no module macro in ${r.sources.map(relative).join(', ')}`)),
    sourceFiles: sum(analysed, (r) => r.reply.facts?.files ?? 0),
    includedFiles: sum(analysed, (r) => r.reply.facts?.includedFiles ?? 0),
    skippedFiles: sum(analysed, (r) => r.reply.facts?.skippedFiles.length ?? 0),
    sourceBytes: sum(analysed, (r) => r.reply.facts?.bytes ?? 0),
    modulesWithNonCMembers: records.filter((r) => r.membersWithoutC.length > 0).length,
    headerReach: {
      medianHeaderFiles: median(analysed.map((r) => r.reply.facts?.headerFiles ?? 0)),
      modulesWithUnresolvedIncludes: analysed.filter((r) => (r.reply.facts?.unresolvedIncludes.length ?? 0) > 0).length,
      examples: analysed
        .filter((r) => (r.reply.facts?.unresolvedIncludes.length ?? 0) > 0)
        .slice(0, LISTED)
        .map((r) => example(r, undefined, `unresolved: ${r.reply.facts!.unresolvedIncludes.slice(0, 6).join(' ')}`)),
    },
    editorMapping,
    editorMappingExamples,
    crossCheck: crossCheckFigures(analysed),
    noFalseAlarmRate: rate(clean, analysed.length),
    ...(withProfile ? { symbolFalseAlarms: symbolFalseAlarms(analysed, example) } : {}),
    truthChecks: [
      ...truthChecks.map(({ falseAlarmModules: _, ...figures }) => figures),
      parameterDescriptions(analysed, example),
    ],
    facts: scoreFacts(analysed, example),
    codes: scoreCodes(analysed, seed, example),
    timing: {
      medianMs: round(times[Math.floor(times.length / 2)] ?? 0),
      p95Ms: round(times[Math.floor(times.length * 0.95)] ?? 0),
      maxMs: round(times[times.length - 1] ?? 0),
      slowest: [...analysed]
        .sort((a, b) => b.reply.ms - a.reply.ms)
        .slice(0, EXAMPLES)
        .map((r) => ({ module: r.koPath, ms: round(r.reply.ms), files: r.reply.facts?.files ?? 0 })),
    },
  };
}

type ExampleOf = (record: ModuleRecord, diagnostic?: FoundDiagnostic, message?: string) => Example;

const LINK_CODES = new Set(['undefined-symbol', 'symbol-not-exported']);

function symbolFalseAlarms(
  analysed: readonly Analysed[],
  example: ExampleOf,
): NonNullable<ModuleFigures['symbolFalseAlarms']> {
  const found = analysed.flatMap((r) =>
    r.reply.diagnostics.filter((d) => LINK_CODES.has(d.code)).map((d) => ({ r, d })),
  );
  const byCode: Record<string, number> = {};
  for (const { d } of found) byCode[d.code] = (byCode[d.code] ?? 0) + 1;
  return {
    diagnostics: found.length,
    modules: new Set(found.map((x) => x.r)).size,
    perModule: analysed.length === 0 ? 0 : found.length / analysed.length,
    byCode,
    examples: found.slice(0, LISTED).map(({ r, d }) => example(r, d)),
  };
}

function crossCheckFigures(analysed: readonly Analysed[]): ModuleFigures['crossCheck'] {
  const checked = analysed.filter((r) => r.reply.crossCheck !== undefined);
  const differing = checked.filter((r) => !r.reply.crossCheck!.agrees);
  const otherModule = differing.filter((r) => r.reply.crossCheck!.detail?.startsWith('the workspace built') === true);
  return {
    checked: checked.length,
    agreed: checked.length - differing.length,
    otherModule: otherModule.length,
    otherDiagnostics: differing.length - otherModule.length,
    examples: differing.slice(0, LISTED).map((r) => ({ module: r.koPath, message: r.reply.crossCheck!.detail ?? '' })),
  };
}

interface TruthCheckSpec {
  readonly code: string;
  readonly truth: string;
  readonly positive: (r: Analysed) => boolean;
  readonly found: (r: Analysed) => FoundDiagnostic | undefined;
}

function truthCheck(
  analysed: readonly Analysed[],
  example: ExampleOf,
  spec: TruthCheckSpec,
): TruthCheckFigures & { readonly falseAlarmModules: ReadonlySet<Analysed> } {
  const falseAlarmModules = new Set<Analysed>();
  const falseAlarms: Example[] = [];
  const misses: Example[] = [];
  let tp = 0;
  let tn = 0;
  for (const r of analysed) {
    const found = spec.found(r);
    const expected = spec.positive(r);
    if (found !== undefined && expected) tp++;
    else if (found === undefined && !expected) tn++;
    else if (found !== undefined) {
      falseAlarmModules.add(r);
      falseAlarms.push(example(r, found, `${found.message} [.ko: ${describeTruth(r)}]`));
    } else misses.push(example(r, undefined, `.ko: ${describeTruth(r)}; our facts: ${describeFacts(r)}`));
  }
  return {
    code: spec.code,
    truth: spec.truth,
    unit: 'module',
    ...confusion(tp, falseAlarms.length, misses.length, tn),
    falseAlarmFreeRate: rate(analysed.length - falseAlarmModules.size, analysed.length),
    falseAlarms: falseAlarms.slice(0, LISTED),
    misses: misses.slice(0, LISTED),
    falseAlarmModules,
  };
}

/** The hint for a parameter without MODULE_PARM_DESC, parameter by parameter, against the .ko's parm= entries. */
function parameterDescriptions(analysed: readonly Analysed[], example: ExampleOf): TruthCheckFigures {
  const falseAlarms: Example[] = [];
  const misses: Example[] = [];
  const alarmModules = new Set<Analysed>();
  let tp = 0;
  let tn = 0;
  for (const r of analysed) {
    const hinted = new Map<string, FoundDiagnostic>();
    for (const d of r.reply.diagnostics) {
      const name =
        d.code === 'invalid-param'
          ? /^parameter '([^']+)' has no MODULE_PARM_DESC\(\)/.exec(d.message)?.[1]
          : undefined;
      if (name !== undefined) hinted.set(name, d);
    }
    // module_param_cb() writes no parmtype=, so a parameter can be absent from the .ko: then it has no description either.
    const without = new Set(r.truth.parametersWithoutDescription);
    const described = new Set(r.truth.parameters.filter((name) => !without.has(name)));
    for (const name of new Set([...r.truth.parameters, ...hinted.keys()])) {
      const found = hinted.get(name);
      const positive = !described.has(name);
      if (found !== undefined && positive) tp++;
      else if (found === undefined && !positive) tn++;
      else if (found !== undefined) {
        alarmModules.add(r);
        falseAlarms.push(example(r, found, `${found.message} [.ko has parm= for it]`));
      } else misses.push(example(r, undefined, `parameter '${name}' has no parm= in the .ko, and no hint`));
    }
  }
  return {
    code: 'invalid-param (no MODULE_PARM_DESC, hint)',
    truth: 'a parameter (ours or the .ko’s) without a parm= description in the .ko',
    unit: 'parameter',
    ...confusion(tp, falseAlarms.length, misses.length, tn),
    falseAlarmFreeRate: rate(analysed.length - alarmModules.size, analysed.length),
    falseAlarms: falseAlarms.slice(0, LISTED),
    misses: misses.slice(0, LISTED),
  };
}

function scoreFacts(analysed: readonly Analysed[], example: ExampleOf): FactFigures {
  const withFacts = analysed.filter((r) => r.reply.facts !== undefined);
  const facts = (r: Analysed) => r.reply.facts!;

  const licensed = withFacts.filter((r) => r.truth.license !== undefined);
  const licenseExamples: Example[] = [];
  let declared = 0;
  let exact = 0;
  let unread = 0;
  let different = 0;
  for (const r of licensed) {
    const ours = facts(r).licenses;
    if (ours.length === 0) {
      licenseExamples.push(example(r, undefined, `not found; .ko: license=${r.truth.license}`));
      continue;
    }
    declared++;
    if (ours.includes(r.truth.license!)) exact++;
    else if (ours.every((l) => l === null)) {
      unread++;
      licenseExamples.push(example(r, undefined, `MODULE_LICENSE argument not read; .ko: license=${r.truth.license}`));
    } else {
      different++;
      licenseExamples.push(example(r, undefined, `ours ${JSON.stringify(ours)}; .ko: license=${r.truth.license}`));
    }
  }

  const entry = (which: 'init' | 'exit') => {
    const examples: Example[] = [];
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let tn = 0;
    for (const r of withFacts) {
      const ours = (which === 'init' ? facts(r).inits : facts(r).exits).length > 0;
      const theirs = which === 'init' ? r.truth.hasInit : r.truth.hasExit;
      if (ours && theirs) tp++;
      else if (!ours && !theirs) tn++;
      else {
        if (ours) fp++;
        else fn++;
        examples.push(
          example(
            r,
            undefined,
            `${which}: ours ${ours ? 'found' : 'none'}, .ko ${theirs ? 'has' : 'has none'}; ${describeFacts(r)}`,
          ),
        );
      }
    }
    return { ...confusion(tp, fp, fn, tn), examples: examples.slice(0, LISTED) };
  };

  let koExports = 0;
  let found = 0;
  let ours = 0;
  let notInKo = 0;
  let gplFlagAgrees = 0;
  let namespaceAgrees = 0;
  let modulesWithExports = 0;
  let modulesAllFound = 0;
  const missed: Example[] = [];
  const extra: Example[] = [];
  const missedByKind: Record<ExportKind, number> = { tracepoint: 0, 'static-call': 0, other: 0 };
  let generated = 0;
  let generatedFound = 0;
  for (const r of withFacts) {
    const our = new Map(facts(r).exports.map((e) => [e.name, e]));
    const theirs = new Map(r.truth.exports.map((e) => [e.name, e]));
    koExports += theirs.size;
    ours += our.size;
    let all = true;
    for (const [name, e] of theirs) {
      const mine = our.get(name);
      const kind = exportKind(name);
      if (kind !== 'other') generated++;
      if (mine === undefined) {
        all = false;
        missedByKind[kind]++;
        if (kind === 'other') missed.push(example(r, undefined, name));
        continue;
      }
      found++;
      if (kind !== 'other') generatedFound++;
      if (mine.gplOnly === e.gplOnly) gplFlagAgrees++;
      if (mine.namespace === e.namespace) namespaceAgrees++;
    }
    for (const name of our.keys()) {
      if (!theirs.has(name)) {
        notInKo++;
        extra.push(example(r, undefined, name));
      }
    }
    if (theirs.size > 0) {
      modulesWithExports++;
      if (all) modulesAllFound++;
    }
  }
  return {
    license: {
      koWithLicense: licensed.length,
      declared,
      exact,
      exactRate: rate(exact, licensed.length),
      valueUnread: unread,
      different,
      notFound: licensed.length - declared,
      examples: licenseExamples.slice(0, LISTED),
    },
    init: entry('init'),
    exit: entry('exit'),
    exports: {
      koExports,
      found,
      recall: rate(found, koExports),
      ours,
      notInKo,
      precision: rate(ours - notInKo, ours),
      gplFlagAgrees,
      namespaceAgrees,
      modulesWithExports,
      modulesAllFound,
      missedByKind,
      recallWithoutGenerated: rate(found - generatedFound, koExports - generated),
      missed: groupByModule(missed),
      extra: groupByModule(extra),
    },
  };
}

/** One example per module, listing its symbols, so one big module does not fill the list. */
function groupByModule(examples: readonly Example[]): Example[] {
  const byModule = new Map<string, string[]>();
  for (const e of examples) byModule.set(e.module, [...(byModule.get(e.module) ?? []), e.message]);
  return [...byModule]
    .sort((a, b) => b[1].length - a[1].length)
    .slice(0, LISTED)
    .map(([module, names]) => ({
      module,
      message: `${names.length}: ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}`,
    }));
}

function scoreCodes(analysed: readonly Analysed[], seed: number, example: ExampleOf): CodeFigures[] {
  const codes = new Map(DIAGNOSTIC_CODES.map((c) => [c.code, c.severity as string]));
  for (const r of analysed) for (const d of r.reply.diagnostics) if (!codes.has(d.code)) codes.set(d.code, d.severity);
  const withCode = (code: string, severity?: string) =>
    analysed
      .map((r) => ({
        r,
        found: r.reply.diagnostics.filter(
          (d) => d.code === code && (severity === undefined || d.severity === severity),
        ),
      }))
      .filter((x) => x.found.length > 0);
  return [...codes].map(([code, severity]) => {
    const all = withCode(code);
    const severities = [...new Set(all.flatMap((x) => x.found.map((d) => d.severity)))].sort(
      (a, b) => SEVERITY_ORDER.indexOf(a) - SEVERITY_ORDER.indexOf(b),
    );
    return {
      code,
      severity,
      modules: all.length,
      diagnostics: sum(all, (x) => x.found.length),
      errorModules: withCode(code, 'error').length,
      bySeverity: severities.map((s) => {
        const these = withCode(code, s);
        const prng = Prng.for(seed, `samples:${code}:${s}`);
        return {
          severity: s,
          modules: these.length,
          diagnostics: sum(these, (x) => x.found.length),
          samples: prng.sample(these, EXAMPLES).map((x) => example(x.r, prng.pick(x.found))),
        };
      }),
    };
  });
}

const SEVERITY_ORDER = ['error', 'warning', 'information', 'hint'];

function describeTruth(r: ModuleRecord): string {
  const t = r.truth;
  return `license=${t.license ?? '(none)'}, init_module ${t.hasInit ? 'yes' : 'no'}, cleanup_module ${t.hasExit ? 'yes' : 'no'}`;
}

function describeFacts(r: Analysed): string {
  const f = r.reply.facts;
  if (f === undefined) return 'no facts';
  const list = (names: readonly string[]) => (names.length === 0 ? 'none' : names.join(' '));
  return `licences ${f.licenses.length}, inits ${list(f.inits)}, exits ${list(f.exits)}, ${f.files} files`;
}

function confusion(tp: number, fp: number, fn: number, tn: number): Confusion {
  return {
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    trueNegatives: tn,
    precision: rate(tp, tp + fp),
    recall: rate(tp, tp + fn),
  };
}

export function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 1e6) / 1e6;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}
