/**
 * The evaluation on a real kernel: every module of Debian's Linux 6.1 package, analysed from the
 * exact sources Kbuild builds it from, scored against what its .ko holds; seeded defects on real
 * modules; optionally every .c file of the tree through the parser. Prints a summary and a table
 * for the README and writes test/eval/results/kernel-6.1.json.
 *
 *   npx tsx test/eval/kernelEval.ts --source <linux tree> --image <extracted linux-image> [options]
 *
 * scripts/eval-kernel.sh fetches and unpacks both. Exit status: 0 when the run completed (the
 * targets are reported, not enforced), 1 on an internal error, 2 on bad usage.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openKernelHeaders } from '../../server/src/kernel/headers/kernelHeaders';
import { parseKernelConfig, type KernelConfig } from '../../server/src/kernel/kbuild/kernelConfig';
import { parseAllFiles, type AllFilesFigures } from './allFiles';
import { writeDetailDump } from './detailDump';
import { openKernelImage, readKoTruth, type KernelImage, type KoTruth } from './groundTruth';
import { EditorMappingProbe, ModuleMapper, type EditorVerdict, type MappedModule } from './moduleMapping';
import { parseOptions, RESULTS_DIR, UsageError, USAGE, type EvalOptions } from './options';
import { Prng } from './prng';
import type { AnalyzeReply } from './protocol';
import { formatted, humanSummary, markdownTable, targetsOf, writeOutputs, type EvalResults } from './report';
import { scoreModules, type Example, type ModuleFigures, type ModuleRecord } from './scoring';
import { DEFECT_KINDS, notRunReason, planDefects, scoreDefects, type DefectFigures } from './seededDefects';
import { takeLibrarySnapshot } from './librarySnapshot';
import { librarySha, workbenchState } from './workbenchState';
import { WorkerPool, type Outcome } from './workerPool';

interface Mapped {
  readonly truth: KoTruth;
  readonly mapped: MappedModule;
  readonly editor: { readonly verdict: EditorVerdict; readonly detail?: string };
  readonly bytes: number;
}

async function main(): Promise<number> {
  let options: EvalOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof TypeError)) throw error;
    if (error.message !== '') console.error(error.message);
    console.error(USAGE);
    return error.message === '' ? 0 : 2;
  }
  const timings: Record<string, number> = {};
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      timings[name] = Math.round(performance.now() - started);
    }
  };
  const log = (text: string) => {
    if (!options.quiet) console.error(text);
  };

  await fs.access(path.join(options.source, 'scripts/Makefile.lib')).catch(() => {
    throw new UsageError(`${options.source} is not a kernel source tree (no scripts/Makefile.lib)`);
  });
  const headers = options.headers === undefined ? undefined : openKernelHeaders(options.headers);
  if (options.headers !== undefined && headers === undefined) {
    throw new UsageError(`--headers ${options.headers}: not a kernel build tree (no include/linux/module.h found)`);
  }
  const snapshot = await takeLibrarySnapshot();
  const startState = await workbenchState(snapshot.root);
  const image = await openKernelImage(options.image);
  log(`Linux ${image.release}: ${image.koPaths.length} module images; sources in ${options.source}`);
  log(
    headers === undefined
      ? 'headers: none (the analysis runs as it does for a user without linux-headers)'
      : `headers: ${headers.root} (${headers.release ?? 'release unknown'}; sources ${headers.sourceRoot})`,
  );
  const config =
    headers?.configPath === undefined ? undefined : parseKernelConfig(await fs.readFile(headers.configPath, 'utf8'));

  // The kernel's own Module.symvers and System.map: what modpost and a user's profile check against.
  const symbols = await symbolSnapshots(options.headers, options.image, image.release);
  log(
    symbols === undefined
      ? 'symbols: none (no Module.symvers beside the headers): the symbol checks do not run'
      : `symbols: ${symbols.moduleSymvers}${symbols.systemMap !== undefined ? ` and ${symbols.systemMap}` : ''}`,
  );
  const { mapped, unmapped, unreadable } = await phase('mapping', () => mapModules(options, image, config, log));
  const pool = new WorkerPool({
    size: options.workers,
    timeoutMs: options.timeoutMs,
    recycleAfter: options.recycleAfter,
    setup: {
      ...(options.headers !== undefined ? { headers: options.headers } : {}),
      ...(symbols !== undefined ? { symbols } : {}),
    },
    script: snapshot.workerScript,
  });
  let modules: ModuleFigures | undefined;
  let seeded: DefectFigures[] | undefined;
  let allFiles: AllFilesFigures | undefined;
  try {
    if (!options.skipModules) {
      const records = await phase('modules', () => analyseModules(pool, mapped, options, log));
      modules = await phase('scoring', () =>
        Promise.resolve(scoreModules(records, options.source, options.seed, symbols !== undefined)),
      );
      if (options.dump !== undefined) {
        const lines = await writeDetailDump(records, options.source, options.dump);
        log(`wrote ${lines} lines of detail to ${options.dump}`);
      }
      seeded = await phase('seeded', () => runSeeded(pool, records, options, log));
    }
    if (options.allFiles) {
      allFiles = await phase('allFiles', () => parseAllFiles(pool, options.source, progress(log, 'all .c files')));
    }
  } finally {
    await pool.close();
    await snapshot.dispose();
  }

  const repositoryNow = await librarySha();
  const changed = repositoryNow !== startState.librarySha;
  if (changed) {
    log(
      `note: server/src changed during the run (${startState.librarySha} → ${repositoryNow}); the workers ran the snapshot taken at the start, so the figures are for ${startState.librarySha}.`,
    );
  }
  const results: EvalResults = {
    schema: 1,
    generated: new Date().toISOString(),
    workbench: { ...startState, ...(changed ? { repositoryChangedTo: repositoryNow } : {}) },
    headers:
      headers === undefined
        ? null
        : {
            // The folder's name only: the results are committed, the cache path is this machine's.
            root: path.basename(headers.root),
            ...(headers.release !== undefined ? { release: headers.release } : {}),
            config: headers.configPath !== undefined,
          },
    environment: { node: process.version, cpus: os.cpus().length, workers: options.workers },
    kernel: {
      release: image.release,
      koFiles: image.koPaths.length,
      notInModulesOrder: image.notInOrder.length,
      missingOnDisk: image.missingOnDisk.length,
    },
    options: {
      seeded: options.seeded,
      seed: options.seed,
      timeoutMs: options.timeoutMs,
      ...(options.limit !== undefined ? { limit: options.limit } : {}),
      ...(options.only !== undefined ? { only: options.only.source } : {}),
    },
    mapping: {
      mapped: mapped.length,
      unmapped: unmapped.length,
      unreadableImages: unreadable.length,
      examples: [...unmapped, ...unreadable].slice(0, 25),
    },
    targets: targetsOf(modules, seeded, allFiles),
    ...(modules !== undefined ? { modules } : {}),
    ...(seeded !== undefined ? { seeded } : {}),
    ...(allFiles !== undefined ? { allFiles } : {}),
    pool: pool.stats,
    timingsMs: timings,
  };
  console.log(humanSummary(results));
  console.log('\nREADME table:\n');
  console.log(await formatted(markdownTable(results), path.join(RESULTS_DIR, 'table.md')));
  if (options.json !== undefined) {
    await writeOutputs(results, options.json, options.markdown);
    console.log(`\nwrote ${path.relative(process.cwd(), options.json)}`);
  } else {
    console.log('\n(a partial run: nothing written; give --json FILE to keep it)');
  }
  return 0;
}

/** Every selected .ko: its ground truth, and the Kbuild module (with its sources) it is built from. */
async function mapModules(
  options: EvalOptions,
  image: KernelImage,
  headersConfig: KernelConfig | undefined,
  log: (text: string) => void,
): Promise<{ mapped: Mapped[]; unmapped: Example[]; unreadable: Example[] }> {
  let selected = image.koPaths.filter((p) => options.only?.test(p.replace(/^kernel\//, '')) ?? true);
  if (options.limit !== undefined) {
    const chosen = new Set(Prng.for(options.seed, 'limit').sample(selected, options.limit));
    selected = selected.filter((p) => chosen.has(p));
  }
  const mapper = await ModuleMapper.create(options.source, image.configPath);
  const probe = new EditorMappingProbe(headersConfig);
  const mapped: Mapped[] = [];
  const unmapped: Example[] = [];
  const unreadable: Example[] = [];
  for (const koPath of selected) {
    let truth: KoTruth;
    try {
      truth = await readKoTruth(image.modulesDir, koPath);
    } catch (error) {
      unreadable.push({ module: koPath, message: `unreadable image: ${String(error)}` });
      continue;
    }
    const result = await mapper.map(koPath);
    if ('unmapped' in result) {
      unmapped.push({ module: koPath, message: result.why });
      continue;
    }
    const sizes = await Promise.all(
      result.mapped.kbuild.sources.map((s) =>
        fs.stat(s).then(
          (st) => st.size,
          () => 0,
        ),
      ),
    );
    mapped.push({
      truth,
      mapped: result.mapped,
      editor: await probe.compare(result.mapped, options.source),
      bytes: sizes.reduce((a, b) => a + b, 0),
    });
  }
  log(
    `mapped ${mapped.length}/${selected.length} modules (${unmapped.length} unmapped, ${unreadable.length} unreadable)`,
  );
  return { mapped, unmapped, unreadable };
}

/** The baseline analysis of every mapped module, largest first so the two workers finish together. */
async function analyseModules(
  pool: WorkerPool,
  mapped: readonly Mapped[],
  options: EvalOptions,
  log: (text: string) => void,
): Promise<ModuleRecord[]> {
  const report = progress(log, 'modules');
  const crossChecked = new Set(
    Prng.for(options.seed, 'cross-check').sample(
      mapped.map((_, i) => i),
      options.crossCheck,
    ),
  );
  let done = 0;
  const order = mapped.map((_, i) => i).sort((a, b) => mapped[b]!.bytes - mapped[a]!.bytes);
  const outcomes = new Array<Outcome<AnalyzeReply>>(mapped.length);
  await Promise.all(
    order.map(async (index) => {
      const { mapped: m } = mapped[index]!;
      outcomes[index] = await pool.run<AnalyzeReply>({
        kind: 'analyze',
        id: index,
        module: m.kbuild.objectName,
        sources: m.kbuild.sources,
        ...(m.kbuild.includeDirs !== undefined ? { includeDirs: m.kbuild.includeDirs } : {}),
        ...(m.membersWithoutC.length > 0
          ? { unreadMembers: true, unreadMemberFiles: memberFiles(m.kbuild.kbuildPath, m.membersWithoutC) }
          : {}),
        edits: [],
        wantCandidates: true,
        crossCheck: crossChecked.has(index),
      });
      report(++done, mapped.length);
    }),
  );
  return mapped.map(({ truth, mapped: m, editor }, i) => ({
    koPath: m.koPath,
    truth,
    objectName: m.kbuild.objectName,
    kbuildPath: m.kbuild.kbuildPath,
    sources: m.kbuild.sources,
    ...(m.kbuild.includeDirs !== undefined ? { includeDirs: m.kbuild.includeDirs } : {}),
    membersWithoutC: m.membersWithoutC,
    editorMapping: editor.verdict,
    ...(editor.detail !== undefined ? { editorDetail: editor.detail } : {}),
    outcome: outcomes[i]!,
  }));
}

async function runSeeded(
  pool: WorkerPool,
  records: readonly ModuleRecord[],
  options: EvalOptions,
  log: (text: string) => void,
): Promise<DefectFigures[]> {
  const { plans, eligible } = planDefects(records, options.seeded, options.seed, options.source);
  const runnable = new Set(DEFECT_KINDS.filter((k) => notRunReason(k) === undefined).map((k) => k.kind));
  const toRun = plans.filter((p) => runnable.has(p.kind));
  const report = progress(log, 'seeded defects');
  let done = 0;
  const results = await Promise.all(
    plans.map(async (plan, id) => {
      if (!runnable.has(plan.kind)) return { plan, outcome: undefined };
      const outcome = await pool.run<AnalyzeReply>({
        kind: 'analyze',
        id,
        module: plan.record.objectName,
        sources: plan.record.sources,
        ...(plan.record.includeDirs !== undefined ? { includeDirs: plan.record.includeDirs } : {}),
        ...(plan.record.membersWithoutC.length > 0
          ? {
              unreadMembers: true,
              unreadMemberFiles: memberFiles(plan.record.kbuildPath, plan.record.membersWithoutC),
            }
          : {}),
        edits: plan.edits,
        wantCandidates: false,
        crossCheck: false,
        ...(plan.hiddenExports !== undefined ? { hiddenExports: plan.hiddenExports } : {}),
      });
      report(++done, toRun.length);
      return { plan, outcome };
    }),
  );
  return scoreDefects(DEFECT_KINDS, eligible, results);
}

/** A progress line every 10% or 30 s, whichever comes first. */
function progress(log: (text: string) => void, what: string): (done: number, total: number) => void {
  const started = performance.now();
  let lastTime = started;
  let lastTenth = 0;
  return (done, total) => {
    const now = performance.now();
    const tenth = Math.floor((done / total) * 10);
    if (tenth > lastTenth || now - lastTime > 30_000 || done === total) {
      lastTenth = tenth;
      lastTime = now;
      log(
        `  ${what}: ${done}/${total} (${Math.round((done / total) * 100)}%) ${((now - started) / 1000).toFixed(0)} s`,
      );
    }
  };
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(error.message);
      process.exitCode = 2;
      return;
    }
    console.error('kernel evaluation failed:', error);
    process.exitCode = 1;
  },
);

/** Module.symvers from the headers' build tree and System.map from the image, when both are there. */
async function symbolSnapshots(
  headers: string | undefined,
  image: string,
  release: string,
): Promise<{ moduleSymvers: string; systemMap?: string; release: string } | undefined> {
  if (headers === undefined) return undefined;
  const exists = (file: string) =>
    fs.access(file).then(
      () => true,
      () => false,
    );
  const moduleSymvers = path.join(headers, 'Module.symvers');
  if (!(await exists(moduleSymvers))) return undefined;
  const systemMap = path.join(image, 'boot', `System.map-${release}`);
  return { moduleSymvers, ...((await exists(systemMap)) ? { systemMap } : {}), release };
}

/** Kbuild members (objects relative to the Kbuild file) as paths, as ModuleWorkspace.analyze names them. */
function memberFiles(kbuildPath: string, objects: readonly string[]): string[] {
  return objects.map((object) => path.join(path.dirname(kbuildPath), ...object.split('/')));
}
