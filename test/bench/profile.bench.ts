/**
 * Prints time and memory figures for kernel profiles; asserts nothing. Run: npm run bench:profile
 * (node --expose-gc, so that heap deltas are measured after a full collection). Inputs: Debian
 * 6.1's real Module.symvers (fetched by npm run profile:update) with this machine's /proc/kallsyms,
 * Debian's System.map as a second real symbol file, and a 250k-line kallsyms made of both.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildKernelProfile } from '../../server/src/kernel/symbols/buildKernelProfile';
import { bundledProfilePath, readBundledProfile } from '../../server/src/kernel/symbols/bundledProfile';
import type { KernelProfile } from '../../server/src/kernel/symbols/kernelProfile';
import { readSnapshot } from '../../server/src/kernel/symbols/readSnapshot';
import { REAL_MODULE_SYMVERS, REAL_SYSTEM_MAP } from '../unit/symbols/symbolFixtures';

const RUNS = 15;
const gc = (globalThis as { gc?: () => void }).gc;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * JS heap plus what lives outside it (typed arrays), after full collections. Freed typed arrays are
 * released by a background sweeper, so collect a few times with pauses until the figures settle.
 */
async function memory(): Promise<{ heap: number; external: number }> {
  let usage = process.memoryUsage();
  for (let round = 0; round < 5; round++) {
    gc?.();
    await sleep(20);
    usage = process.memoryUsage();
  }
  return { heap: usage.heapUsed, external: usage.external };
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Wall and CPU time of `load` over RUNS runs (the first one, in a process that has not run it yet,
 * is what a starting language server pays), then, in a separate run between full collections, the
 * memory its result holds. Timed runs do not collect first: a forced collection makes the next run
 * slower, which would measure the collector, not the load.
 */
async function measure(what: string, load: () => KernelProfile): Promise<KernelProfile> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    load();
    wall.push(performance.now() - start);
    const used = process.cpuUsage(cpuBefore);
    cpu.push((used.user + used.system) / 1000);
  }
  const before = await memory();
  const kept = load();
  const after = await memory();
  const heap = after.heap - before.heap;
  const external = after.external - before.external;
  console.log(
    `${what}: first run ${wall[0]!.toFixed(1)} ms, then median ${median(wall.slice(1)).toFixed(1)} ms ` +
      `(fastest ${Math.min(...wall).toFixed(1)}; CPU median ${median(cpu).toFixed(1)} ms); ` +
      `memory held ${mb(heap + external)} (heap ${mb(heap)}, outside the heap ${mb(external)}); ` +
      `${kept.counts.exports} exports, ${kept.counts.symbols} symbols`,
  );
  return kept;
}

function lookups(profile: KernelProfile): void {
  const names = profile.exportedNames();
  const misses = names.map((name) => `${name}_missing`);
  for (const [what, list, lookup] of [
    ['exported(name), hit', names, (name: string) => profile.exported(name)],
    ['exported(name), miss', misses, (name: string) => profile.exported(name)],
    ['symbol(name)', names, (name: string) => profile.symbol(name)],
  ] as const) {
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const start = performance.now();
      for (const name of list) lookup(name);
      times.push(performance.now() - start);
    }
    console.log(`  ${what}: ${((median(times) * 1e6) / list.length).toFixed(0)} ns per lookup (${list.length} names)`);
  }
}

/** A fixed pure-JS loop, to tell a busy machine from slow code: about 6.5 ms on the idle development machine. */
function referenceLoop(): string {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    let sum = 0;
    for (let i = 0; i < 1e7; i++) sum = (sum + (i & 7)) | 0;
    times.push(performance.now() - start + (sum === -1 ? 1 : 0));
  }
  return `reference loop: ${median(times).toFixed(1)} ms (fastest ${Math.min(...times).toFixed(1)}; 6.5 ms when the machine is idle)`;
}

async function main(): Promise<void> {
  if (gc === undefined) console.log('(run with node --expose-gc for heap figures: npm run bench:profile)');
  console.log(referenceLoop());
  const scratch = mkdtempSync(path.join(tmpdir(), 'lkm-profile-bench-'));
  try {
    if (!existsSync(REAL_MODULE_SYMVERS)) {
      console.log(`${REAL_MODULE_SYMVERS} is missing: run npm run profile:update first.`);
    } else {
      const symvers = REAL_MODULE_SYMVERS;
      await measure('Module.symvers alone (24,683 exports)', () =>
        buildKernelProfile([readSnapshot({ file: symvers })]),
      );
      const kallsymsLines = (() => {
        try {
          return readFileSync('/proc/kallsyms', 'latin1');
        } catch {
          return '';
        }
      })();
      const symbolFiles: [string, string][] = [];
      if (kallsymsLines !== '' && !/^0{8,16} /.test(kallsymsLines)) {
        const copy = path.join(scratch, 'kallsyms');
        writeFileSync(copy, kallsymsLines);
        symbolFiles.push([
          `/proc/kallsyms (read live, ${kallsymsLines.split('\n').length - 1} lines)`,
          '/proc/kallsyms',
        ]);
        symbolFiles.push([`a copy of /proc/kallsyms on disk`, copy]);
      }
      if (existsSync(REAL_SYSTEM_MAP)) {
        const map = path.join(scratch, 'System.map-6.1.0-56-amd64');
        copyFileSync(REAL_SYSTEM_MAP, map);
        symbolFiles.push(["Debian 6.1's System.map (94,280 lines)", map]);
        if (kallsymsLines !== '') {
          // The upper end of a real kallsyms: this machine's plus System.map's lines as a module's.
          const big = path.join(scratch, 'kallsyms-250k');
          const moduleLines = readFileSync(REAL_SYSTEM_MAP, 'latin1')
            .split('\n')
            .filter((line) => line !== '')
            .map((line, i) => `${line}\t[mod${i % 300}]`);
          const all = [...kallsymsLines.split('\n').filter((line) => line !== ''), ...moduleLines];
          while (all.length < 250_000) all.push(`ffffffffc1000000 t extra_symbol_${all.length}\t[extra]`);
          writeFileSync(big, all.join('\n') + '\n');
          symbolFiles.push([`a ${all.length}-line kallsyms (this machine's, System.map's as modules)`, big]);
        }
      }
      let last: KernelProfile | undefined;
      for (const [what, file] of symbolFiles) {
        last = await measure(`Module.symvers + ${what}`, () =>
          buildKernelProfile([readSnapshot({ file: symvers }), readSnapshot({ file })]),
        );
      }
      if (last !== undefined) lookups(last);
    }
    const bundled = bundledProfilePath();
    const profile = await measure(
      `bundled profile (${(readFileSync(bundled).length / 1024).toFixed(0)} KB)`,
      () => readBundledProfile(bundled).profile,
    );
    lookups(profile);
    console.log(referenceLoop());
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

void main();
