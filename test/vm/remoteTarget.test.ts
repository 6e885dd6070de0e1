// The remote target (server/src/kernel/remote) against the real Linux 6.1 kernel under qemu, over
// the system's OpenSSH client: every operation and every failure the library promises, on one VM
// booted once (the test that kills it runs last). The last step of `npm test` (LKM_VM=1); alone:
//   npx mocha test/vm/remoteTarget.test.ts          (skips when qemu is not installed)
//   LKM_VM=1 npx mocha test/vm/remoteTarget.test.ts (installs what is missing; fails instead of skipping)
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../server/src/cli/lkm';
import type { CommandIo } from '../../server/src/cli/commandIo';
import { parseLsmod, parseProcModules, type ProcModule } from '../../server/src/kernel/remote/moduleState';
import { RemoteError, type RemoteErrorCode } from '../../server/src/kernel/remote/remoteError';
import { RemoteTarget, type RemoteTargetOptions } from '../../server/src/kernel/remote/remoteTarget';
import { procModules } from '../../server/src/kernel/simulator/procfs';
import { kmodLsmod } from '../../server/src/kernel/simulator/kmodTools';
import { sh, testMachine } from '../unit/simulator/helpers';
import { RealKernelVm, buildModules, qemuInstalled, setUpVm } from './realKernelVm';

const RELEASE = '6.1.0-56-amd64';
const demanded = process.env['LKM_VM'] === '1';
const BOOT_MODULES =
  /^(virtio|virtio_ring|virtio_pci|virtio_pci_legacy_dev|virtio_pci_modern_dev|virtio_net|net_failover|failover)$/;

async function rejects(promise: Promise<unknown>, code: RemoteErrorCode, message?: RegExp): Promise<RemoteError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof RemoteError, `not a RemoteError: ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return error;
  }
  assert.fail(`expected a ${code} error`);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A TCP port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the remote target against a real Linux 6.1 kernel over ssh', function () {
  this.timeout(5 * 60_000);
  let vm: RealKernelVm | undefined;
  let modules = '';
  let target: RemoteTarget;
  let controlDir = '';
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'lkm-remote-test-'));

  function guest(): RealKernelVm {
    assert.ok(vm, 'the VM did not boot');
    return vm;
  }
  /** A copy of the VM's ssh_config: it outlives the VM folder (the kill test removes that). */
  const sshConfig = path.join(scratch, 'ssh_config');
  function options(extra: Partial<RemoteTargetOptions> = {}): RemoteTargetOptions {
    return { host: 'lkm-vm', configFile: sshConfig, controlDir, ...extra };
  }
  /** A shell command in the guest as root (the test's own eyes, not the library's). */
  function inGuest(command: string): string {
    const r = guest().ssh(command);
    assert.equal(r.status, 0, `${command}: ${r.stderr}`);
    return r.stdout;
  }
  const ko = (name: string) => path.join(modules, `${name}.ko`);

  before(async function () {
    this.timeout(30 * 60_000);
    if (!demanded && !qemuInstalled()) {
      console.log('    (skipped: qemu-system-x86_64 is not installed; run scripts/vm/setup.sh, or set LKM_VM=1)');
      this.skip();
    }
    setUpVm();
    modules = buildModules();
    const t0 = Date.now();
    vm = RealKernelVm.boot();
    console.log(`    (VM booted in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${vm.bootLog.split('\n').pop() ?? ''})`);
    controlDir = mkdtempSync(path.join(os.tmpdir(), 'lkm-ctl-'));
    writeFileSync(sshConfig, readFileSync(path.join(vm.dir, 'ssh_config')));
    target = await RemoteTarget.connect(options());
  });

  after(async function () {
    await target?.close();
    vm?.stop();
    rmSync(scratch, { recursive: true, force: true });
    if (controlDir) rmSync(controlDir, { recursive: true, force: true });
  });

  it('connects through a control master: uname -r, and one command costs one round trip', async () => {
    assert.equal(target.runner.multiplexed, true);
    assert.equal(await target.release(), RELEASE);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 5; i++) assert.equal((await target.run('echo ok')).stdout, 'ok\n');
    const perCommandMs = Number(process.hrtime.bigint() - t0) / 5e6;
    console.log(`    (one command through the control master: ${perCommandMs.toFixed(0)} ms)`);
    assert.equal((await target.privilege()).via, 'root');
  });

  describe('upload', () => {
    for (const method of ['sftp', 'scp', 'cat'] as const) {
      it(`with ${method}: the bytes arrive intact`, async () => {
        const bytes = readFileSync(ko('params'));
        const up = await target.upload(ko('params'), { method, remoteName: `via-${method}.ko` });
        assert.equal(up.method, method);
        assert.equal(up.bytes, bytes.length);
        assert.equal(inGuest(`sha256sum ${up.remotePath}`).split(' ')[0], sha256(bytes));
      });
    }

    it('falls back from sftp and scp to cat when the target has no sftp-server', async () => {
      inGuest('mv /usr/lib/openssh/sftp-server /usr/lib/openssh/sftp-server.off');
      try {
        const up = await target.upload(ko('hello'), { remoteName: 'fallback.ko' });
        assert.equal(up.method, 'cat');
        assert.equal(up.fallbacks.length, 2);
        assert.match(up.fallbacks[0]!, /^sftp: .*sftp-server: not found/s);
        assert.match(up.fallbacks[1]!, /^scp: /);
        assert.equal(inGuest(`sha256sum ${up.remotePath}`).split(' ')[0], sha256(readFileSync(ko('hello'))));
      } finally {
        inGuest('mv /usr/lib/openssh/sftp-server.off /usr/lib/openssh/sftp-server');
      }
    });
  });

  describe('module operations', () => {
    // Values that a careless `ssh host "insmod x.ko name=$value"` would run or mangle.
    const hostile = [
      'two words',
      `it's "quoted"`,
      '$(touch /tmp/pwned)',
      'x; touch /tmp/pwned2',
      '`touch /tmp/pwned3`',
      "'; touch /tmp/pwned4; '",
      'a|b&c>d<e',
      '\\back\\slash*?[x]',
    ];
    for (const value of hostile) {
      it(`insmod params name=${JSON.stringify(value)}: the kernel gets it exactly, nothing runs`, async () => {
        const loaded = await target.load(ko('params'), { parameters: [['name', value]] });
        assert.equal(loaded.ok, true, loaded.stderr);
        assert.equal(inGuest('cat /sys/module/params/parameters/name'), `${value}\n`);
        assert.ok(
          loaded.log.some((r) => r.text === `params: Hello, ${value}! [demo]`),
          JSON.stringify(loaded.log),
        );
        assert.equal(inGuest('ls /tmp | grep -c pwned || true'), '0\n');
        assert.equal((await target.unload('params')).ok, true);
      });
    }

    it('insmod with parameters of several types at once; an array; the values read back', async () => {
      const loaded = await target.load(ko('params'), {
        parameters: { count: '-3', loud: undefined, ports: '5,6,7', tag: 'a b', debug_level: '0x10', delay_ms: '250' },
      });
      assert.equal(loaded.ok, true, loaded.stderr);
      assert.match(
        loaded.command,
        /^insmod \/tmp\/lkm-remote\/params\.ko count=-3 loud ports=5,6,7 'tag="a b"' debug_level=0x10 delay_ms=250$/,
      );
      const p = '/sys/module/params/parameters';
      assert.equal(
        inGuest(`cat ${p}/count ${p}/loud ${p}/ports ${p}/tag ${p}/debug_level ${p}/delay_ms`),
        '-3\nY\n5,6,7\na b\n16\n250\n',
      );
      assert.equal((await target.unload('params')).ok, true);
    });

    it('refuses a value the kernel cannot receive as written, before anything runs', async () => {
      await rejects(target.load(ko('params'), { parameters: { name: 'say "a b' } }), 'bad-parameter', /next_arg/);
      await rejects(target.load(ko('params'), { parameters: { 'x;id': '1' } }), 'bad-parameter');
      assert.doesNotMatch(inGuest('cat /proc/modules'), /^params /m);
    });

    it('a bad value: insmod fails, with the kernel log lines of this operation only', async () => {
      const r = await target.load(ko('params'), { parameters: { count: 'abc' } });
      assert.equal(r.ok, false);
      assert.equal(r.exit, 1);
      assert.equal(r.stderr, 'insmod: ERROR: could not insert module /tmp/lkm-remote/params.ko: Invalid parameters\n');
      assert.deepEqual(
        r.log.map((l) => `<${l.level}>${l.text}`),
        ["<3>params: `abc' invalid for parameter `count'"],
      );
    });

    it("rmmod: unloads; a second rmmod fails with kmod's message", async () => {
      assert.equal((await target.load(ko('hello'))).ok, true);
      assert.match(inGuest('cat /proc/modules'), /^hello /m);
      const r = await target.unload('hello');
      assert.equal(r.ok, true);
      assert.deepEqual(
        r.log.map((l) => l.text),
        ['hello: Goodbye, world!'],
      );
      assert.doesNotMatch(inGuest('cat /proc/modules'), /^hello /m);
      const again = await target.unload('hello');
      assert.deepEqual([again.ok, again.stderr], [false, 'rmmod: ERROR: Module hello is not currently loaded\n']);
    });

    it('rmmod -f: forced unload of a module without exit', async () => {
      const up = await target.upload(path.join(modules, 'broken/noexit.ko'));
      assert.equal((await target.run(`insmod ${up.remotePath}`)).exit, 0);
      const plain = await target.unload('noexit');
      assert.equal(plain.ok, false);
      assert.match(plain.stderr, /Device or resource busy/);
      const forced = await target.unload('noexit', { force: true });
      assert.equal(forced.ok, true, forced.stderr);
      assert.doesNotMatch(inGuest('cat /proc/modules'), /^noexit /m);
    });

    it('modprobe: dependencies from modules.dep, parameters, -r', async () => {
      for (const name of ['provider', 'consumer', 'params']) {
        const up = await target.upload(ko(name));
        inGuest(`mkdir -p /lib/modules/${RELEASE}/extra && cp ${up.remotePath} /lib/modules/${RELEASE}/extra/`);
      }
      inGuest('depmod');
      const r = await target.modprobe('consumer');
      assert.equal(r.ok, true, r.stderr);
      assert.deepEqual(
        r.log.map((l) => l.text),
        ['provider: init', 'consumer: prov_add(2,3)=5 prov_gpl_mul(4,5)=20'],
      );
      const mods = (await target.modules()).filter((m) => !BOOT_MODULES.test(m.name));
      assert.deepEqual(
        mods.map((m) => [m.name, m.refcount, m.holders]),
        [
          ['consumer', 0, []],
          ['provider', 1, ['consumer']],
        ],
      );
      const withParams = await target.modprobe('params', { parameters: { count: '7', name: '$(id)' } });
      assert.equal(withParams.ok, true, withParams.stderr);
      assert.equal(inGuest('cat /sys/module/params/parameters/count /sys/module/params/parameters/name'), '7\n$(id)\n');
      assert.equal((await target.modprobe('params', { remove: true })).ok, true);
      assert.equal((await target.modprobe('consumer', { remove: true })).ok, true);
      assert.deepEqual(
        (await target.modules()).filter((m) => !BOOT_MODULES.test(m.name)),
        [],
      );
      const missing = await target.modprobe('nosuchmodule');
      assert.deepEqual(
        [missing.ok, missing.stderr],
        [false, `modprobe: FATAL: Module nosuchmodule not found in directory /lib/modules/${RELEASE}\n`],
      );
    });
  });

  describe('reading the state', () => {
    it('/proc/modules and lsmod parse into the fields the simulator prints them from, and agree with it', async () => {
      assert.equal((await target.load(ko('provider'))).ok, true);
      assert.equal((await target.load(ko('consumer'))).ok, true);
      const real = await target.modules();
      const realLsmod = await target.lsmod();
      assert.deepEqual(
        real.map((m) => m.name),
        [
          'consumer',
          'provider',
          'virtio_net',
          'net_failover',
          'failover',
          'virtio_pci',
          'virtio',
          'virtio_ring',
          'virtio_pci_legacy_dev',
          'virtio_pci_modern_dev',
        ],
      );
      assert.deepEqual(
        realLsmod.map((m) => [m.name, m.size, m.usedBy, m.holders]),
        real.map((m) => [m.name, m.size, m.refcount, realLsmod.find((l) => l.name === m.name)!.holders]),
      );
      assert.deepEqual(realLsmod.find((l) => l.name === 'virtio')!.holders, ['virtio_pci', 'virtio_net']);

      // The simulator, the same two .ko files loaded: the same records but the addresses.
      const machine = testMachine();
      machine.writeFile('/up/provider.ko', { kind: 'bytes', bytes: new Uint8Array(readFileSync(ko('provider'))) });
      machine.writeFile('/up/consumer.ko', { kind: 'bytes', bytes: new Uint8Array(readFileSync(ko('consumer'))) });
      assert.equal(sh(machine, 'insmod /up/provider.ko').exit, 0);
      assert.equal(sh(machine, 'insmod /up/consumer.ko').exit, 0);
      const noAddress = (m: ProcModule) => ({ ...m, address: '' });
      assert.deepEqual(
        parseProcModules(procModules(machine.kernel)).map(noAddress),
        real.filter((m) => !BOOT_MODULES.test(m.name)).map(noAddress),
      );
      assert.deepEqual(
        parseLsmod(kmodLsmod(machine).stdout),
        realLsmod.filter((m) => !BOOT_MODULES.test(m.name)),
      );
      assert.equal((await target.unload('consumer')).ok, true);
      assert.equal((await target.unload('provider')).ok, true);
    });

    it("dmesg since the last operation: lines written between operations are not the next one's", async () => {
      await target.dmesgSinceLastOperation();
      inGuest('echo "<6>lkm-test: between operations" > /dev/kmsg');
      assert.deepEqual(
        (await target.dmesgSinceLastOperation()).map((r) => [r.level, r.text]),
        [[6, 'lkm-test: between operations']],
      );
      assert.deepEqual(await target.dmesgSinceLastOperation(), []);
      const loaded = await target.load(ko('hello'));
      assert.deepEqual(
        loaded.log.map((r) => r.text),
        ['hello: Hello, world!'],
      );
      inGuest('echo "<6>lkm-test: after load" > /dev/kmsg');
      const unloaded = await target.unload('hello');
      assert.deepEqual(
        unloaded.log.map((r) => r.text),
        ['hello: Goodbye, world!'],
      );
    });
  });

  describe('version check', () => {
    it('refuses a .ko built for another kernel, naming both versions; nothing is uploaded or loaded', async () => {
      const bytes = Buffer.from(readFileSync(ko('hello')));
      const at = bytes.indexOf(`vermagic=${RELEASE} `);
      assert.ok(at > 0);
      bytes.write('vermagic=6.1.0-99-amd64 ', at, 'latin1');
      const other = path.join(scratch, 'hello.ko');
      writeFileSync(other, bytes);
      inGuest('rm -rf /tmp/lkm-remote');
      const error = await rejects(target.load(other), 'version-mismatch');
      assert.match(error.message, /built for Linux 6\.1\.0-99-amd64/);
      assert.match(error.message, new RegExp(`runs Linux ${RELEASE.replace(/\./g, '\\.')}`));
      assert.equal(guest().ssh('ls /tmp/lkm-remote').status, 1);
      assert.doesNotMatch(inGuest('cat /proc/modules'), /^hello /m);
      // Why the check is the library's: with MODVERSIONS, the 6.1 loader compares CRCs and skips
      // the release in vermagic, so the kernel itself would have loaded it.
      const unchecked = await target.load(other, { skipVersionCheck: true });
      console.log(
        `    (the same .ko without the check: insmod exit ${unchecked.exit}${unchecked.stderr ? `, ${unchecked.stderr.trim()}` : ''})`,
      );
      if (unchecked.ok) await target.unload('hello');
    });

    it('refuses a file that is not a module', async () => {
      const notKo = path.join(scratch, 'notako.ko');
      writeFileSync(notKo, 'hello\n');
      await rejects(target.load(notKo), 'bad-module', /not a loadable kernel module/);
    });
  });

  describe('symbols', () => {
    it('fetch-symbols: kallsyms (every line) and Module.symvers into a profile', async () => {
      // The build tree's Module.symvers, as linux-headers puts it on a target.
      const symvers = `/usr/src/linux-headers-${RELEASE}/Module.symvers`;
      const up = await target.upload(symvers, { remoteName: 'Module.symvers' });
      inGuest(
        `mkdir -p /lib/modules/${RELEASE}/build && mv ${up.remotePath} /lib/modules/${RELEASE}/build/Module.symvers`,
      );
      const out = path.join(scratch, 'symbols');
      const fetched = await target.fetchSymbols(out);
      const lines = Number(inGuest('wc -l < /proc/kallsyms').trim());
      console.log(
        `    (kallsyms: ${fetched.kallsymsLines} lines fetched, ${lines} in /proc/kallsyms; ${fetched.profile.counts.exports} exports)`,
      );
      assert.equal(fetched.kallsymsLines, lines);
      assert.equal(fetched.profile.counts.symbols, lines);
      assert.equal(fetched.addressesHidden, false);
      assert.equal(fetched.profile.release, RELEASE);
      assert.equal(fetched.profile.exportsCoverage, 'all-modules');
      const symversLines = readFileSync(symvers, 'utf8')
        .split('\n')
        .filter((l) => l !== '').length;
      assert.equal(fetched.profile.counts.exports, symversLines);
      assert.ok(fetched.profile.exported('printk') === undefined && fetched.profile.exported('_printk') !== undefined);
      assert.equal(readFileSync(path.join(out, 'Module.symvers'), 'utf8'), readFileSync(symvers, 'utf8'));
      const meta = JSON.parse(readFileSync(path.join(out, 'target.json'), 'utf8')) as {
        release: string;
        kptrRestrict: number;
      };
      assert.deepEqual([meta.release, meta.kptrRestrict], [RELEASE, 0]);
    });

    it('lkm remote HOST fetch-symbols --out DIR, and the hidden-address warning when kptr_restrict=2', async () => {
      inGuest('echo 2 > /proc/sys/kernel/kptr_restrict');
      try {
        const out = path.join(scratch, 'cli-symbols');
        let stdout = '';
        let stderr = '';
        const io: CommandIo = { cwd: scratch, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
        const status = await main(['remote', '-F', sshConfig, 'lkm-vm', 'fetch-symbols', '--out', out], io);
        assert.equal(status, 0, stderr);
        assert.equal(stdout, `${out}\n`);
        assert.match(stderr, /warning: lkm-vm hides kernel addresses \(kptr_restrict=2\)/);
        const kallsyms = readFileSync(path.join(out, 'kallsyms'), 'utf8');
        assert.match(kallsyms, /^0000000000000000 T _printk$/m);
      } finally {
        inGuest('echo 0 > /proc/sys/kernel/kptr_restrict');
      }
    });
  });

  describe("privilege: users who are not root, and Debian's real sudo (setup.sh puts it in the guest)", () => {
    // lkmuser: sudoers `lkmuser ALL=(ALL:ALL) NOPASSWD: ALL`; lkmpass: `lkmpass ALL=(ALL:ALL) ALL`
    // (sudo asks for its password). Both log in with the host's key; each uploads to its own folder
    // (/tmp/lkm-remote is root's, from the tests above).
    const asUser = (user: string, extra: Partial<RemoteTargetOptions> = {}) =>
      RemoteTarget.connect(options({ user, uploadDir: `/tmp/lkm-up-${user}`, ...extra }));
    // Under `sudo -n sh -c '…'` the command runs in busybox sh, which prefers its own applets to
    // anything on PATH (root's login shell sends them to kmod, see test/vm/README.md): name kmod's.
    const kmodTools = { insmod: '/usr/local/kmod/bin/insmod', rmmod: '/usr/local/kmod/bin/rmmod' };

    it("the guest has the real sudo: setuid root, Debian's build", () => {
      assert.match(inGuest('ls -ln /usr/bin/sudo'), /^-rwsr-xr-x +1 +0 +0 /);
      assert.match(inGuest('sudo -V | head -n 1'), /^Sudo version 1\.9\./);
    });

    it('NOPASSWD user: insmod and rmmod through sudo -n, as root, with the kernel log', async () => {
      const user = await asUser('lkmuser', { tools: kmodTools });
      try {
        assert.equal((await user.run('id -un')).stdout, 'lkmuser\n');
        assert.deepEqual(await user.privilege(), { user: 'lkmuser', uid: 1000, via: 'sudo' });
        assert.equal((await user.run('sudo -n id -u')).stdout, '0\n');
        const loaded = await user.load(ko('params'), { parameters: { name: 'via sudo', count: '2' } });
        assert.equal(loaded.ok, true, loaded.stderr);
        assert.equal(loaded.stderr, '');
        // The kernel log, read through sudo (dmesg -r): this operation's lines.
        assert.deepEqual(
          loaded.log.filter((r) => r.text.startsWith('params: Hello')).map((r) => r.text),
          ['params: Hello, via sudo! [demo]', 'params: Hello, via sudo! [demo]'],
        );
        assert.equal(
          inGuest('cat /sys/module/params/parameters/name /sys/module/params/parameters/count'),
          'via sudo\n2\n',
        );
        assert.match(inGuest('cat /proc/modules'), /^params /m);
        // kmod's own refusal, through sudo: the second insmod of the same module.
        const again = await user.load(ko('params'));
        assert.deepEqual(
          [again.ok, again.stderr],
          [false, `insmod: ERROR: could not insert module /tmp/lkm-up-lkmuser/params.ko: File exists\n`],
        );
        const unloaded = await user.unload('params');
        assert.equal(unloaded.ok, true, unloaded.stderr);
        assert.deepEqual(
          unloaded.log.map((r) => r.text),
          ['params: exit count=2 name=via sudo'],
        );
        assert.doesNotMatch(inGuest('cat /proc/modules'), /^params /m);
        // The uploaded copies are the user's, and gone after each load.
        assert.equal(inGuest('ls -A /tmp/lkm-up-lkmuser'), '');
      } finally {
        await user.close();
      }
    });

    it("a user whose sudo wants a password: password-required with sudo's own words; nothing uploaded or loaded", async () => {
      const user = await asUser('lkmpass');
      try {
        assert.equal((await user.run('id -un')).stdout, 'lkmpass\n');
        const error = await rejects(user.load(ko('hello')), 'password-required');
        assert.match(error.message, /sudo asks 'lkmpass' for a password, and lkm never types or stores one/);
        assert.equal(error.detail, 'sudo: a password is required');
        await rejects(user.unload('hello'), 'password-required');
        assert.doesNotMatch(inGuest('cat /proc/modules'), /^hello /m);
        assert.equal(guest().ssh('ls /tmp/lkm-up-lkmpass').status, 1);
      } finally {
        await user.close();
      }
    });

    it('not root and no sudo on the target: a clear error, nothing loaded', async () => {
      inGuest('mv /usr/bin/sudo /usr/bin/sudo.off');
      try {
        const user = await asUser('lkmuser');
        try {
          const error = await rejects(user.load(ko('hello')), 'no-privilege');
          assert.match(error.message, /the user 'lkmuser' is not root and the target has no sudo/);
          assert.doesNotMatch(inGuest('cat /proc/modules'), /^hello /m);
        } finally {
          await user.close();
        }
      } finally {
        inGuest('mv /usr/bin/sudo.off /usr/bin/sudo');
      }
    });

    it('symbols as a user without root or sudo: names and types, addresses hidden, with a warning', async () => {
      const user = await asUser('lkmpass');
      try {
        const fetched = await user.fetchSymbols(path.join(scratch, 'user-symbols'));
        assert.equal(fetched.addressesHidden, true);
        assert.ok(
          fetched.warnings.some((w) => /hides kernel addresses .*read as lkmpass, who is not root/.test(w)),
          fetched.warnings.join('\n'),
        );
        assert.ok(fetched.kallsymsLines > 90_000);
      } finally {
        await user.close();
      }
    });

    it('symbols as the NOPASSWD user: read through sudo, addresses shown', async () => {
      const user = await asUser('lkmuser');
      try {
        const fetched = await user.fetchSymbols(path.join(scratch, 'sudo-symbols'));
        assert.equal(fetched.addressesHidden, false, fetched.warnings.join('\n'));
        assert.ok(fetched.kallsymsLines > 90_000);
      } finally {
        await user.close();
      }
    });
  });

  describe('failures', () => {
    it('refused authentication (a key the target does not know): auth-refused, no prompt, no hang', async () => {
      const key = path.join(scratch, 'wrong_key');
      spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
      const t0 = Date.now();
      const error = await rejects(
        RemoteTarget.connect({
          host: '127.0.0.1',
          port: guest().port,
          user: 'root',
          identityFile: key,
          configFile: '/dev/null',
          controlDir,
          sshOptions: ['StrictHostKeyChecking=no', 'UserKnownHostsFile=/dev/null', 'IdentityAgent=none'],
        }),
        'auth-refused',
        /authentication was refused .*never asks for a password/,
      );
      console.log(`    (${((Date.now() - t0) / 1000).toFixed(1)} s: ${error.detail ?? ''})`);
    });

    it('host down (a closed port): host-down within the connect timeout', async () => {
      const port = await closedPort();
      const t0 = Date.now();
      await rejects(
        RemoteTarget.connect({ host: '127.0.0.1', port, configFile: '/dev/null', controlDir, connectTimeoutS: 5 }),
        'host-down',
        /cannot connect/,
      );
      assert.ok(Date.now() - t0 < 5000);
    });

    it('a host that accepts TCP but never speaks ssh: connect-timeout after ConnectTimeout', async () => {
      const silent = net.createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as net.AddressInfo).port;
      try {
        const t0 = Date.now();
        await rejects(
          RemoteTarget.connect({ host: '127.0.0.1', port, configFile: '/dev/null', controlDir, connectTimeoutS: 2 }),
          'connect-timeout',
        );
        const s = (Date.now() - t0) / 1000;
        assert.ok(s >= 1.5 && s < 10, `${s} s`);
      } finally {
        silent.close();
      }
    });

    it('a command past its timeout is stopped (command-timeout); the target is still usable', async () => {
      const t0 = Date.now();
      await rejects(target.run('sleep 30', { timeoutMs: 2000 }), 'command-timeout', /did not finish within 2 s/);
      assert.ok(Date.now() - t0 < 6000);
      assert.equal(await target.release(), RELEASE);
    });

    it('cancellation with an AbortSignal', async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 500);
      await rejects(target.run('sleep 30', { signal: controller.signal }), 'cancelled');
      assert.equal((await target.run('echo still')).stdout, 'still\n');
    });

    it('a full disk: every upload method says so, leaves nothing behind, and nothing is loaded', async () => {
      inGuest('mkdir -p /mnt/small && (mountpoint -q /mnt/small || mount -t tmpfs -o size=64k tmpfs /mnt/small)');
      try {
        const small = await RemoteTarget.connect(options({ uploadDir: '/mnt/small' }));
        try {
          for (const method of ['sftp', 'scp', 'cat'] as const) {
            await rejects(small.upload(ko('params'), { method }), 'disk-full', /no space left in \/mnt\/small/);
            assert.equal(inGuest('ls -A /mnt/small'), '');
          }
          await rejects(small.load(ko('params')), 'disk-full');
          assert.equal(inGuest('ls -A /mnt/small'), '');
          assert.doesNotMatch(inGuest('cat /proc/modules'), /^params /m);
        } finally {
          await small.close();
        }
      } finally {
        inGuest('umount /mnt/small');
      }
    });

    // Last: the VM does not survive it.
    it('the VM killed in the middle of an operation: connection-lost, then host-down, state forgotten', async () => {
      await target.dmesgSinceLastOperation();
      const pending = target.run('sleep 20; echo never');
      setTimeout(() => guest().kill(), 1500);
      const t0 = Date.now();
      const error = await rejects(pending, 'connection-lost', /connection was lost/);
      console.log(`    (${((Date.now() - t0) / 1000).toFixed(1)} s after the start: ${error.detail ?? ''})`);
      assert.equal(target.runner.multiplexed, false);
      await rejects(target.release(), 'host-down');
      await rejects(target.load(ko('hello')), 'host-down');
    });
  });
});
