/**
 * A worker thread of the evaluation: loads its own parser, then runs one task at a time (a module's
 * analysis, or one file's parse) and answers each, never throwing: failures travel in the reply.
 */
import { promises as fs } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { decodeSourceBytes } from '../../server/src/kernel/analysis/sourceInput';
import { HeaderIndex } from '../../server/src/kernel/headers/headerIndex';
import { openKernelHeaders } from '../../server/src/kernel/headers/kernelHeaders';
import { CParser } from '../../server/src/kernel/parsing/cParser';
import type { KernelProfile } from '../../server/src/kernel/symbols/kernelProfile';
import { resolveKernelProfile } from '../../server/src/kernel/symbols/resolveKernelProfile';
import { analyzeModule, factsWithRecovery, failure } from './moduleAnalysis';
import type { ParseReply, ParseTask, Reply, Task, TaskFailure, WorkerMessage, WorkerSetup } from './protocol';

async function parseFile(parser: CParser, task: ParseTask): Promise<ParseReply> {
  const started = performance.now();
  const failures: TaskFailure[] = [];
  let bytes = 0;
  let invalidUtf8 = false;
  let functions = 0;
  let macros = 0;
  try {
    const raw = await fs.readFile(task.file);
    bytes = raw.length;
    const decoded = decodeSourceBytes(raw);
    invalidUtf8 = decoded.encodingProblem !== undefined;
    const facts = await factsWithRecovery(parser, decoded.text, task.file, failures);
    functions = facts?.functions.length ?? 0;
    macros = facts?.macros.length ?? 0;
  } catch (error) {
    failures.push(failure(error, task.file));
  }
  return {
    kind: 'parse',
    id: task.id,
    bytes,
    ms: performance.now() - started,
    invalidUtf8,
    failures,
    functions,
    macros,
  };
}

async function handle(
  parser: CParser,
  headers: HeaderIndex | undefined,
  profile: KernelProfile | undefined,
  task: Task,
): Promise<Reply> {
  try {
    return task.kind === 'analyze'
      ? await analyzeModule(parser, headers, profile, task)
      : await parseFile(parser, task);
  } catch (error) {
    // Not expected (both catch per file and per step); still, a reply always goes back.
    const failures = [failure(error, task.kind)];
    return task.kind === 'analyze'
      ? { kind: 'analyze', id: task.id, diagnostics: [], failures, ms: 0 }
      : { kind: 'parse', id: task.id, bytes: 0, ms: 0, invalidUtf8: false, failures, functions: 0, macros: 0 };
  }
}

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('evalWorker.ts runs as a worker thread of kernelEval.ts');
  const setup = workerData as WorkerSetup;
  const parser = await CParser.load();
  // The main thread checked the folder; one index per worker, each header parsed once and kept.
  const found = setup.headers === undefined ? undefined : openKernelHeaders(setup.headers);
  if (setup.headers !== undefined && found === undefined) throw new Error(`${setup.headers}: not a kernel build tree`);
  const headers = found === undefined ? undefined : new HeaderIndex(parser, found);
  const profile = setup.symbols === undefined ? undefined : loadProfile(setup.symbols);
  // Tasks come one at a time (the pool waits for each reply), so they never overlap.
  port.on('message', (task: Task) => {
    void handle(parser, headers, profile, task).then((reply) => port.postMessage(reply satisfies WorkerMessage));
  });
  port.postMessage({ kind: 'ready' } satisfies WorkerMessage);
}

/** The kernel's profile from its snapshot files, as `lkm check --symvers F --kallsyms F` reads them. */
function loadProfile(symbols: NonNullable<WorkerSetup['symbols']>): KernelProfile {
  const resolved = resolveKernelProfile({
    moduleSymvers: symbols.moduleSymvers,
    ...(symbols.systemMap !== undefined ? { kallsyms: symbols.systemMap } : {}),
    ...(symbols.release !== undefined ? { release: symbols.release } : {}),
    autoDetect: false,
    bundled: false,
  });
  if (resolved.origin !== 'settings')
    throw new Error(`cannot read the symbol snapshots: ${resolved.problems.join('; ')}`);
  return resolved.profile;
}

void main();
