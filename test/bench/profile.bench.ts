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

/** JS heap plus what lives outside it (typed arrays, large strings read from files). */
function memory(): { heap: number; external: number } {
  gc?.();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, external: usage.external };
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Median wall and CPU time of `load`, and the memory its result holds (the last run's, kept alive). */
function measure(what: string, load: () => KernelProfile): KernelProfile {
  const wall: number[] = [];
  const cpu: number[] = [];
  /** The result of the current run only: the previous one is let go before memory is measured. */
  const kept: KernelProfile[] = [];
  let delta = { heap: 0, external: 0 };
  for (let run = 0; run < RUNS; run++) {
    kept.length = 0;
    const before = memory();
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    kept.push(load());
    wall.push(performance.now() - start);
    const used = process.cpuUsage(cpuBefore);
    cpu.push((used.user + used.system) / 1000);
    const after = memory();
    delta = { heap: after.heap - before.heap, external: after.external - before.external };
  }
  console.log(
    `${what}: ${median(wall).toFixed(1)} ms (fastest ${Math.min(...wall).toFixed(1)}, first run ${wall[0]!.toFixed(1)}; ` +
      `CPU ${median(cpu).toFixed(1)} ms); ` +
      `memory held ${mb(delta.heap + delta.external)} (heap ${mb(delta.heap)}, outside the heap ${mb(delta.external)}); ` +
      `${kept[0]!.counts.exports} exports, ${kept[0]!.counts.symbols} symbols`,
  );
  return kept[0]!;
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

function main(): void {
  if (gc === undefined) console.log('(run with node --expose-gc for heap figures: npm run bench:profile)');
  console.log(referenceLoop());
  const scratch = mkdtempSync(path.join(tmpdir(), 'lkm-profile-bench-'));
  try {
    if (!existsSync(REAL_MODULE_SYMVERS)) {
      console.log(`${REAL_MODULE_SYMVERS} is missing: run npm run profile:update first.`);
    } else {
      const symvers = REAL_MODULE_SYMVERS;
      measure('Module.symvers alone (24,683 exports)', () => buildKernelProfile([readSnapshot({ file: symvers })]));
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
        last = measure(`Module.symvers + ${what}`, () =>
          buildKernelProfile([readSnapshot({ file: symvers }), readSnapshot({ file })]),
        );
      }
      if (last !== undefined) lookups(last);
    }
    const bundled = bundledProfilePath();
    const profile = measure(
      `bundled profile (${(readFileSync(bundled).length / 1024).toFixed(0)} KB)`,
      () => readBundledProfile(bundled).profile,
    );
    lookups(profile);
    console.log(referenceLoop());
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main();
