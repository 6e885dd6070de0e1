// The real-kernel layer: Debian's Linux 6.1 (6.1.0-56-amd64) under qemu, reached over ssh, with
// kmod 30's tools. The last step of `npm test` (scripts/test.sh, LKM_VM=1); alone:
//   npx mocha test/vm/realKernel.test.ts          (skips when qemu is not installed)
//   LKM_VM=1 npx mocha test/vm/realKernel.test.ts (installs what is missing; fails instead of skipping)
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPOSITORY_ROOT, RealKernelVm, buildModules, qemuInstalled, setUpVm } from './realKernelVm';

const RELEASE = '6.1.0-56-amd64';
const KMOD = '/usr/local/kmod/bin';
const demanded = process.env['LKM_VM'] === '1';

function skipUnlessAvailable(ctx: Mocha.Context): void {
  if (!demanded && !qemuInstalled()) {
    console.log(
      '    (skipped: qemu-system-x86_64 is not installed; run scripts/vm/setup.sh, or set LKM_VM=1 to install it and demand these tests)',
    );
    ctx.skip();
  }
}

describe('a real Linux 6.1 kernel in a VM', function () {
  this.timeout(5 * 60_000);
  let vm: RealKernelVm | undefined;
  let modules = '';

  before(function () {
    this.timeout(30 * 60_000);
    skipUnlessAvailable(this);
    setUpVm();
    modules = buildModules();
    vm = RealKernelVm.boot();
  });

  after(function () {
    vm?.stop();
  });

  function guest(): RealKernelVm {
    assert.ok(vm, 'the VM did not boot');
    return vm;
  }

  it('runs Debian 6.1.0-56-amd64 and answers over ssh', () => {
    const result = guest().ssh('uname -r');
    assert.deepEqual(result, { status: 0, stdout: `${RELEASE}\n`, stderr: '' });
  });

  it('loads and unloads hello with kmod: /proc/modules and the kernel log follow', () => {
    const vm = guest();
    assert.equal(vm.ssh('cat > /tmp/hello.ko', readFileSync(path.join(modules, 'hello.ko'))).status, 0);
    assert.equal(vm.ssh('dmesg -c > /dev/null').status, 0);

    assert.deepEqual(vm.ssh(`${KMOD}/insmod /tmp/hello.ko`), { status: 0, stdout: '', stderr: '' });
    const loaded = vm.ssh('cat /proc/modules').stdout.split('\n');
    assert.match(loaded[0] ?? '', /^hello 16384 0 - Live 0xffffffff[0-9a-f]{8} \(OE\)$/);
    const onLoad = vm.ssh('dmesg -r -c').stdout;
    assert.match(onLoad, /^<4>\[ *\d+\.\d+\] hello: loading out-of-tree module taints kernel\.$/m);
    assert.match(onLoad, /^<6>\[ *\d+\.\d+\] hello: Hello, world!$/m);
    assert.equal(vm.ssh('cat /proc/sys/kernel/tainted').stdout, '12288\n'); // O and E

    assert.deepEqual(vm.ssh(`${KMOD}/insmod /tmp/hello.ko`), {
      status: 1,
      stdout: '',
      stderr: 'insmod: ERROR: could not insert module /tmp/hello.ko: File exists\n',
    });

    assert.deepEqual(vm.ssh(`${KMOD}/rmmod hello`), { status: 0, stdout: '', stderr: '' });
    assert.doesNotMatch(vm.ssh('cat /proc/modules').stdout, /^hello /m);
    assert.match(vm.ssh('dmesg -r -c').stdout, /^<6>\[ *\d+\.\d+\] hello: Goodbye, world!$/m);
    assert.deepEqual(vm.ssh(`${KMOD}/rmmod hello`), {
      status: 1,
      stdout: '',
      stderr: 'rmmod: ERROR: Module hello is not currently loaded\n',
    });
  });
});

describe('the recorded real-kernel goldens (test/fixtures/vm/golden)', function () {
  it('samples.scenario on a fresh boot still gives golden/samples.txt', function () {
    this.timeout(10 * 60_000);
    skipUnlessAvailable(this);
    const fixtures = path.join(REPOSITORY_ROOT, 'test/fixtures/vm');
    const result = spawnSync(
      'bash',
      [
        path.join(REPOSITORY_ROOT, 'scripts/vm/run-scenario.sh'),
        'fresh',
        path.join(fixtures, 'scenarios/samples.scenario'),
        '--out',
        '/dev/null',
        '--check',
        path.join(fixtures, 'golden/samples.txt'),
      ],
      { encoding: 'utf8', timeout: 10 * 60_000 },
    );
    assert.equal(result.status, 0, result.stderr);
  });
});
