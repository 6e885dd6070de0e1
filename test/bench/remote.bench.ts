/**
 * Prints how long remote operations take against the real Linux 6.1 VM over one reused SSH
 * connection (ControlMaster), and how long the VM takes from boot to ready; asserts nothing.
 * Needs the VM layer prepared (scripts/vm/setup.sh, done by npm test). Run: npm run bench:remote
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { RemoteTarget } from '../../server/src/kernel/remote/remoteTarget';
import { RealKernelVm, buildModules, setUpVm } from '../vm/realKernelVm';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function time(runs: number, action: () => Promise<unknown>): Promise<{ median: number; max: number }> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await action();
    samples.push(performance.now() - start);
  }
  return { median: median(samples), max: Math.max(...samples) };
}

const ms = (value: number): string => `${value.toFixed(1)} ms`;

async function main(): Promise<void> {
  setUpVm();
  const modules = buildModules();
  const bootStart = performance.now();
  const vm = RealKernelVm.boot();
  console.log(
    `VM boot to ready (ssh works): ${ms(performance.now() - bootStart)} (${vm.bootLog.split('\n').pop() ?? ''})`,
  );
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'lkm-bench-'));
  const sshConfig = path.join(scratch, 'ssh_config');
  writeFileSync(sshConfig, readFileSync(path.join(vm.dir, 'ssh_config')));
  let target: RemoteTarget | undefined;
  try {
    const connectStart = performance.now();
    target = await RemoteTarget.connect({ host: 'lkm-vm', configFile: sshConfig, controlDir: scratch });
    console.log(`connect (control master up): ${ms(performance.now() - connectStart)}`);
    const remote = target;
    const rows: [string, () => Promise<unknown>][] = [
      ['one command (true)', () => remote.run('true')],
      ['read /proc/modules', () => remote.modules()],
      ['lsmod', () => remote.lsmod()],
      ['dmesg since the last operation', () => remote.dmesgSinceLastOperation()],
    ];
    for (const [what, action] of rows) {
      const figures = await time(20, action);
      console.log(`${what}: median ${ms(figures.median)}, max ${ms(figures.max)}`);
    }
    const hello = path.join(modules, 'hello.ko');
    await remote.upload(hello);
    const pair = await time(10, async () => {
      await remote.load(hello);
      await remote.unload('hello');
    });
    console.log(
      `insmod + rmmod of hello (version check, upload cached, dmesg collected): median ${ms(pair.median)}, max ${ms(pair.max)}`,
    );
  } finally {
    await target?.close();
    vm.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

void main();
