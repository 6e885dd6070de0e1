import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../../server/src/cli/lkm';
import {
  restoreMachine,
  saveMachine,
  serializeMachine,
  SimulatorStateError,
} from '../../../server/src/kernel/simulator/persistence';
import { procModules } from '../../../server/src/kernel/simulator/procfs';
import { dmesg, FIXTURES, sh, testMachine, testProfile } from './helpers';

function busyMachine() {
  const machine = testMachine();
  sh(machine, 'insmod /mods/provider.ko');
  sh(machine, 'insmod /mods/consumer.ko');
  sh(machine, 'insmod /mods/params.ko count=9');
  sh(machine, 'echo 42 > /sys/module/params/parameters/count');
  sh(machine, 'insmod /mods/noexit.ko');
  sh(machine, 'rmmod -f noexit');
  return machine;
}

describe('simulator: save and restore', () => {
  it('round-trips modules, references, parameters, taint, once-per-boot flags, the log and the disk', () => {
    const machine = busyMachine();
    const json = serializeMachine(machine);
    const restored = restoreMachine(json, testProfile());
    assert.equal(procModules(restored.kernel), procModules(machine.kernel));
    assert.equal(restored.kernel.taintValue(), machine.kernel.taintValue());
    assert.equal(sh(restored, 'cat /sys/module/params/parameters/count').stdout, '42\n');
    assert.deepEqual(saveMachine(restored), saveMachine(machine));
    // The boot's once-only messages stay said; the log keeps what was not cleared.
    assert.deepEqual(dmesg(restored), dmesg(machine));
    sh(restored, 'rmmod params');
    sh(restored, 'insmod /mods/hello.ko');
    assert.deepEqual(dmesg(restored), []);
    // Behaviour goes on: provider is still in use by consumer.
    assert.equal(sh(restored, 'rmmod provider').stderr, 'rmmod: ERROR: Module provider is in use by: consumer\n');
    assert.match(procModules(restored.kernel), /^hello 16384 0 - Live 0xffffffffc0\w+ \(OE\)\n/);
  });

  it('refuses what is not a saved machine, another version, and inconsistent states, saying why', () => {
    const good = saveMachine(busyMachine());
    const refuse = (text: string, reason: RegExp) =>
      assert.throws(
        () => restoreMachine(text, testProfile()),
        (e: unknown) => e instanceof SimulatorStateError && reason.test(e.message),
      );
    refuse('{not json', /^not JSON/);
    refuse('[]', /the state is not an object/);
    refuse(JSON.stringify({ ...good, format: 'other' }), /not a saved simulated machine/);
    refuse(JSON.stringify({ ...good, version: 99 }), /version 99 is not the supported version 1/);
    const modules = structuredClone(good.modules);
    modules.find((m) => m.module.name === 'provider')!.refcount = 5;
    refuse(JSON.stringify({ ...good, modules }), /provider: refcount 5 does not match/);
    const dangling = structuredClone(good.modules).filter((m) => m.module.name !== 'consumer');
    refuse(JSON.stringify({ ...good, modules: dangling }), /holder consumer does not use it/);
    refuse(JSON.stringify({ ...good, taint: [99] }), /99 is not a taint bit/);
    refuse(JSON.stringify({ ...good, modules: [{ ...good.modules[0], state: 'zombie' }] }), /has state "zombie"/);
    refuse(JSON.stringify({ ...good, clockUs: 'soon' }), /clockUs is not a number/);
    const devices = structuredClone(good.devices)!;
    devices.char.push({ major: 4, baseminor: 60, minorct: 8, name: 'over' });
    refuse(JSON.stringify({ ...good, devices }), /char devices tty and over overlap/);
    refuse(
      JSON.stringify({ ...good, devices: { char: [], block: [{ major: 512, name: 'x' }] } }),
      /512 is not a major/,
    );
  });

  it('keeps the device numbers; a state saved before they were kept boots with the boot registrations', () => {
    const machine = busyMachine();
    machine.kernel.devices.registerChar(0, 0, 1, 'kept');
    const restored = restoreMachine(serializeMachine(machine), testProfile());
    assert.match(sh(restored, 'cat /proc/devices').stdout, /\n246 kept\n247 cxl\n/);
    const old = saveMachine(machine);
    delete old.devices;
    const booted = sh(restoreMachine(JSON.stringify(old), testProfile()), 'cat /proc/devices').stdout;
    assert.equal(booted, sh(testMachine(), 'cat /proc/devices').stdout);
  });

  it('lkm sim --state: the machine carries over from run to run; a corrupt file is refused and a fresh kernel boots', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lkm-sim-'));
    const scenario = path.join(dir, 'load.scenario');
    const ko = path.join(FIXTURES, 'ko/hello.ko');
    writeFileSync(path.join(dir, 'hello.ko'), readFileSync(ko));
    writeFileSync(scenario, 'insmod hello.ko\ncat /proc/modules\n');
    const state = path.join(dir, 'state.json');
    const symvers = path.join(FIXTURES, 'simulator/vmlinux.symvers');
    const run = async () => {
      let stdout = '';
      let stderr = '';
      const status = await main(['sim', scenario, '--symvers', symvers, '--state', state], {
        cwd: dir,
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
      });
      return { status, stdout, stderr };
    };
    const first = await run();
    assert.equal(first.status, 0);
    assert.match(first.stdout, /^\$ insmod hello.ko\n\[exit=0\]\n/);
    const second = await run();
    assert.match(second.stdout, /insmod: ERROR: could not insert module hello.ko: File exists/);
    writeFileSync(state, '{"format":"lkm-simulated-machine","version":1,"modules":"oops"}');
    const third = await run();
    assert.match(third.stderr, /lkm sim: the saved state .*state.json is refused \(.*\); a fresh kernel boots\n/);
    assert.match(third.stdout, /^\$ insmod hello.ko\n\[exit=0\]\n/);
    assert.doesNotThrow(() => JSON.parse(readFileSync(state, 'utf8')) as unknown);
  });
});

describe('simulator: lkm sim', () => {
  const run = async (args: string[], cwd: string) => {
    let stdout = '';
    let stderr = '';
    const status = await main(['sim', ...args], { cwd, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { status, stdout, stderr };
  };

  it('--help, bad options (exit 2), --release, --tools busybox; a .ko finds its sources beside it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lkm-sim-'));
    writeFileSync(path.join(dir, 'hello.ko'), readFileSync(path.join(FIXTURES, 'ko/hello.ko')));
    writeFileSync(path.join(dir, 'hello.c'), readFileSync(path.resolve(FIXTURES, '../../samples/hello/hello.c')));
    writeFileSync(path.join(dir, 's.scenario'), 'uname -r\ninsmod hello.ko\ninsmod hello.ko\n');
    const symvers = ['--symvers', path.join(FIXTURES, 'simulator/vmlinux.symvers')];
    assert.match((await run(['--help'], dir)).stdout, /^usage: lkm sim SCENARIO/);
    assert.equal((await run(['s.scenario', '--tools', 'zsh'], dir)).status, 2);
    const other = await run(['s.scenario', '--release', '6.1.0-99-amd64', ...symvers], dir);
    assert.match(
      other.stdout,
      /^\$ uname -r\n--- stdout:\n6\.1\.0-99-amd64\n\[exit=0\]\n\$ insmod hello.ko\n\[exit=0\]\n/,
    );
    const busybox = await run(['s.scenario', '--tools', 'busybox', ...symvers], dir);
    assert.match(busybox.stdout, /insmod: can't insert 'hello.ko': File exists\n\[exit=17\]\n$/);
    const withState = await run(['s.scenario', ...symvers, '--state', 'state.json'], dir);
    assert.equal(withState.status, 0);
    const saved = JSON.parse(readFileSync(path.join(dir, 'state.json'), 'utf8')) as {
      modules: { module: { sourceDir?: string } }[];
    };
    assert.equal(saved.modules[0]?.module.sourceDir, dir);
  });
});
