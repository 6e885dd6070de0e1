/** The evaluation's command line: where the kernel tree and the module image are, and how much to run. */
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

export interface EvalOptions {
  /** Root of the Linux source tree (the folder holding `scripts/Makefile.lib`). */
  readonly source: string;
  /** Root of the extracted linux-image package (holding `lib/modules/<release>/` and `boot/`). */
  readonly image: string;
  /** A kernel build tree (linux-headers), as `lkm check --kernel-headers` takes; without it, no headers. */
  readonly headers?: string;
  readonly workers: number;
  /** Per-task wall-clock limit: a module (or a file in --all-files) that takes longer is given up. */
  readonly timeoutMs: number;
  /** Tasks a worker runs before it is replaced, which bounds the wasm memory it can grow to. */
  readonly recycleAfter: number;
  /** Seeded defects per kind. */
  readonly seeded: number;
  /** Modules also analysed through ModuleWorkspace.analyze, to compare with this evaluation's path. */
  readonly crossCheck: number;
  readonly seed: number;
  /** Also parse every `.c` file of the tree. */
  readonly allFiles: boolean;
  readonly skipModules: boolean;
  /** Only the first N modules of a deterministic shuffle (a quick run). */
  readonly limit?: number;
  /** Only modules whose `.ko` path (under `kernel/`) matches this. */
  readonly only?: RegExp;
  /** Where the JSON goes; undefined for a partial run without --json: nothing is written. */
  readonly json?: string;
  readonly markdown?: string;
  /** Every diagnostic, missed or extra export and init/exit disagreement, one JSON object a line. */
  readonly dump?: string;
  readonly quiet: boolean;
}

export const RESULTS_DIR = path.join(__dirname, 'results');
const DEFAULT_JSON = path.join(RESULTS_DIR, 'kernel-6.1.json');

export const USAGE = `usage: npx tsx test/eval/kernelEval.ts --source <linux tree> --image <extracted linux-image> [options]

 --headers DIR      the kernel headers the analysis sees (a linux-headers build tree, as
                     lkm check --kernel-headers takes); without it the analysis runs without headers
  --workers N        worker threads (default: 2, at most the CPU count)
  --timeout S        seconds one module (or file) may take before it is given up (default 120)
  --recycle N        tasks a worker runs before it is replaced (default 500)
  --seeded N         seeded defects per kind (default 400)
 --cross-check N    also analyse N modules (a deterministic sample) through ModuleWorkspace.analyze,
                     the editor's path, and compare (default 300; 0: none)
  --seed N           PRNG seed for every sample (default 61)
  --all-files        also parse every .c file of the tree (parse + facts), counting faults
  --skip-modules     only the --all-files pass
  --limit N          only N modules (a deterministic sample): a quick run
  --only REGEX       only modules whose path under kernel/ matches
  --json FILE        where the figures go (default test/eval/results/kernel-6.1.json;
                     a partial run writes nothing unless --json is given)
  --markdown FILE    where the README table goes (default beside the JSON, .md)
  --dump FILE        everything behind the figures (every diagnostic, missed or extra export,
                     init/exit disagreement) as JSON lines, to study false alarms; not for committing
  --quiet            no progress lines`;

export class UsageError extends Error {}

export function parseOptions(argv: readonly string[]): EvalOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      source: { type: 'string' },
      image: { type: 'string' },
      headers: { type: 'string' },
      workers: { type: 'string' },
      timeout: { type: 'string' },
      recycle: { type: 'string' },
      seeded: { type: 'string' },
      'cross-check': { type: 'string' },
      seed: { type: 'string' },
      'all-files': { type: 'boolean' },
      'skip-modules': { type: 'boolean' },
      limit: { type: 'string' },
      only: { type: 'string' },
      json: { type: 'string' },
      markdown: { type: 'string' },
      dump: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true) throw new UsageError('');
  if (values.source === undefined || values.image === undefined)
    throw new UsageError('--source and --image are needed');
  const limit = values.limit === undefined ? undefined : count(values.limit, '--limit', 1);
  const only = values.only === undefined ? undefined : new RegExp(values.only);
  const partial = limit !== undefined || only !== undefined;
  const json = values.json ?? (partial ? undefined : DEFAULT_JSON);
  const markdown = values.markdown ?? (json === undefined ? undefined : json.replace(/\.json$/, '') + '.md');
  return {
    source: path.resolve(values.source),
    image: path.resolve(values.image),
    ...(values.headers !== undefined ? { headers: path.resolve(values.headers) } : {}),
    workers: Math.min(count(values.workers ?? '2', '--workers', 1), Math.max(1, os.cpus().length)),
    timeoutMs: count(values.timeout ?? '120', '--timeout', 1) * 1000,
    recycleAfter: count(values.recycle ?? '500', '--recycle', 1),
    seeded: count(values.seeded ?? '400', '--seeded', 0),
    crossCheck: count(values['cross-check'] ?? '300', '--cross-check', 0),
    seed: count(values.seed ?? '61', '--seed', 0),
    allFiles: values['all-files'] === true,
    skipModules: values['skip-modules'] === true,
    ...(limit !== undefined ? { limit } : {}),
    ...(only !== undefined ? { only } : {}),
    ...(json !== undefined ? { json: path.resolve(json) } : {}),
    ...(markdown !== undefined ? { markdown: path.resolve(markdown) } : {}),
    ...(values.dump !== undefined ? { dump: path.resolve(values.dump) } : {}),
    quiet: values.quiet === true,
  };
}

function count(text: string, option: string, minimum: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < minimum) throw new UsageError(`${option} wants an integer ≥ ${minimum}`);
  return value;
}
