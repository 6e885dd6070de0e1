import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CParser } from '../../../server/src/kernel/parsing/cParser';
import { InterpreterEntryPointRunner } from '../../../server/src/kernel/interpreter/interpreterRunner';
import { DEBIAN_6_1_CONFIG } from '../../../server/src/kernel/simulator/kernelConfig';
import { runScenarioFile } from '../../../server/src/kernel/simulator/scenarioRunner';
import type { ToolSet } from '../../../server/src/kernel/simulator/shell';
import { FIXTURES, testProfile } from './helpers';

const SCENARIOS = path.join(FIXTURES, 'simulator/scenarios');
const SAMPLES = path.resolve(FIXTURES, '../../samples');

/** The samples' folder that holds `<name>.c` (the VM's .ko files were built from them). */
function sampleFolder(name: string): string | undefined {
  const walk = (dir: string): string | undefined => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isFile() && entry.name === `${name}.c`) return dir;
      if (entry.isDirectory()) {
        const found = walk(full);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  };
  return walk(SAMPLES);
}
/** LKM_UPDATE_GOLDEN=1 rewrites the expected transcripts (then review the diff against the reference wording). */
const UPDATE = process.env.LKM_UPDATE_GOLDEN === '1';

let parser: CParser;
before(async () => {
  parser = await CParser.load();
});

describe('simulator: project scenarios (expected transcripts in test/fixtures/simulator/scenarios)', () => {
  for (const folder of readdirSync(SCENARIOS)) {
    const dir = path.join(SCENARIOS, folder);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.scenario'))) {
      for (const tools of ['kmod', 'busybox'] as ToolSet[]) {
        const expectedPath = path.join(dir, file.replace(/\.scenario$/, `.${tools}.txt`));
        it(`${folder}/${file} with ${tools}`, async () => {
          const run = await runScenarioFile(path.join(dir, file), {
            tools,
            profile: testProfile(),
            config: DEBIAN_6_1_CONFIG,
            parser,
          });
          assert.deepEqual(run.errors, []);
          if (UPDATE || !existsSync(expectedPath)) writeFileSync(expectedPath, run.transcript);
          assert.equal(run.transcript, readFileSync(expectedPath, 'utf8'));
        });
      }
    }
  }
});

/** The loader's and kmod's own kernel lines (what the simulator prints without running module code). */
const KERNEL_LINES = [
  /taints kernel\.$/,
  /module verification failed/,
  /^Disabling lock debugging/,
  /Unknown symbol \S+ \(err -\d+\)$/,
  /no symbol version for/,
  /disagrees about version of symbol/,
  /version magic '/,
  /invalid for parameter/,
  /too large for parameter/,
  /unknown parameter '.*' ignored$/,
  /can only take \d+ arguments$/,
  /string doesn't fit in/,
  /^Invalid ELF/,
  /No module found in object$/,
  /exports duplicate symbol/,
];

/**
 * The real kernel's boot modules (virtio, failover) are left out; module code's own printk lines
 * too when `moduleLines` is false (a run without the interpreter).
 */
function normalize(block: string, real: boolean, moduleLines = true): string {
  return block
    .split('\n')
    .filter((line) => !/virtio|failover/.test(line))
    .filter((line) => {
      const printk = /^<\d>\[[ \d.]+\] (.*)$/.exec(line);
      return moduleLines || !real || printk === null || KERNEL_LINES.some((re) => re.test(printk[1]!));
    })
    .map((line) => line.replace(/^<(\d)>\[[ \d.]+\]/, '<$1>[T]').replace(/0xffffffffc0[0-9a-f]{6}/g, '0xADDRESS'))
    .join('\n')
    .replace(/--- stdout:\n(?=\[exit=|--- stderr:)/g, '');
}

function blocks(transcript: string): string[] {
  return transcript.split(/\n(?=\$ |# )/);
}

describe('simulator: the samples scenario against the real kernel golden (test/fixtures/vm)', () => {
  const scenario = path.join(FIXTURES, 'vm/scenarios/samples.scenario');
  const golden = path.join(FIXTURES, 'vm/golden/samples.txt');
  it('agrees block by block, module printk lines included (C interpreted), except boot modules, addresses, timestamps and device files', async function () {
    if (!existsSync(scenario) || !existsSync(golden)) this.skip();
    const run = await runScenarioFile(scenario, {
      tools: 'kmod',
      profile: testProfile(),
      config: DEBIAN_6_1_CONFIG,
      parser,
      // The VM's .ko files have no sources beside them: the interpreter reads the samples they were built from.
      runner: new InterpreterEntryPointRunner(parser, { sourceDir: (m) => sampleFolder(m.name) }),
    });
    const ours = blocks(run.transcript);
    const theirs = blocks(readFileSync(golden, 'utf8'));
    assert.equal(ours.length, theirs.length);
    // Files of devices and drivers that init code would create: the simulator runs no init code.
    const notSimulated = [/^\$ ls \/sys\/class\/chardev/, /^\$ cat \/dev\/chardev/, /^\$ ls \/sys\/bus\/platform/];
    let compared = 0;
    for (let i = 0; i < ours.length; i++) {
      if (notSimulated.some((re) => re.test(theirs[i]!))) continue;
      assert.equal(normalize(ours[i]!, false), normalize(theirs[i]!, true), `block ${i}`);
      compared++;
    }
    assert.ok(compared > 100, `${compared} blocks compared`);
  });
});
