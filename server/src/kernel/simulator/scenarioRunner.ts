/**
 * A scenario file from start to end: `#sim` scripts, a booted (or restored) machine, the transcript.
 * What `lkm sim` and the tests share.
 */
import { promises as fs } from 'node:fs';
import type { CParser } from '../parsing/cParser';
import type { KernelProfile } from '../symbols/kernelProfile';
import { InterpreterEntryPointRunner } from '../interpreter/interpreterRunner';
import { ScriptedEntryPointRunner, type EntryPointRunner } from './entryPoints';
import type { KernelConfig } from './kernelConfig';
import { KernelState } from './kernelState';
import { Machine } from './machine';
import { parseScenario, prepareScenario, runScenarioLines } from './scenario';
import { parseSimDirectives } from './scenarioScripts';
import type { ToolSet } from './shell';
import { SourceModuleLoader } from './sourceLoader';

/** Where the scenario's folder is on the simulated machine (as scripts/vm/run-scenario.sh puts it). */
export const SCENARIO_CWD = '/scn';

export interface ScenarioRun {
  readonly transcript: string;
  readonly machine: Machine;
  /** What the simulator approximated or could not do, once each. */
  readonly notes: readonly string[];
  /** `#sim` lines that could not be read. */
  readonly errors: readonly string[];
}

export interface ScenarioFileOptions {
  readonly tools: ToolSet;
  readonly profile: KernelProfile;
  readonly config: KernelConfig;
  /** For module source folders; without it they cannot be loaded. */
  readonly parser?: CParser;
  /** Continue from this machine (its runner is replaced by the scenario's); boot a fresh one otherwise. */
  readonly machine?: Machine;
  /** Runs init/exit code; default: the scenario's `#sim` scripts, then the C interpreter (with a parser), then the declared defaults. */
  readonly runner?: EntryPointRunner;
}

export async function runScenarioFile(scenarioPath: string, options: ScenarioFileOptions): Promise<ScenarioRun> {
  const text = await fs.readFile(scenarioPath, 'utf8');
  const lines = parseScenario(text);
  const directives = parseSimDirectives(lines);
  // Module code runs in the interpreter when its sources are found; `#sim` scripts take precedence.
  const runner =
    options.runner ??
    new ScriptedEntryPointRunner(
      directives.scripts,
      options.parser ? new InterpreterEntryPointRunner(options.parser) : undefined,
    );
  const fresh = options.machine === undefined;
  const machine =
    options.machine ?? new Machine(new KernelState({ profile: options.profile, config: options.config, runner }));
  machine.kernel.runner = runner;
  machine.cwd = SCENARIO_CWD;
  const sources = options.parser ? new SourceModuleLoader(options.parser, machine.kernel.config) : undefined;
  const notes = await prepareScenario(machine, scenarioPath, lines, sources, { boot: fresh });
  const transcript = runScenarioLines(machine, lines, { tools: options.tools });
  return { transcript, machine, notes: [...new Set([...notes, ...machine.kernel.notes])], errors: directives.errors };
}
