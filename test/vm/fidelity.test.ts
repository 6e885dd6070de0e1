// The fidelity suite: the same scenario files on the real Linux 6.1 kernel (over ssh, kmod 30's
// tools) and on the simulator, compared line by line with log timestamps and module addresses
// masked. Every line that differs must be accounted for by a named known difference with its
// reason (test/vm/fidelityScenarios.ts); the figures (lines compared / lines equal) are printed.
//
//   npx mocha test/vm/fidelity.test.ts                   one VM, every scenario in turn, against the
//                                                        simulator carried along the same way
//   LKM_VM_RECORD=1 npx mocha test/vm/fidelity.test.ts   records the missing goldens (one fresh
//                                                        boot each); LKM_VM_RECORD=all: every one
//                                                        but samples.txt (run-scenario.sh's own)
// Skips without qemu unless LKM_VM=1. Part of `npm test` (its last step, LKM_VM=1).
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RemoteTarget } from '../../server/src/kernel/remote/remoteTarget';
import { runRemoteScenario } from '../../server/src/kernel/remote/remoteScenario';
import type { Machine } from '../../server/src/kernel/simulator/machine';
import { compareTranscripts, describeComparison, describeUnexplained, type Comparison } from './fidelityCompare';
import {
  GOLDEN_DIR,
  ROOT,
  SCENARIOS,
  SIMULATOR_DIFFERENCES,
  simulateAfter,
  simulateFresh,
  type FidelityScenario,
} from './fidelityScenarios';
import { RealKernelVm, qemuInstalled, setUpVm } from './realKernelVm';

const demanded = process.env['LKM_VM'] === '1';
const record = process.env['LKM_VM_RECORD'];

/** The scenario on the VM: its transcript, and how long it took. */
async function runReal(vm: RealKernelVm, scenario: FidelityScenario, controlDir: string): Promise<string> {
  const file = path.join(ROOT, scenario.file);
  if (scenario.real === 'run-scenario') {
    const r = spawnSync('bash', [path.join(ROOT, 'scripts/vm/run-scenario.sh'), vm.dir, file], {
      encoding: 'utf8',
      timeout: 15 * 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  }
  // As run-scenario.sh does before a scenario: extra/ holds only this scenario's modules.
  assert.equal(vm.ssh('rm -rf /lib/modules/$(uname -r)/extra').status, 0);
  const target = await RemoteTarget.connect({
    host: 'lkm-vm',
    configFile: path.join(vm.dir, 'ssh_config'),
    controlDir,
  });
  try {
    const run = await runRemoteScenario(target, file, { tools: 'kmod' });
    assert.deepEqual(run.notes, []);
    return run.transcript;
  } finally {
    await target.close();
  }
}

function report(c: Comparison, seconds?: number): void {
  console.log(`      ${describeComparison(c)}${seconds !== undefined ? ` [real run ${seconds.toFixed(1)} s]` : ''}`);
}

describe('fidelity: the real kernel and the simulator on the same scenarios', function () {
  this.timeout(20 * 60_000);
  const controlDir = mkdtempSync(path.join(os.tmpdir(), 'lkm-fid-'));
  after(() => rmSync(controlDir, { recursive: true, force: true }));

  function skipUnlessAvailable(ctx: Mocha.Context): void {
    if (!demanded && !qemuInstalled()) {
      console.log('    (skipped: qemu-system-x86_64 is not installed; run scripts/vm/setup.sh, or set LKM_VM=1)');
      ctx.skip();
    }
  }

  if (record !== undefined) {
    describe('recording the goldens (a fresh boot for each)', () => {
      for (const scenario of SCENARIOS) {
        const golden = path.join(GOLDEN_DIR, `${scenario.name}.txt`);
        it(`${scenario.name} → test/fixtures/vm/golden/${scenario.name}.txt`, async function () {
          skipUnlessAvailable(this);
          if (scenario.name === 'samples' || (record !== 'all' && existsSync(golden))) this.skip();
          setUpVm();
          const vm = RealKernelVm.boot();
          try {
            const t0 = Date.now();
            writeFileSync(golden, await runReal(vm, scenario, controlDir));
            console.log(`      (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
          } finally {
            vm.stop();
          }
        });
      }
    });
    return;
  }

  describe('live: one VM, the scenarios in turn, the simulator carried along', () => {
    let vm: RealKernelVm | undefined;
    let machine: Machine | undefined;
    const totals = { compared: 0, equal: 0 };

    before(function () {
      this.timeout(30 * 60_000);
      skipUnlessAvailable(this);
      setUpVm();
      vm = RealKernelVm.boot();
    });
    after(() => {
      vm?.stop();
      if (totals.compared > 0) console.log(`      all scenarios: ${totals.equal}/${totals.compared} lines equal`);
    });

    for (const scenario of SCENARIOS) {
      it(`${scenario.name}: every differing line is a named known difference`, async () => {
        assert.ok(vm, 'the VM did not boot');
        const t0 = Date.now();
        const real = await runReal(vm, scenario, controlDir);
        const seconds = (Date.now() - t0) / 1000;
        let sim: string;
        if (machine === undefined) {
          const fresh = await simulateFresh(scenario);
          machine = fresh.machine;
          sim = fresh.transcript;
        } else sim = await simulateAfter(machine, scenario);
        const c = compareTranscripts(path.basename(scenario.file), real, sim, SIMULATOR_DIFFERENCES);
        report(c, seconds);
        totals.compared += c.compared;
        totals.equal += c.equal;
        assert.deepEqual(c.unexplained, [], describeUnexplained(c));
        assert.ok(c.compared > 50, `${c.compared} lines compared`);
      });
    }
  });
});
