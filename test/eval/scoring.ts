/**
 * Scores the analysis of every module against its .ko: the module-level facts (licence, init,
 * exit, exports), the checks that have a ground truth in the image, and, for every other code,
 * how many real modules (all of which build and load) get it.
 */
import * as path from 'node:path';
import { DIAGNOSTIC_CODES } from '../../server/src/kernel/checks/diagnosticCodes';
import type { KoTruth } from './groundTruth';
import { Prng } from './prng';
import type { AnalyzeReply, FoundDiagnostic } from './protocol';
import type { Outcome } from './workerPool';

export interface ModuleRecord {
  readonly koPath: string;
  readonly truth: KoTruth;
  readonly objectName: string;
  readonly kbuildPath: string;
  readonly sources: readonly string[];
  readonly membersWithoutC: readonly string[];
  readonly editorMapping: string;
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
  readonly code: string;
  readonly truth: string;
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
    readonly missed: readonly Example[];
    readonly extra: readonly Example[];
  };
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
  readonly editorMapping: Readonly<Record<string, number>>;
  readonly noFalseAlarmRate: number | null;
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

export function scoreModules(records: readonly ModuleRecord[], sourceRoot: string, seed: number): ModuleFigures {
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
  const has = (r: Analysed, code: string): FoundDiagnostic | undefined =>
    r.reply.diagnostics.find((d) => d.code === code);

  const truthChecks = [
    truthCheck(
      analysed,
      'missing-license',
      'the .ko has no license= in .modinfo',
      (r) => r.truth.license === undefined,
      has,
      example,
    ),
    truthCheck(
      analysed,
      'init-without-exit',
      'the .ko defines init_module but not cleanup_module',
      (r) => r.truth.hasInit && !r.truth.hasExit,
      has,
      example,
    ),
    truthCheck(
      analysed,
      'exit-without-init',
      'the .ko defines cleanup_module but not init_module',
      (r) => r.truth.hasExit && !r.truth.hasInit,
      has,
      example,
    ),
    truthCheck(
      analysed,
      'exported-init-symbol',
      'the .ko exports a symbol defined in .init.* or .exit.*',
      (r) => r.truth.initSectionExports.length > 0,
      has,
      example,
    ),
  ];
  const entryChecks = new Set(['missing-license', 'init-without-exit', 'exit-without-init']);
  const clean = analysed.filter((r) =>
    truthChecks.every((c) => !entryChecks.has(c.code) || !c.falseAlarmModules.has(r)),
  ).length;

  const times = analysed.map((r) => r.reply.ms).sort((a, b) => a - b);
  const editorMapping: Record<string, number> = {};
  for (const record of records) editorMapping[record.editorMapping] = (editorMapping[record.editorMapping] ?? 0) + 1;
  const notAModule = analysed.filter((r) => r.reply.facts !== undefined && !r.reply.facts.isModule);
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
    editorMapping,
    noFalseAlarmRate: rate(clean, analysed.length),
    truthChecks: truthChecks.map(({ falseAlarmModules: _, ...figures }) => figures),
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

function truthCheck(
  analysed: readonly Analysed[],
  code: string,
  truth: string,
  positive: (r: Analysed) => boolean,
  has: (r: Analysed, code: string) => FoundDiagnostic | undefined,
  example: ExampleOf,
): TruthCheckFigures & { readonly falseAlarmModules: ReadonlySet<Analysed> } {
  const falseAlarmModules = new Set<Analysed>();
  const falseAlarms: Example[] = [];
  const misses: Example[] = [];
  let tp = 0;
  let tn = 0;
  for (const r of analysed) {
    const found = has(r, code);
    const expected = positive(r);
    if (found !== undefined && expected) tp++;
    else if (found === undefined && !expected) tn++;
    else if (found !== undefined) {
      falseAlarmModules.add(r);
      falseAlarms.push(example(r, found, `${found.message} [.ko: ${describeTruth(r)}]`));
    } else misses.push(example(r, undefined, `.ko: ${describeTruth(r)}; our facts: ${describeFacts(r)}`));
  }
  return {
    code,
    truth,
    ...confusion(tp, falseAlarms.length, misses.length, tn),
    falseAlarmFreeRate: rate(analysed.length - falseAlarmModules.size, analysed.length),
    falseAlarms: falseAlarms.slice(0, LISTED),
    misses: misses.slice(0, LISTED),
    falseAlarmModules,
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
  for (const r of withFacts) {
    const our = new Map(facts(r).exports.map((e) => [e.name, e]));
    const theirs = new Map(r.truth.exports.map((e) => [e.name, e]));
    koExports += theirs.size;
    ours += our.size;
    let all = true;
    for (const [name, e] of theirs) {
      const mine = our.get(name);
      if (mine === undefined) {
        all = false;
        missed.push(example(r, undefined, name));
        continue;
      }
      found++;
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

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}
