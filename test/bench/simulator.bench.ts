/**
 * The simulated kernel's speed: an insmod+rmmod pair of hello.ko (system calls only, and through
 * the kmod tools with their output), a scenario line mix, save/restore, and the same pairs with the
 * C interpreter running init/exit from the samples' sources. Prints figures; asserts nothing.
 * `npx tsx test/bench/simulator.bench.ts`
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { InterpreterEntryPointRunner } from '../../server/src/kernel/interpreter/interpreterRunner';
import { CParser } from '../../server/src/kernel/parsing/cParser';
import { KernelState } from '../../server/src/kernel/simulator/kernelState';
import { loadModule } from '../../server/src/kernel/simulator/loader';
import { Machine } from '../../server/src/kernel/simulator/machine';
import { restoreMachine, serializeMachine } from '../../server/src/kernel/simulator/persistence';
import { runCommand } from '../../server/src/kernel/simulator/shell';
import { profileFromSymvers } from '../../server/src/kernel/simulator/symversProfile';
import { deleteModule } from '../../server/src/kernel/simulator/unloader';

const fixtures = path.resolve(__dirname, '../fixtures');
const profile = profileFromSymvers(
  readFileSync(path.join(fixtures, 'simulator/vmlinux.symvers'), 'utf8'),
  'vmlinux.symvers',
);
const ko = (name: string) => new Uint8Array(readFileSync(path.join(fixtures, 'ko', `${name}.ko`)));

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function measure(label: string, rounds: number, perRound: number, run: () => void): void {
  for (let i = 0; i < 3; i++) run();
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    run();
    samples.push((performance.now() - start) / perRound);
  }
  console.log(`${label.padEnd(62)} ${(median(samples) * 1000).toFixed(1).padStart(8)} µs (median of ${rounds})`);
}

const machine = new Machine(new KernelState({ profile }));
const hello = ko('hello');
machine.writeFile('/mods/hello.ko', { kind: 'bytes', bytes: hello });
machine.writeFile('/mods/provider.ko', { kind: 'bytes', bytes: ko('provider') });
machine.writeFile('/mods/consumer.ko', { kind: 'bytes', bytes: ko('consumer') });
machine.writeFile('/mods/params.ko', { kind: 'bytes', bytes: ko('params') });

const first = performance.now();
loadModule(machine.kernel, { kind: 'image', bytes: ko('hello'), path: '/x/hello.ko' }, '');
deleteModule(machine.kernel, 'hello');
console.log(
  `${'first insmod+rmmod of hello.ko (ELF read included)'.padEnd(62)} ${((performance.now() - first) * 1000).toFixed(1).padStart(8)} µs`,
);

const N = 200;
measure('insmod+rmmod pair, the ELF image read every time (new bytes)', 20, 20, () => {
  for (let i = 0; i < 20; i++) {
    loadModule(machine.kernel, { kind: 'image', bytes: new Uint8Array(hello), path: '/mods/hello.ko' }, '');
    deleteModule(machine.kernel, 'hello');
    machine.kernel.settle();
  }
  machine.kernel.log.clear();
});
measure('insmod+rmmod pair, system calls (hello.ko, image cached)', 50, N, () => {
  for (let i = 0; i < N; i++) {
    loadModule(machine.kernel, { kind: 'image', bytes: hello, path: '/mods/hello.ko' }, '');
    deleteModule(machine.kernel, 'hello');
    machine.kernel.settle();
  }
  machine.kernel.log.clear();
});
measure('insmod+rmmod pair through kmod insmod/rmmod (output text)', 50, N, () => {
  for (let i = 0; i < N; i++) {
    runCommand(machine, 'kmod', 'insmod /mods/hello.ko');
    runCommand(machine, 'kmod', 'rmmod hello');
    machine.kernel.settle();
  }
  machine.kernel.log.clear();
});
measure('provider+consumer load, lsmod, cat /proc/modules, unload', 50, N, () => {
  for (let i = 0; i < N; i++) {
    runCommand(machine, 'kmod', 'insmod /mods/provider.ko');
    runCommand(machine, 'kmod', 'insmod /mods/consumer.ko');
    runCommand(machine, 'kmod', 'lsmod');
    runCommand(machine, 'kmod', 'cat /proc/modules');
    runCommand(machine, 'kmod', 'rmmod consumer provider');
    machine.kernel.settle();
  }
  machine.kernel.log.clear();
});
measure('params.ko with 4 parameters, one sysfs write, unload', 50, N, () => {
  for (let i = 0; i < N; i++) {
    runCommand(machine, 'kmod', 'insmod /mods/params.ko count=3 \'name="a b"\' ports=1,2,3 tag=x');
    runCommand(machine, 'kmod', 'echo 42 > /sys/module/params/parameters/count');
    runCommand(machine, 'kmod', 'rmmod params');
    machine.kernel.settle();
  }
  machine.kernel.log.clear();
});
runCommand(machine, 'kmod', 'insmod /mods/provider.ko');
runCommand(machine, 'kmod', 'insmod /mods/consumer.ko');
let json = '';
measure('serialize the machine (2 modules loaded, 4 files on disk)', 20, 1, () => {
  json = serializeMachine(machine);
});
measure('restore it', 20, 1, () => {
  restoreMachine(json, profile);
});
console.log(`saved state: ${(json.length / 1024).toFixed(0)} KB`);

async function interpreted(): Promise<void> {
  const samples = path.resolve(__dirname, '../../samples');
  const folders: Readonly<Record<string, string>> = {
    hello: 'hello',
    provider: 'provider',
    consumer: 'consumer',
    params: 'params',
  };
  const runner = new InterpreterEntryPointRunner(await CParser.load(), {
    sourceDir: (m) => (folders[m.name] !== undefined ? path.join(samples, folders[m.name]!) : undefined),
  });
  const m = new Machine(new KernelState({ profile, runner }));
  for (const name of ['hello', 'provider', 'consumer', 'params'])
    m.writeFile(`/mods/${name}.ko`, { kind: 'bytes', bytes: ko(name) });
  const started = performance.now();
  loadModule(m.kernel, { kind: 'image', bytes: hello, path: '/mods/hello.ko' }, '');
  deleteModule(m.kernel, 'hello');
  console.log(
    `${'interpreter: first insmod+rmmod of hello (sources parsed)'.padEnd(62)} ${((performance.now() - started) * 1000).toFixed(1).padStart(8)} µs`,
  );
  measure('interpreter: insmod+rmmod pair, system calls (hello.ko)', 50, N, () => {
    for (let i = 0; i < N; i++) {
      loadModule(m.kernel, { kind: 'image', bytes: hello, path: '/mods/hello.ko' }, '');
      deleteModule(m.kernel, 'hello');
      m.kernel.settle();
    }
    m.kernel.log.clear();
  });
  measure('interpreter: insmod+rmmod pair through kmod (hello.ko)', 50, N, () => {
    for (let i = 0; i < N; i++) {
      runCommand(m, 'kmod', 'insmod /mods/hello.ko');
      runCommand(m, 'kmod', 'rmmod hello');
      m.kernel.settle();
    }
    m.kernel.log.clear();
  });
  measure('interpreter: provider+consumer load (a call across modules), unload', 50, N, () => {
    for (let i = 0; i < N; i++) {
      runCommand(m, 'kmod', 'insmod /mods/provider.ko');
      runCommand(m, 'kmod', 'insmod /mods/consumer.ko');
      runCommand(m, 'kmod', 'rmmod consumer provider');
      m.kernel.settle();
    }
    m.kernel.log.clear();
  });
  measure('interpreter: params.ko with 4 parameters, one sysfs write, unload', 50, N, () => {
    for (let i = 0; i < N; i++) {
      runCommand(m, 'kmod', 'insmod /mods/params.ko count=3 \'name="a b"\' ports=1,2,3 tag=x');
      runCommand(m, 'kmod', 'echo 42 > /sys/module/params/parameters/count');
      runCommand(m, 'kmod', 'rmmod params');
      m.kernel.settle();
    }
    m.kernel.log.clear();
  });
}

void interpreted().then(() => {
  console.log(`memory: ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB resident`);
});
