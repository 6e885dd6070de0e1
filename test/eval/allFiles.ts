/**
 * The --all-files pass: every `.c` file of the source tree through parse and facts extraction,
 * module or not, counting every exception and wasm fault, with the throughput.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_INPUT_LIMITS } from '../../server/src/kernel/analysis/sourceInput';
import type { ParseReply } from './protocol';
import type { Example } from './scoring';
import type { WorkerPool } from './workerPool';

export interface AllFilesFigures {
  readonly files: number;
  readonly bytes: number;
  readonly exceptions: number;
  readonly wasmFaults: number;
  readonly timeouts: number;
  readonly workerDeaths: number;
  readonly invalidUtf8: number;
  /** Files over the analysis' default size limit (the editor would not parse them; this pass does). */
  readonly overSizeLimit: number;
  readonly functions: number;
  readonly moduleMacros: number;
  readonly wallMs: number;
  /** Sum of the per-file times in the workers. */
  readonly workerMs: number;
  readonly megabytesPerSecond: number;
  readonly filesPerSecond: number;
  readonly slowest: readonly { readonly file: string; readonly ms: number; readonly bytes: number }[];
  readonly failures: readonly Example[];
}

export async function listCFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name === '.git') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && entry.name.endsWith('.c')) found.push(full);
    }
  };
  await walk(root);
  return found;
}

export async function parseAllFiles(
  pool: WorkerPool,
  root: string,
  progress: (done: number, total: number) => void,
): Promise<AllFilesFigures> {
  const files = await listCFiles(root);
  const started = performance.now();
  let done = 0;
  const outcomes = await Promise.all(
    files.map(async (file, id) => {
      const outcome = await pool.run<ParseReply>({ kind: 'parse', id, file });
      progress(++done, files.length);
      return { file, outcome };
    }),
  );
  const wallMs = performance.now() - started;
  const relative = (file: string) => path.relative(root, file);
  const replies = outcomes.flatMap(({ file, outcome }) => ('reply' in outcome ? [{ file, reply: outcome.reply }] : []));
  const lost = outcomes.flatMap(({ file, outcome }) => ('lost' in outcome ? [{ file, outcome }] : []));
  const failures = replies.flatMap(({ file, reply }) => reply.failures.map((f) => ({ file, f })));
  const bytes = replies.reduce((sum, r) => sum + r.reply.bytes, 0);
  return {
    files: files.length,
    bytes,
    exceptions: failures.filter((x) => x.f.kind === 'exception').length,
    wasmFaults: failures.filter((x) => x.f.kind === 'wasm-fault').length,
    timeouts: lost.filter((x) => x.outcome.lost === 'timeout').length,
    workerDeaths: lost.filter((x) => x.outcome.lost === 'worker-died').length,
    invalidUtf8: replies.filter((r) => r.reply.invalidUtf8).length,
    overSizeLimit: replies.filter((r) => r.reply.bytes > DEFAULT_INPUT_LIMITS.maxFileSizeBytes).length,
    functions: replies.reduce((sum, r) => sum + r.reply.functions, 0),
    moduleMacros: replies.reduce((sum, r) => sum + r.reply.macros, 0),
    wallMs: Math.round(wallMs),
    workerMs: Math.round(replies.reduce((sum, r) => sum + r.reply.ms, 0)),
    megabytesPerSecond: Math.round((bytes / 1e6 / (wallMs / 1000)) * 100) / 100,
    filesPerSecond: Math.round((files.length / (wallMs / 1000)) * 10) / 10,
    slowest: [...replies]
      .sort((a, b) => b.reply.ms - a.reply.ms)
      .slice(0, 10)
      .map(({ file, reply }) => ({ file: relative(file), ms: Math.round(reply.ms), bytes: reply.bytes })),
    failures: [
      ...lost.map(({ file, outcome }) => ({
        module: '',
        file: relative(file),
        message: 'lost' in outcome ? `${outcome.lost}: ${outcome.message}` : '',
      })),
      ...failures.map(({ file, f }) => ({ module: '', file: relative(file), message: `${f.kind}: ${f.message}` })),
    ].slice(0, 25),
  };
}
