import { VERSION } from '../version';
import { CHECK_USAGE, runCheck } from './checkCommand';
import { UsageError, type CommandIo } from './commandIo';
import { REMOTE_USAGE, runRemote } from './remoteCommand';
import { runSim, SIM_USAGE } from './simCommand';

const USAGE = `usage: lkm <command> [options]

Kernel Module Workbench on the command line.

commands:
  check    analyse module sources and print diagnostics (lkm check --help)
  sim      run a scenario on the simulated Linux 6.1 kernel (lkm sim --help)
  remote   run a scenario on a real kernel over SSH, or fetch its symbols (lkm remote --help)

options:
  -h, --help       show this help
  -V, --version    print the version`;

const COMMANDS: Record<string, { run: (argv: readonly string[], io: CommandIo) => Promise<number>; usage: string }> = {
  check: { run: runCheck, usage: CHECK_USAGE },
  sim: { run: runSim, usage: SIM_USAGE },
  remote: { run: runRemote, usage: REMOTE_USAGE },
};

export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.stdout(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '-V' || name === '--version') {
    io.stdout(`lkm ${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.stderr(`lkm: unknown command '${name}'\n${USAGE}\n`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`lkm ${name}: ${error.message}\n${command.usage}\n`);
      return 2;
    }
    throw error;
  }
}

if (require.main === module) {
  const io: CommandIo = {
    cwd: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  };
  main(process.argv.slice(2), io).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      process.stderr.write(
        `lkm: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 3;
    },
  );
}
