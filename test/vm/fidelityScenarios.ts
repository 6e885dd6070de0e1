// The scenarios of the fidelity suite, how each runs on the real kernel and on the simulator, and
// the simulator's known differences that the suite found (each with its reason). Shared by
// test/vm/fidelity.test.ts (live, on the VM) and test/unit/simulator/realGoldens.test.ts (the
// recorded goldens).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { InterpreterEntryPointRunner } from '../../server/src/kernel/interpreter/interpreterRunner';
import { CParser } from '../../server/src/kernel/parsing/cParser';
import { ScriptedEntryPointRunner, type EntryPointRunner } from '../../server/src/kernel/simulator/entryPoints';
import { DEBIAN_6_1_CONFIG } from '../../server/src/kernel/simulator/kernelConfig';
import type { Machine } from '../../server/src/kernel/simulator/machine';
import { parseScenario, prepareScenario, runScenarioLines } from '../../server/src/kernel/simulator/scenario';
import { runScenarioFile, SCENARIO_CWD } from '../../server/src/kernel/simulator/scenarioRunner';
import { parseSimDirectives } from '../../server/src/kernel/simulator/scenarioScripts';
import { SourceModuleLoader } from '../../server/src/kernel/simulator/sourceLoader';
import { profileFromSymvers } from '../../server/src/kernel/simulator/symversProfile';
import type { KernelProfile } from '../../server/src/kernel/symbols/kernelProfile';
import { COMMON_DIFFERENCES, type KnownDifference } from './fidelityCompare';

export const ROOT = path.resolve(__dirname, '../..');
export const GOLDEN_DIR = path.join(ROOT, 'test/fixtures/vm/golden');

export interface FidelityScenario {
  /** Short name; the golden is golden/<name>.txt. */
  readonly name: string;
  readonly file: string;
  /** How the real kernel runs it: `lkm remote` (this library), or scripts/vm/run-scenario.sh (it builds source folders with kbuild). */
  readonly real: 'lkm-remote' | 'run-scenario';
  /** What module code does, for scenarios that have no #sim lines. */
  readonly runner?: () => EntryPointRunner;
}

export const SCENARIOS: readonly FidelityScenario[] = [
  {
    name: 'samples',
    file: 'test/fixtures/vm/scenarios/samples.scenario',
    real: 'lkm-remote',
    runner: () => new ScriptedEntryPointRunner({ enodev: { init: { returns: -19 } } }),
  },
  { name: 'reference', file: 'test/fixtures/simulator/scenarios/reference/reference.scenario', real: 'run-scenario' },
  { name: 'sources', file: 'test/fixtures/simulator/scenarios/sources/sources.scenario', real: 'run-scenario' },
  { name: 'extended-deps', file: 'test/fixtures/vm/scenarios/extended/deps.scenario', real: 'lkm-remote' },
  { name: 'extended-params', file: 'test/fixtures/vm/scenarios/extended/params.scenario', real: 'lkm-remote' },
  { name: 'extended-init', file: 'test/fixtures/vm/scenarios/extended/init.scenario', real: 'lkm-remote' },
];

/**
 * What the simulator does differently from the real kernel, as the suite found it: each names the
 * blocks it shows in and why. Fixing the simulator should remove entries from here.
 */
export const SIMULATOR_DIFFERENCES: readonly KnownDifference[] = [
  ...COMMON_DIFFERENCES,
  {
    id: 'modpost-refuses',
    why:
      'kbuild cannot make a .ko of these samples (modpost stops at a GPL-only symbol in a proprietary module, a missing ' +
      'MODULE_LICENSE, a missing namespace import, even with KBUILD_MODPOST_WARN=1), so the real kernel never sees them ' +
      "(insmod: No such file); the simulator loads them from their sources. The blocks after them follow: the kernel's " +
      "first 'P' taint and its messages come later on the real kernel",
    scenarios: ['reference.scenario'],
    blocks:
      /^\$ (insmod \.\.\/.*samples\/broken\/(gpl-only-symbol|missing-license)|dmesg -r -c|cat \/proc\/sys\/kernel\/tainted|cat \/proc\/modules|rmmod nolicense)$/,
    // dmesg #9, #10, #23, #24; tainted #3; /proc/modules #11 (the insmod and rmmod lines occur once)
    nth: [1, 3, 9, 10, 11, 23, 24],
  },
  {
    id: 'modpost-refuses',
    why: 'kbuild cannot make a .ko of missing-namespace-import (modpost: uses symbol from namespace DMA_BUF, but does not import it)',
    scenarios: ['sources.scenario'],
    blocks: /^\$ (insmod \.\.\/.*samples\/broken\/missing-namespace-import|dmesg -r -c)$/,
    nth: [1, 11],
  },
  {
    id: 'in-tree-modules',
    why:
      "the guest's /lib/modules/<release> also holds Debian's in-tree modules and the files that come with them " +
      '(kernel/…, e1000.ko in modules.dep, modules.order, modules.builtin, modules.builtin.modinfo); the simulator boots with none',
    scenarios: ['reference.scenario'],
    lines: /^(kernel|kernel\/.*\.ko:.*|modules\.(order|builtin|builtin\.modinfo))$/,
  },
  {
    id: 'modinfo-needs-ko',
    why:
      "kmod's modinfo takes an argument as a file only when its name ends in .ko; a source folder stands for its .ko under " +
      "the folder's name (no .ko), so the real modinfo looks for a module of that name and finds none",
    scenarios: ['sources.scenario'],
    blocks: /^\$ modinfo \.\.\/.*samples\/params$/,
  },
];

/** vmlinux's exports with Debian 6.1.0-56-amd64's real CRCs (the simulator tests' profile). */
export function fixtureProfile(): KernelProfile {
  const text = readFileSync(path.join(ROOT, 'test/fixtures/simulator/vmlinux.symvers'), 'utf8');
  return profileFromSymvers(text, 'vmlinux.symvers', DEBIAN_6_1_CONFIG.release);
}

let parser: Promise<CParser> | undefined;
function cParser(): Promise<CParser> {
  parser ??= CParser.load();
  return parser;
}

/** The scenario on a freshly booted simulated kernel. */
export async function simulateFresh(scenario: FidelityScenario): Promise<{ transcript: string; machine: Machine }> {
  const run = await runScenarioFile(path.join(ROOT, scenario.file), {
    tools: 'kmod',
    profile: fixtureProfile(),
    config: DEBIAN_6_1_CONFIG,
    parser: await cParser(),
    ...(scenario.runner ? { runner: scenario.runner() } : {}),
  });
  return { transcript: run.transcript, machine: run.machine };
}

/**
 * The scenario on a simulated kernel that already ran others (as the VM did): /scn replaced,
 * extra/ emptied and filled from modules/, depmod, the log cleared; loaded modules and taint stay.
 */
export async function simulateAfter(machine: Machine, scenario: FidelityScenario): Promise<string> {
  const file = path.join(ROOT, scenario.file);
  for (const key of [...machine.files.keys()]) {
    if (key.startsWith(`${SCENARIO_CWD}/`) || key.startsWith(`${machine.modulesDir}/extra/`)) machine.files.delete(key);
  }
  const lines = parseScenario(readFileSync(file, 'utf8'));
  // As runScenarioFile: #sim scripts first, else the module's C code when its sources are found.
  machine.kernel.runner =
    scenario.runner?.() ??
    new ScriptedEntryPointRunner(parseSimDirectives(lines).scripts, new InterpreterEntryPointRunner(await cParser()));
  machine.cwd = SCENARIO_CWD;
  await prepareScenario(machine, file, lines, new SourceModuleLoader(await cParser(), machine.kernel.config), {
    boot: true,
  });
  return runScenarioLines(machine, lines, { tools: 'kmod' });
}
