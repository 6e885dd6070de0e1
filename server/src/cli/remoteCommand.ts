/**
 * `lkm remote HOST SCENARIO` runs a scenario on a real kernel over SSH and prints the transcript in
 * `lkm sim`'s format; `lkm remote HOST fetch-symbols [--out DIR]` writes the target's kernel profile.
 */
import * as path from 'node:path';
import { isRemoteError } from '../kernel/remote/remoteError';
import { runRemoteScenario } from '../kernel/remote/remoteScenario';
import { RemoteTarget, type RemoteTargetOptions } from '../kernel/remote/remoteTarget';
import type { UploadMethod } from '../kernel/remote/upload';
import { describe } from '../kernel/symbols/resolveKernelProfile';
import type { ToolSet } from '../kernel/simulator/shell';
import { UsageError, type CommandIo } from './commandIo';

export const REMOTE_USAGE = `usage: lkm remote HOST SCENARIO [--tools kmod|busybox] [ssh options]
       lkm remote HOST fetch-symbols [--out DIR] [ssh options]

Runs SCENARIO (as for lkm sim) on the kernel of HOST over SSH and prints the transcript in the same
format; or fetches HOST's /proc/kallsyms and Module.symvers into a kernel profile. HOST is what ssh
takes (a Host of ~/.ssh/config, user@host, …): the system's OpenSSH client is used, with its
config, agent and known_hosts, in BatchMode (never a password prompt). Module commands need root
on HOST (or sudo without a password). A scenario replaces /scn on HOST, installs its modules/ in
/lib/modules/<release>/extra and empties the kernel log first.

options:
  --tools kmod|busybox    which module tools answer (default kmod: HOST's own)
  --out DIR               fetch-symbols: where to write (default ~/.cache/lkm-workbench/remote/HOST/RELEASE)
  -F FILE                 ssh configuration file (ssh -F)
  -p PORT, -l USER, -i IDENTITY
  -o KEY=VALUE            more ssh options (repeatable)
  --connect-timeout S     seconds to connect (default 10)
  --timeout S             seconds per command (default 60)
  --upload sftp|scp|cat   how files are copied (default: sftp, then scp, then cat)`;

interface RemoteCliOptions {
  host: string;
  action: { kind: 'scenario'; scenario: string } | { kind: 'fetch-symbols' };
  tools: ToolSet;
  out?: string;
  target: RemoteTargetOptions;
}

function parse(argv: readonly string[], cwd: string): RemoteCliOptions {
  const positional: string[] = [];
  let tools: ToolSet = 'kmod';
  let out: string | undefined;
  let configFile: string | undefined;
  let port: number | undefined;
  let user: string | undefined;
  let identityFile: string | undefined;
  let connectTimeoutS: number | undefined;
  let commandTimeoutMs: number | undefined;
  let uploadMethod: UploadMethod | undefined;
  const sshOptions: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    const seconds = () => {
      const v = Number(value());
      if (!(v > 0)) throw new UsageError(`${a} needs a number of seconds`);
      return v;
    };
    if (a === '--tools') {
      const t = value();
      if (t !== 'kmod' && t !== 'busybox') throw new UsageError(`--tools must be kmod or busybox, not '${t}'`);
      tools = t;
    } else if (a === '--out') out = path.resolve(cwd, value());
    else if (a === '-F') configFile = path.resolve(cwd, value());
    else if (a === '-p') {
      port = Number(value());
      if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new UsageError(`-p needs a port number`);
    } else if (a === '-l') user = value();
    else if (a === '-i') identityFile = path.resolve(cwd, value());
    else if (a === '-o') sshOptions.push(value());
    else if (a === '--connect-timeout') connectTimeoutS = seconds();
    else if (a === '--timeout') commandTimeoutMs = seconds() * 1000;
    else if (a === '--upload') {
      const m = value();
      if (m !== 'sftp' && m !== 'scp' && m !== 'cat')
        throw new UsageError(`--upload must be sftp, scp or cat, not '${m}'`);
      uploadMethod = m;
    } else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}'`);
    else positional.push(a);
  }
  const [host, what, ...extra] = positional;
  if (host === undefined) throw new UsageError('a host is needed');
  if (what === undefined) throw new UsageError('a scenario file or fetch-symbols is needed');
  if (extra.length > 0) throw new UsageError(`one scenario at a time ('${extra[0]}')`);
  if (out !== undefined && what !== 'fetch-symbols') throw new UsageError('--out is for fetch-symbols');
  return {
    host,
    action:
      what === 'fetch-symbols' ? { kind: 'fetch-symbols' } : { kind: 'scenario', scenario: path.resolve(cwd, what) },
    tools,
    ...(out !== undefined ? { out } : {}),
    target: {
      host,
      ...(configFile !== undefined ? { configFile } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(user !== undefined ? { user } : {}),
      ...(identityFile !== undefined ? { identityFile } : {}),
      ...(connectTimeoutS !== undefined ? { connectTimeoutS } : {}),
      ...(commandTimeoutMs !== undefined ? { commandTimeoutMs } : {}),
      ...(uploadMethod !== undefined ? { uploadMethod } : {}),
      ...(sshOptions.length > 0 ? { sshOptions } : {}),
    },
  };
}

export async function runRemote(argv: readonly string[], io: CommandIo): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    io.stdout(`${REMOTE_USAGE}\n`);
    return 0;
  }
  const options = parse(argv, io.cwd);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  let target: RemoteTarget | undefined;
  try {
    target = await RemoteTarget.connect(options.target, controller.signal);
    if (options.action.kind === 'fetch-symbols') {
      const fetched = await target.fetchSymbols(options.out, { signal: controller.signal });
      io.stdout(`${fetched.dir}\n`);
      io.stderr(
        `lkm remote: ${describe(fetched.profile)}; ${fetched.kallsymsLines} kallsyms lines${fetched.moduleSymvers ? ', Module.symvers' : ''}\n`,
      );
      for (const warning of fetched.warnings) io.stderr(`lkm remote: warning: ${warning}\n`);
      return 0;
    }
    const run = await runRemoteScenario(target, options.action.scenario, {
      tools: options.tools,
      signal: controller.signal,
    });
    io.stdout(run.transcript);
    for (const note of run.notes) io.stderr(`lkm remote: note: ${note}\n`);
    return 0;
  } catch (error) {
    if (isRemoteError(error)) {
      io.stderr(
        `lkm remote: ${error.message}${error.detail && !error.message.includes(error.detail) ? `\n  ${error.detail.split('\n').join('\n  ')}` : ''}\n`,
      );
      return 1;
    }
    throw error;
  } finally {
    process.removeListener('SIGINT', onSignal);
    await target?.close();
  }
}
