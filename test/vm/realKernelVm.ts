// A real Linux 6.1 kernel under qemu, for tests: scripts/vm/setup.sh prepares it (cached),
// scripts/vm/boot.sh boots it and reaches it over ssh. This module only drives those scripts.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as path from 'node:path';

export const REPOSITORY_ROOT = path.resolve(__dirname, '../..');
const SCRIPTS = path.join(REPOSITORY_ROOT, 'scripts/vm');

export interface RemoteResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runScript(script: string, args: string[], timeoutMs: number): SpawnSyncReturns<string> {
  const result = spawnSync('bash', [path.join(SCRIPTS, script), ...args], {
    cwd: REPOSITORY_ROOT,
    encoding: 'utf8',
    timeout: timeoutMs,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`scripts/vm/${script} ${args.join(' ')} exited with ${String(result.status)}:\n${result.stderr}`);
  }
  return result;
}

/** Whether qemu is on PATH (setup.sh installs it when it is not). */
export function qemuInstalled(): boolean {
  return spawnSync('sh', ['-c', 'command -v qemu-system-x86_64'], { stdio: 'ignore' }).status === 0;
}

/** scripts/vm/setup.sh: packages, kernel, vmlinux, keys, initramfs; each only when missing. */
export function setUpVm(timeoutMs = 15 * 60_000): void {
  runScript('setup.sh', [], timeoutMs);
}

/** scripts/vm/build-modules.sh: the samples as .ko files, built with kbuild (cached); their folder. */
export function buildModules(timeoutMs = 15 * 60_000): string {
  return runScript('build-modules.sh', [], timeoutMs).stdout.trim();
}

export class RealKernelVm {
  private stopped = false;
  private readonly onExit = (): void => this.kill();

  private constructor(
    /** The VM's state folder (boot.sh's LKM_VM_DIR). */
    readonly dir: string,
    /** The host port forwarded to the guest's ssh. */
    readonly port: number,
    /** What boot.sh said about the boot (how long until ssh worked, the accelerator). */
    readonly bootLog: string,
  ) {
    process.once('exit', this.onExit);
  }

  /** Boots a fresh VM and returns once `ssh true` works. */
  static boot(timeoutMs = 5 * 60_000): RealKernelVm {
    const result = runScript('boot.sh', ['start'], timeoutMs);
    const dir = /^LKM_VM_DIR=(.*)$/m.exec(result.stdout)?.[1];
    const port = /^LKM_VM_PORT=(\d+)$/m.exec(result.stdout)?.[1];
    if (!dir || !port) throw new Error(`boot.sh start printed no LKM_VM_DIR/LKM_VM_PORT:\n${result.stdout}`);
    return new RealKernelVm(dir, Number(port), result.stderr.trim());
  }

  /** Runs a shell command in the guest (busybox sh, kmod's module tools); never throws on its status. */
  ssh(command: string, input?: Buffer | string, timeoutMs = 60_000): RemoteResult {
    const result = spawnSync('ssh', ['-F', path.join(this.dir, 'ssh_config'), 'lkm-vm', command], {
      encoding: 'utf8',
      timeout: timeoutMs,
      ...(input === undefined ? { stdio: ['ignore', 'pipe', 'pipe'] } : { input }),
    });
    if (result.error) throw result.error;
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  /** Powers the guest off and waits for qemu to exit (SIGTERM, then SIGKILL, when it does not). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    process.removeListener('exit', this.onExit);
    runScript('boot.sh', ['stop', this.dir], 60_000);
  }

  /** SIGKILL to qemu at once. */
  kill(): void {
    if (this.stopped) return;
    this.stopped = true;
    process.removeListener('exit', this.onExit);
    spawnSync('bash', [path.join(SCRIPTS, 'boot.sh'), 'kill', this.dir], { stdio: 'ignore', timeout: 30_000 });
  }
}
