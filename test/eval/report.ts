/** The evaluation's outputs: the JSON with every figure, a human summary, and a table for the README. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as prettier from 'prettier';
import type { AllFilesFigures } from './allFiles';
import type { ModuleFigures, Example } from './scoring';
import type { DefectFigures } from './seededDefects';
import type { WorkbenchState } from './workbenchState';
import type { PoolStats } from './workerPool';

export interface Target {
  readonly what: string;
  readonly target: string;
  readonly actual: string;
  readonly met: boolean | null;
}

export interface EvalResults {
  readonly schema: 1;
  readonly generated: string;
  /** The library the workers ran (a snapshot taken at the start); repositoryChangedTo when server/src changed meanwhile. */
  readonly workbench: WorkbenchState & { readonly repositoryChangedTo?: string };
  /** The kernel headers the analysis saw (root: the build tree's folder name); null when it ran without. */
  readonly headers: { readonly root: string; readonly release?: string; readonly config: boolean } | null;
  readonly environment: { readonly node: string; readonly cpus: number; readonly workers: number };
  readonly kernel: {
    readonly release: string;
    readonly koFiles: number;
    readonly notInModulesOrder: number;
    readonly missingOnDisk: number;
  };
  readonly options: {
    readonly seeded: number;
    readonly seed: number;
    readonly timeoutMs: number;
    readonly limit?: number;
    readonly only?: string;
  };
  readonly mapping: {
    readonly mapped: number;
    readonly unmapped: number;
    readonly unreadableImages: number;
    readonly examples: readonly Example[];
  };
  readonly targets: readonly Target[];
  readonly modules?: ModuleFigures;
  readonly seeded?: readonly DefectFigures[];
  readonly allFiles?: AllFilesFigures;
  readonly pool: PoolStats;
  readonly timingsMs: Readonly<Record<string, number>>;
}

const pct = (value: number | null | undefined, digits = 2): string =>
  value === null || value === undefined ? 'n/a' : `${(value * 100).toFixed(digits)}%`;
const n = (value: number): string => value.toLocaleString('en-US');
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export function targetsOf(
  modules: ModuleFigures | undefined,
  seeded: readonly DefectFigures[] | undefined,
  allFiles: AllFilesFigures | undefined,
): Target[] {
  const targets: Target[] = [];
  if (modules !== undefined) {
    targets.push({
      what: 'modules with no licence/init/exit false alarm',
      target: '≥ 99.9%',
      actual: pct(modules.noFalseAlarmRate),
      met: modules.noFalseAlarmRate === null ? null : modules.noFalseAlarmRate >= 0.999,
    });
    const recall = modules.facts.exports.recall;
    targets.push({
      what: 'exports of the .ko found in the sources',
      target: '≥ 99.5%',
      actual: pct(recall),
      met: recall === null ? null : recall >= 0.995,
    });
    const symbols = modules.symbolFalseAlarms;
    if (symbols !== undefined) {
      targets.push({
        what: 'undefined-symbol + symbol-not-exported false alarms per module',
        target: '≤ 0.05',
        actual: symbols.perModule.toFixed(3),
        met: symbols.perModule <= 0.05,
      });
    }
    const crashes =
      modules.caught.exceptions + modules.caught.wasmFaults + modules.lost.timeouts + modules.lost.workerDeaths;
    targets.push({
      what: 'module analysis: exceptions, wasm faults, timeouts',
      target: '0',
      actual: n(crashes),
      met: crashes === 0,
    });
  }
  for (const defect of seeded ?? []) {
    if (defect.notRun !== undefined) continue;
    targets.push({
      what: `seeded ${defect.kind} → ${defect.expect} (recall)`,
      target: '≥ 99%',
      actual: `${pct(defect.recall)} (${n(defect.detected)}/${n(defect.seeded)})`,
      met: defect.recall === null ? null : defect.recall >= 0.99,
    });
  }
  if (allFiles !== undefined) {
    const faults = allFiles.exceptions + allFiles.wasmFaults + allFiles.timeouts + allFiles.workerDeaths;
    targets.push({
      what: `all ${n(allFiles.files)} .c files: exceptions, wasm faults, timeouts`,
      target: '0',
      actual: n(faults),
      met: faults === 0,
    });
  }
  return targets;
}

export function humanSummary(results: EvalResults): string {
  const out: string[] = [];
  const line = (text = '') => out.push(text);
  const examples = (list: readonly Example[], max = 10) => {
    for (const e of list.slice(0, max)) {
      const where = e.file !== undefined ? ` ${e.file}${e.line !== undefined ? `:${e.line}` : ''}` : '';
      line(`      - ${e.module}${where}: ${oneLine(e.message)}`);
    }
  };
  line(`Kernel module evaluation — Linux ${results.kernel.release}, ${n(results.kernel.koFiles)} module images`);
  line(
    `  workbench ${results.workbench.commit?.slice(0, 10) ?? '(no git)'}${results.workbench.modifiedFiles ? ` + ${results.workbench.modifiedFiles} modified files` : ''}, library ${results.workbench.librarySha}${results.workbench.repositoryChangedTo !== undefined ? ` (snapshot; server/src is now ${results.workbench.repositoryChangedTo})` : ''}`,
  );
  line(
    `  headers: ${results.headers === null ? 'none' : `${results.headers.root} (${results.headers.release ?? '?'}${results.headers.config ? ', with .config' : ''})`}`,
  );
  line(
    `  mapping: ${n(results.mapping.mapped)} mapped to their sources via Kbuild + .config, ${n(results.mapping.unmapped)} unmapped, ${n(results.mapping.unreadableImages)} unreadable images`,
  );
  examples(results.mapping.examples);
  const m = results.modules;
  if (m !== undefined) {
    line();
    line(
      `Modules: ${n(m.analysed)} analysed (${n(m.sourceFiles)} files, ${n(m.includedFiles)} of them #included .c, ${(m.sourceBytes / 1e6).toFixed(1)} MB); ${n(m.skippedFiles)} files not analysed; ${n(m.modulesWithNonCMembers)} modules have non-C members`,
    );
    line(
      `  lost: ${n(m.lost.timeouts)} timeouts, ${n(m.lost.workerDeaths)} worker deaths; caught: ${n(m.caught.exceptions)} exceptions, ${n(m.caught.wasmFaults)} wasm faults (${n(m.caught.modules)} modules)`,
    );
    examples([...m.lost.examples, ...m.caught.examples]);
    line(
      `  headers: a median of ${n(m.headerReach.medianHeaderFiles)} header files reached per module; ${n(m.headerReach.modulesWithUnresolvedIncludes)} modules include files no directory provides`,
    );
    examples(m.headerReach.examples, 5);
    line(`  not a module by our reading (no module macro): ${n(m.notAModule)}`);
    examples(m.notAModuleExamples, 5);
    line(
      `  editor mapping (ModuleWorkspace's locators: the headers' .config first, then none) vs exact: ${Object.entries(
        m.editorMapping,
      )
        .map(([k, v]) => `${k} ${n(v)}`)
        .join(', ')}`,
    );
    examples(m.editorMappingExamples);
    const x = m.crossCheck;
    line(
      `  cross-check with ModuleWorkspace.analyze (the editor's path) on ${n(x.checked)} modules: ${n(x.agreed)} identical; ${n(x.otherModule)} built another module, ${n(x.otherDiagnostics)} other diagnostics`,
    );
    examples(x.examples);
    line();
    line('Checks with a ground truth in the .ko:');
    for (const c of m.truthChecks) {
      line(
        `  ${c.code} (per ${c.unit}; positive: ${c.truth}): TP ${n(c.truePositives)}, false alarms ${n(c.falsePositives)}, misses ${n(c.falseNegatives)}, TN ${n(c.trueNegatives)}; precision ${pct(c.precision)}, recall ${pct(c.recall)}; modules without a false alarm ${pct(c.falseAlarmFreeRate, 3)}`,
      );
      if (c.falseAlarms.length > 0) line('    false alarms:');
      examples(c.falseAlarms);
      if (c.misses.length > 0) line('    misses:');
      examples(c.misses);
    }
    line(`  modules with no licence/init/exit false alarm: ${pct(m.noFalseAlarmRate, 3)}`);
    line();
    const f = m.facts;
    line('Module facts vs the .ko:');
    line(
      `  licence: ${n(f.license.declared)}/${n(f.license.koWithLicense)} declared found, exact string ${n(f.license.exact)} (${pct(f.license.exactRate)}), argument unread ${n(f.license.valueUnread)}, different ${n(f.license.different)}, not found ${n(f.license.notFound)}`,
    );
    examples(f.license.examples);
    for (const which of ['init', 'exit'] as const) {
      const c = f[which];
      line(
        `  ${which}: found where the .ko has it ${n(c.truePositives)}, missed ${n(c.falseNegatives)}, found where it has none ${n(c.falsePositives)}; recall ${pct(c.recall)}, precision ${pct(c.precision)}`,
      );
      examples(c.examples);
    }
    const e = f.exports;
    line(
      `  exports: ${n(e.found)}/${n(e.koExports)} found (${pct(e.recall)}); ours ${n(e.ours)}, not in the .ko ${n(e.notInKo)} (precision ${pct(e.precision)}); GPL flag agrees ${n(e.gplFlagAgrees)}, namespace agrees ${n(e.namespaceAgrees)}; modules with all exports found ${n(e.modulesAllFound)}/${n(e.modulesWithExports)}`,
    );
    line(
      `    missed by kind: ${Object.entries(e.missedByKind)
        .map(([k, v]) => `${k} ${n(v)}`)
        .join(', ')}; recall without the generated names (tracepoint, static call) ${pct(e.recallWithoutGenerated)}`,
    );
    line('    most missed of kind other (module: count: symbols):');
    examples(e.missed);
    line('    most not in the .ko:');
    examples(e.extra);
    line();
    line('Every code on real modules (all of them build and load: an error is a false alarm):');
    for (const c of m.codes) {
      line(`  ${c.code} [${c.severity}]: ${n(c.modules)} modules, ${n(c.diagnostics)} diagnostics`);
      for (const s of c.bySeverity) {
        const alarm = s.severity === 'error' ? ' — errors on modules that build: false alarms' : '';
        line(`    ${s.severity}: ${n(s.modules)} modules, ${n(s.diagnostics)} diagnostics${alarm}`);
        examples(s.samples);
      }
    }
    line();
    line(
      `  per module: median ${m.timing.medianMs} ms, p95 ${m.timing.p95Ms} ms, max ${m.timing.maxMs} ms; slowest: ${m.timing.slowest
        .slice(0, 5)
        .map((s) => `${s.module} ${s.ms} ms (${s.files} files)`)
        .join(', ')}`,
    );
  }
  if (results.seeded !== undefined) {
    line();
    line(`Seeded defects (seed ${results.options.seed}, up to ${results.options.seeded} per kind):`);
    for (const d of results.seeded) {
      if (d.notRun !== undefined) {
        line(`  ${d.kind} → ${d.expect}: ${d.notRun} (${n(d.eligible)} modules eligible)`);
        continue;
      }
      line(
        `  ${d.kind} → ${d.expect}: ${n(d.detected)}/${n(d.seeded)} detected (${pct(d.recall)}); ${n(d.eligible)} eligible; ${n(d.lost)} lost`,
      );
      examples(d.misses);
    }
  }
  const a = results.allFiles;
  if (a !== undefined) {
    line();
    line(
      `All .c files: ${n(a.files)} files, ${(a.bytes / 1e6).toFixed(1)} MB in ${seconds(a.wallMs)} (${a.megabytesPerSecond} MB/s, ${a.filesPerSecond} files/s with ${results.environment.workers} workers); exceptions ${n(a.exceptions)}, wasm faults ${n(a.wasmFaults)}, timeouts ${n(a.timeouts)}, worker deaths ${n(a.workerDeaths)}; invalid UTF-8 ${n(a.invalidUtf8)}, over the size limit ${n(a.overSizeLimit)}`,
    );
    line(`  slowest: ${a.slowest.map((s) => `${s.file} ${s.ms} ms (${(s.bytes / 1024).toFixed(0)} KB)`).join(', ')}`);
    examples(a.failures);
  }
  line();
  line('Targets:');
  for (const t of results.targets) {
    line(`  ${t.met === null ? '–' : t.met ? '✓' : '✗'} ${t.what}: ${t.actual} (target ${t.target})`);
  }
  line();
  line(
    `Timings: ${Object.entries(results.timingsMs)
      .map(([k, v]) => `${k} ${seconds(v)}`)
      .join(
        ', ',
      )}; workers started ${results.pool.workersStarted} (recycled ${results.pool.recycled}, timeouts ${results.pool.timeouts}, deaths ${results.pool.workerDeaths})`,
  );
  return out.join('\n');
}

/** A table to paste into the README's Figures section. */
export function markdownTable(results: EvalResults): string {
  const rows: [string, string, string][] = [];
  const m = results.modules;
  if (m !== undefined) {
    rows.push([
      'modules mapped to their sources (Kbuild with Debian’s .config)',
      `${n(results.mapping.mapped)} / ${n(results.kernel.koFiles)}`,
      '',
    ]);
    rows.push([
      'the same diagnostics through the editor’s own path (ModuleWorkspace), on a sample',
      `${n(m.crossCheck.agreed)} / ${n(m.crossCheck.checked)}`,
      '',
    ]);
    rows.push([
      'modules with no licence/init/exit false alarm',
      pct(m.noFalseAlarmRate),
      target(results, 'modules with no licence/init/exit false alarm'),
    ]);
    for (const c of m.truthChecks) {
      rows.push([
        `\`${c.code}\`: false alarms / misses (positive ${c.unit}s in the .ko)`,
        `${n(c.falsePositives)} / ${n(c.falseNegatives)} (${n(c.truePositives + c.falseNegatives)})`,
        '',
      ]);
    }
    const f = m.facts;
    rows.push([
      'licence found / exact string as in the .ko',
      `${pct(rate(f.license.declared, f.license.koWithLicense))} / ${pct(f.license.exactRate)}`,
      '',
    ]);
    rows.push(['init found (recall / precision)', `${pct(f.init.recall)} / ${pct(f.init.precision)}`, '']);
    rows.push(['exit found (recall / precision)', `${pct(f.exit.recall)} / ${pct(f.exit.precision)}`, '']);
    rows.push([
      `exports found (of ${n(f.exports.koExports)}) / ours not in the .ko`,
      `${pct(f.exports.recall)} / ${n(f.exports.notInKo)}`,
      target(results, 'exports of the .ko found in the sources'),
    ]);
    rows.push([
      'exports found, leaving out the generated names (EXPORT_TRACEPOINT_SYMBOL, EXPORT_STATIC_CALL)',
      pct(f.exports.recallWithoutGenerated),
      '',
    ]);
    if (m.symbolFalseAlarms !== undefined) {
      const s = m.symbolFalseAlarms;
      rows.push([
        '`undefined-symbol` + `symbol-not-exported` against Module.symvers + System.map: false alarms per module (diagnostics / modules)',
        `${s.perModule.toFixed(3)} (${n(s.diagnostics)} / ${n(s.modules)})`,
        target(results, 'undefined-symbol + symbol-not-exported false alarms per module'),
      ]);
    }
    const errors = m.codes.filter((c) => c.errorModules > 0);
    rows.push([
      'modules with an error-severity false alarm, by code',
      errors.length === 0 ? 'none' : errors.map((c) => `\`${c.code}\` ${n(c.errorModules)}`).join(', '),
      '0',
    ]);
    const others = m.codes.flatMap((c) =>
      c.bySeverity.filter((s) => s.severity !== 'error').map((s) => `\`${c.code}\` (${s.severity}) ${n(s.modules)}`),
    );
    rows.push(['modules with other diagnostics, by code', others.join(', '), '']);
    rows.push([
      'exceptions / wasm faults / timeouts',
      `${n(m.caught.exceptions)} / ${n(m.caught.wasmFaults)} / ${n(m.lost.timeouts)}`,
      '0',
    ]);
    rows.push([
      'analysis per module: median / p95 / max',
      `${m.timing.medianMs} / ${m.timing.p95Ms} / ${m.timing.maxMs} ms`,
      '',
    ]);
  }
  for (const d of results.seeded ?? []) {
    rows.push([
      `seeded: ${d.kind} → \`${d.expect}\``,
      d.notRun !== undefined ? 'not run yet (code pending)' : `${pct(d.recall)} (${n(d.detected)}/${n(d.seeded)})`,
      d.notRun !== undefined ? '' : '≥ 99%',
    ]);
  }
  const a = results.allFiles;
  if (a !== undefined) {
    rows.push([
      `all ${n(a.files)} .c files (${(a.bytes / 1e6).toFixed(0)} MB): parse + facts, exceptions / wasm faults / timeouts`,
      `${n(a.exceptions)} / ${n(a.wasmFaults)} / ${n(a.timeouts)}`,
      '0',
    ]);
    rows.push([
      `all .c files: throughput (${results.environment.workers} workers)`,
      `${a.megabytesPerSecond} MB/s, ${a.filesPerSecond} files/s`,
      '',
    ]);
  }
  const total = Object.values(results.timingsMs).reduce((s, v) => s + v, 0);
  rows.push(['whole evaluation (wall clock)', seconds(total), '']);
  const header = `Linux ${results.kernel.release} (Debian), ${n(results.kernel.koFiles)} modules, ${results.headers === null ? 'no headers' : 'with its linux-headers'} — \`npm run eval:kernel\``;
  return [
    `| ${header} | figure | target |`,
    '| --- | --- | --- |',
    ...rows.map((r) => `| ${r.map(escapeCell).join(' | ')} |`),
  ].join('\n');
}

function target(results: EvalResults, what: string): string {
  return results.targets.find((t) => t.what === what)?.target ?? '';
}

function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 260 ? `${flat.slice(0, 257)}…` : flat;
}

/** The files are committed: written as the repository's Prettier settings would write them. */
export async function writeOutputs(results: EvalResults, json: string, markdown: string | undefined): Promise<void> {
  await fs.mkdir(path.dirname(json), { recursive: true });
  await fs.writeFile(json, await formatted(JSON.stringify(results, null, 2), json));
  if (markdown !== undefined) await fs.writeFile(markdown, await formatted(markdownTable(results), markdown));
}

/** Formatted with Prettier and the settings that apply to `file` (its parser comes from the name). */
export async function formatted(text: string, file: string): Promise<string> {
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...options, filepath: file });
}
