/**
 * Prints speed and memory figures for the analysis; asserts nothing (timings belong here, not in
 * tests). Run: npm run bench
 */
import { performance } from 'node:perf_hooks';
import { analyzeParsedSource } from '../../server/src/kernel/analysis/analyzeSource';
import { CParser } from '../../server/src/kernel/parsing/cParser';
import { ParsedSource } from '../../server/src/kernel/parsing/parsedSource';
import { SAMPLE_FILES, readText } from '../support/fixtures';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time(runs: number, action: () => void): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    action();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

async function main(): Promise<void> {
  const loadStart = performance.now();
  const parser = await CParser.load();
  console.log(`grammar load                     ${(performance.now() - loadStart).toFixed(1)} ms`);

  const chardev = readText(SAMPLE_FILES.chardev);
  // A large but realistic file: the chardev sample repeated to ~5,000 lines.
  const copies = Math.ceil(5000 / chardev.split('\n').length);
  const large = Array.from({ length: copies }, (_, i) => chardev.replace(/chardev/g, `chardev${i}`)).join('\n');

  for (const [name, text] of [
    ['chardev.c', chardev],
    [`${large.split('\n').length}-line file`, large],
  ] as const) {
    const parse = time(20, () => ParsedSource.parse(parser, text).dispose());
    const parsed = ParsedSource.parse(parser, text);
    const analyse = time(20, () => analyzeParsedSource(parser, '/bench/x.c', parsed));
    // One-character edits in the middle of the file, as while typing.
    const middle = text.indexOf('{', Math.floor(text.length / 2));
    let current = text;
    const edit = time(50, () => {
      current = current.slice(0, middle + 1) + (current[middle + 1] === 'x' ? '' : 'x') + current.slice(middle + 1);
      parsed.update(current);
    });
    parsed.dispose();
    const kb = (text.length / 1024).toFixed(0);
    console.log(
      `${name.padEnd(20)} ${kb.padStart(5)} KB  full parse ${parse.toFixed(2)} ms, analysis ${analyse.toFixed(2)} ms, incremental re-parse after 1-char edit ${edit.toFixed(2)} ms (medians)`,
    );
  }

  const heap = process.memoryUsage();
  console.log(
    `memory                           rss ${(heap.rss / 1048576).toFixed(0)} MB, JS heap ${(heap.heapUsed / 1048576).toFixed(0)} MB`,
  );
}

void main();
