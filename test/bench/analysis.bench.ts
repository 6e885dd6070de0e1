/**
 * Prints speed and memory figures for the analysis; asserts nothing (timings belong here, not in
 * tests). Run: npm run bench
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ModuleWorkspace } from '../../server/src/kernel/analysis/moduleWorkspace';
import { extractFacts } from '../../server/src/kernel/model/sourceFacts';
import { CParser } from '../../server/src/kernel/parsing/cParser';
import { ParsedSource } from '../../server/src/kernel/parsing/parsedSource';
import { SAMPLE_FILES, readText } from '../support/fixtures';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function time(runs: number, action: () => unknown): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await action();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

const ms = (value: number): string => `${value.toFixed(2)} ms`;

async function main(): Promise<void> {
  const loadStart = performance.now();
  const parser = await CParser.load();
  console.log(`grammar load: ${ms(performance.now() - loadStart)}`);

  const chardev = readText(SAMPLE_FILES.chardev);
  // A large but realistic file: the chardev sample repeated to ~5,000 lines.
  const copies = Math.ceil(5000 / chardev.split('\n').length);
  const large = Array.from({ length: copies }, (_, i) => chardev.replace(/chardev/g, `chardev${i}`)).join('\n');
  const scratch = mkdtempSync(path.join(tmpdir(), 'lkm-bench-'));

  try {
    for (const [name, text] of [
      ['chardev.c', chardev],
      [`${large.split('\n').length}-line file`, large],
    ] as const) {
      const file = path.join(scratch, name.replace(/\W/g, '_') + '.c');
      writeFileSync(file, text);
      const parse = await time(20, () => ParsedSource.parse(parser, text).dispose());
      const parsed = ParsedSource.parse(parser, text);
      const facts = await time(20, () => extractFacts(parser, parsed));
      const workspace = new ModuleWorkspace(parser);
      workspace.useParsed(file, parsed);
      const moduleChecks = await time(20, () => workspace.analyze(file));
      // One keystroke, as the server handles it: re-parse incrementally, re-read this file's facts,
      // re-run the module's checks.
      const middle = text.indexOf('{', Math.floor(text.length / 2));
      let current = text;
      const keystroke = await time(40, async () => {
        const typed = current[middle + 1] === 'x';
        current = current.slice(0, middle + 1) + (typed ? '' : 'x') + current.slice(middle + (typed ? 2 : 1));
        parsed.update(current);
        workspace.useParsed(file, parsed);
        await workspace.analyze(file);
      });
      parsed.dispose();
      console.log(
        `${name} (${(text.length / 1024).toFixed(0)} KB): full parse ${ms(parse)}, facts ${ms(facts)}, module checks ${ms(moduleChecks)}; one keystroke end to end ${ms(keystroke)} (medians)`,
      );
    }

    // A composite module of 20 files: an edit in one re-reads that file only.
    const composite = path.join(scratch, 'composite');
    rmSync(composite, { recursive: true, force: true });
    const members = Array.from({ length: 20 }, (_, i) => `part${i}`);
    mkdirSync(composite);
    writeFileSync(
      path.join(composite, 'Kbuild'),
      `obj-m += big.o\nbig-y := ${members.map((m) => `${m}.o`).join(' ')}\n`,
    );
    members.forEach((member, i) =>
      writeFileSync(
        path.join(composite, `${member}.c`),
        i === 0
          ? chardev
          : chardev
              .replace(/chardev/g, member)
              .replace(/module_(init|exit)\(\w+\);\n/g, '')
              .replace(/MODULE_\w+\(.*\);\n/g, ''),
      ),
    );
    const workspace = new ModuleWorkspace(parser);
    const first = path.join(composite, 'part0.c');
    const cold = await time(1, () => workspace.analyze(first));
    const parsed = ParsedSource.parse(parser, readText(first));
    let current = parsed.text;
    const keystroke = await time(40, async () => {
      current = current.endsWith('\n\n') ? current.slice(0, -1) : `${current}\n`;
      parsed.update(current);
      workspace.useParsed(first, parsed);
      await workspace.analyze(first);
    });
    parsed.dispose();
    console.log(
      `20-file Kbuild module: first analysis ${ms(cold)}, one keystroke in one file ${ms(keystroke)} (median)`,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const memory = process.memoryUsage();
  console.log(
    `memory: rss ${(memory.rss / 1048576).toFixed(0)} MB, JS heap ${(memory.heapUsed / 1048576).toFixed(0)} MB`,
  );
}

void main();
