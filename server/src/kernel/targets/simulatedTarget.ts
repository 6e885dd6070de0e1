/**
 * The simulated Linux 6.1 kernel as a target: module files of the workspace are put on its disk
 * under their own paths, kmod 30's tools run on it, and module code runs in the C interpreter.
 * The whole machine saves to JSON and restores from it.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { InterpreterEntryPointRunner } from '../interpreter/interpreterRunner';
import type { CParser } from '../parsing/cParser';
import { parseProcModules, type ProcModule } from '../remote/moduleState';
import { moduleParameterWords, shellCommand } from '../remote/shellQuote';
import { runDepmod } from '../simulator/depmod';
import { configForRelease, DEBIAN_6_1_CONFIG, type KernelConfig } from '../simulator/kernelConfig';
import type { LogRecord } from '../simulator/kernelLog';
import { KernelState } from '../simulator/kernelState';
import { Machine } from '../simulator/machine';
import { restoreMachine, serializeMachine } from '../simulator/persistence';
import { procModules } from '../simulator/procfs';
import { runTool } from '../simulator/shell';
import { SourceModuleLoader, sourcesBeside } from '../simulator/sourceLoader';
import { taintValue } from '../simulator/taint';
import type { ToolOutput } from '../simulator/toolSupport';
import type { KernelProfile } from '../symbols/kernelProfile';
import { parameterPairs, type KernelTarget, type ModprobeOptions, type ModuleFile, type ToolRun } from './kernelTarget';
import type { TargetSpec } from './targetTypes';

/** Time between two operations, as between two commands typed in a shell. */
const COMMAND_GAP_US = 1_500_000;

export interface SimulatedTargetOptions {
  readonly profile: KernelProfile;
  readonly parser: CParser;
  /** Default: the profile's release, else Debian's 6.1.0-56-amd64. */
  readonly release?: string;
}

/** The kernel a simulated target boots: the profile's release, else Debian's 6.1.0-56-amd64. */
export function simulatedConfig(options: { readonly profile: KernelProfile; readonly release?: string }): KernelConfig {
  return configForRelease(options.release ?? options.profile.release ?? DEBIAN_6_1_CONFIG.release);
}

export class ModuleFileError extends Error {
  override readonly name = 'ModuleFileError';
}

export class SimulatedTarget implements KernelTarget {
  readonly spec: TargetSpec = { kind: 'simulated' };
  readonly real = false;
  private constructor(
    readonly machine: Machine,
    private readonly parser: CParser,
  ) {}

  /** A freshly booted kernel. */
  static boot(options: SimulatedTargetOptions): SimulatedTarget {
    const kernel = new KernelState({
      profile: options.profile,
      config: simulatedConfig(options),
      runner: new InterpreterEntryPointRunner(options.parser),
    });
    const machine = new Machine(kernel);
    runDepmod(machine);
    kernel.log.clear();
    return new SimulatedTarget(machine, options.parser);
  }

  /** A saved machine; throws SimulatorStateError when the saved state is not whole and consistent. */
  static restore(saved: string, options: SimulatedTargetOptions): SimulatedTarget {
    const machine = restoreMachine(saved, options.profile, new InterpreterEntryPointRunner(options.parser));
    return new SimulatedTarget(machine, options.parser);
  }

  serialize(): string {
    return serializeMachine(this.machine);
  }

  get label(): string {
    return `simulated ${this.machine.release}`;
  }

  get kernel(): KernelState {
    return this.machine.kernel;
  }

  release(): Promise<string> {
    return Promise.resolve(this.machine.release);
  }

  tainted(): Promise<number> {
    return Promise.resolve(taintValue(this.kernel.taint));
  }

  modules(): Promise<ProcModule[]> {
    return Promise.resolve(parseProcModules(procModules(this.kernel)));
  }

  log(): readonly LogRecord[] {
    return this.kernel.log.all();
  }

  async insmod(file: ModuleFile, parameters: readonly string[]): Promise<ToolRun> {
    const where = await this.place(file);
    return this.run('insmod', [where.path, ...moduleParameterWords(parameterPairs(parameters))], where.notes);
  }

  rmmod(name: string, force: boolean): Promise<ToolRun> {
    return Promise.resolve(this.run('rmmod', [...(force ? ['-f'] : []), name], []));
  }

  async modprobe(name: string, options: ModprobeOptions): Promise<ToolRun> {
    const notes: string[] = [];
    if (options.install !== undefined && options.install.length > 0) {
      const extra = `${this.machine.modulesDir}/extra`;
      for (const file of options.install) {
        const placed = await this.place(file, extra);
        notes.push(...placed.notes);
      }
      runDepmod(this.machine);
    }
    const words = options.remove
      ? ['-r', name]
      : [name, ...moduleParameterWords(parameterPairs(options.parameters ?? []))];
    return this.run('modprobe', words, notes);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Puts a module file on the simulated disk: under its own path, or in `folder` (for modprobe). */
  private async place(file: ModuleFile, folder?: string): Promise<{ path: string; notes: readonly string[] }> {
    if (file.kind === 'ko') {
      const bytes = await fs.readFile(file.path).catch((error: NodeJS.ErrnoException) => {
        throw new ModuleFileError(`cannot read ${file.path}: ${error.code ?? error.message}`);
      });
      const name = path.basename(file.path);
      const sourceDir = await sourcesBeside(file.path, name.replace(/\.ko$/, ''));
      const where = folder === undefined ? file.path : `${folder}/${name}`;
      this.machine.writeFile(where, {
        kind: 'bytes',
        bytes: new Uint8Array(bytes),
        ...(sourceDir ? { sourceDir } : {}),
      });
      return { path: where, notes: [] };
    }
    // A fresh loader each time: its cache would keep sources edited since.
    const modules = await new SourceModuleLoader(this.parser, this.kernel.config).modulesIn(file.path);
    const module = modules.find((m) => m.name === file.name);
    if (module === undefined)
      throw new ModuleFileError(
        `${file.path} has no module '${file.name}' (no .c file with its module_init or Kbuild line)`,
      );
    const where = `${folder ?? file.path}/${module.name}.ko`;
    this.machine.writeFile(where, { kind: 'source-module', module });
    return { path: where, notes: module.approximations };
  }

  private run(tool: 'insmod' | 'rmmod' | 'modprobe', args: readonly string[], notes: readonly string[]): ToolRun {
    const kernel = this.kernel;
    kernel.advance(COMMAND_GAP_US);
    const before = kernel.log.all().at(-1)?.seq ?? -1;
    const notesBefore = kernel.notes.length;
    const output: ToolOutput = runTool(this.machine, 'kmod', tool, args) ?? { stdout: '', stderr: '', exit: 127 };
    kernel.settle();
    return {
      command: shellCommand([tool, ...args]),
      exit: output.exit,
      stdout: output.stdout,
      stderr: output.stderr,
      log: kernel.log.all().filter((r) => r.seq > before),
      notes: [...new Set([...notes, ...kernel.notes.slice(notesBefore)])],
    };
  }
}
