/**
 * `lkm sim SCENARIO [--tools kmod|busybox] [--release R] [--symvers FILE] [--state FILE]`: runs a
 * scenario on the simulated Linux 6.1 kernel and prints its transcript.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CParser } from '../kernel/parsing/cParser';
import type { KernelProfile } from '../kernel/symbols/kernelProfile';
import { configForRelease, DEBIAN_6_1_CONFIG } from '../kernel/simulator/kernelConfig';
import type { Machine } from '../kernel/simulator/machine';
import { runScenarioFile } from '../kernel/simulator/scenarioRunner';
import { restoreMachine, serializeMachine, SimulatorStateError } from '../kernel/simulator/persistence';
import type { ToolSet } from '../kernel/simulator/shell';
import { profileFromSymvers } from '../kernel/simulator/symversProfile';
import { loadBundledProfile } from '../kernel/symbols/bundledProfile';
import { SnapshotError } from '../kernel/symbols/snapshotError';
import { UsageError, type CommandIo } from './commandIo';

export const SIM_USAGE = `usage: lkm sim SCENARIO [--tools kmod|busybox] [--release R] [--symvers FILE] [--state FILE]

Runs SCENARIO (one command per line: insmod, rmmod, modprobe, depmod, lsmod, modinfo, cat, ls,
echo V > FILE, dmesg, # comments) on a simulated Linux 6.1 kernel and prints the transcript
($ command, --- stdout:, --- stderr:, [exit=N]). Modules in modules/ beside the scenario are
installed in /lib/modules/<release>/extra at boot.

options:
  --tools kmod|busybox   which module tools answer (default kmod: kmod 30)
  --release R            the kernel release (default ${DEBIAN_6_1_CONFIG.release})
  --symvers FILE         the kernel's exports (Module.symvers); default: the release's installed
                         headers', else the bundled Debian 6.1 profile
  --state FILE           start from the machine saved in FILE (if any) and save it there after`;

interface SimOptions {
  scenario: string;
  tools: ToolSet;
  release: string;
  symvers?: string;
  state?: string;
}

function parseOptions(argv: readonly string[]): SimOptions {
  let scenario: string | undefined;
  let tools: ToolSet = 'kmod';
  let release = DEBIAN_6_1_CONFIG.release;
  let symvers: string | undefined;
  let state: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--tools') {
      const t = value();
      if (t !== 'kmod' && t !== 'busybox') throw new UsageError(`--tools must be kmod or busybox, not '${t}'`);
      tools = t;
    } else if (a === '--release') release = value();
    else if (a === '--symvers') symvers = value();
    else if (a === '--state') state = value();
    else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    else if (scenario === undefined) scenario = a;
    else throw new UsageError(`one scenario at a time ('${a}')`);
  }
  if (scenario === undefined) throw new UsageError('a scenario file is needed');
  return { scenario, tools, release, ...(symvers ? { symvers } : {}), ...(state ? { state } : {}) };
}

/** The kernel's exports: --symvers, else the release's installed headers' Module.symvers. */
async function loadProfile(options: SimOptions, io: CommandIo): Promise<KernelProfile> {
  const candidates = options.symvers
    ? [path.resolve(io.cwd, options.symvers)]
    : [
        `/usr/src/linux-headers-${options.release}/Module.symvers`,
        `/lib/modules/${options.release}/build/Module.symvers`,
      ];
  for (const file of candidates) {
    const text = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    return profileFromSymvers(text, file, options.release);
  }
  if (options.symvers) throw new UsageError(`cannot read ${options.symvers}`);
  try {
    const bundled = loadBundledProfile();
    io.stderr(
      `lkm sim: no Module.symvers for ${options.release} installed: using the bundled profile (${bundled.header.description})\n`,
    );
    return bundled.profile;
  } catch (error) {
    if (!(error instanceof SnapshotError)) throw error;
  }
  io.stderr(
    `lkm sim: no Module.symvers for ${options.release} (install linux-headers-${options.release} or give --symvers): the kernel exports nothing, so every module import is an unknown symbol\n`,
  );
  return profileFromSymvers('', 'none', options.release);
}

export async function runSim(argv: readonly string[], io: CommandIo): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    io.stdout(`${SIM_USAGE}\n`);
    return 0;
  }
  const options = parseOptions(argv);
  const scenarioPath = path.resolve(io.cwd, options.scenario);
  const readable = await fs.access(scenarioPath).then(
    () => true,
    () => false,
  );
  if (!readable) {
    io.stderr(`lkm sim: cannot read ${options.scenario}\n`);
    return 2;
  }
  const profile = await loadProfile(options, io);
  const config = configForRelease(options.release);
  let machine: Machine | undefined;
  if (options.state !== undefined) {
    const saved = await fs.readFile(path.resolve(io.cwd, options.state), 'utf8').catch(() => undefined);
    if (saved !== undefined) {
      try {
        machine = restoreMachine(saved, profile);
      } catch (error) {
        if (!(error instanceof SimulatorStateError)) throw error;
        io.stderr(`lkm sim: the saved state ${options.state} is refused (${error.message}); a fresh kernel boots\n`);
      }
    }
  }
  const run = await runScenarioFile(scenarioPath, {
    tools: options.tools,
    profile,
    config: machine?.kernel.config ?? config,
    parser: await CParser.load(),
    ...(machine ? { machine } : {}),
  });
  for (const error of run.errors) io.stderr(`lkm sim: ${options.scenario}: ${error}\n`);
  io.stdout(run.transcript);
  for (const note of run.notes) io.stderr(`lkm sim: note: ${note}\n`);
  if (options.state !== undefined)
    await fs.writeFile(path.resolve(io.cwd, options.state), serializeMachine(run.machine));
  return 0;
}
