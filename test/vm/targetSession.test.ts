// The editor's target session (server/src/kernel/targets) switched to the real Linux 6.1 kernel
// under qemu over ssh: the same requests the Kernel Modules view and the load commands send, on
// kbuild-built .ko files. The last step of `npm test` (LKM_VM=1); alone:
//   LKM_VM=1 npx mocha test/vm/targetSession.test.ts
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadBundledProfile } from '../../server/src/kernel/symbols/bundledProfile';
import { TargetSession } from '../../server/src/kernel/targets/targetSession';
import { RemoteKernelTarget } from '../../server/src/kernel/targets/remoteKernelTarget';
import { sharedParser } from '../support/parser';
import { RealKernelVm, buildModules, qemuInstalled, setUpVm, REPOSITORY_ROOT } from './realKernelVm';

const RELEASE = '6.1.0-56-amd64';
const demanded = process.env['LKM_VM'] === '1';

describe('the editor session on a real Linux 6.1 kernel over ssh', function () {
  this.timeout(5 * 60_000);
  let vm: RealKernelVm | undefined;
  let modules = '';
  let session: TargetSession;
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'lkm-session-vm-'));
  const sshConfig = path.join(scratch, 'ssh_config');
  const ko = (name: string) => path.join(modules, `${name}.ko`);
  const nonBoot = (names: readonly string[]) =>
    names.filter((n) => ['hello', 'provider', 'consumer', 'params'].includes(n));

  before(async function () {
    this.timeout(30 * 60_000);
    if (!demanded && !qemuInstalled()) {
      console.log('    (skipped: qemu-system-x86_64 is not installed; run scripts/vm/setup.sh, or set LKM_VM=1)');
      this.skip();
    }
    setUpVm();
    modules = buildModules();
    vm = RealKernelVm.boot();
    writeFileSync(sshConfig, readFileSync(path.join(vm.dir, 'ssh_config')));
    session = await TargetSession.start({
      parser: await sharedParser(),
      profile: loadBundledProfile().profile,
      workspaceRoots: () => [modules, path.join(REPOSITORY_ROOT, 'samples')],
      statePath: path.join(scratch, 'state.json'),
    });
  });

  after(async () => {
    await session?.dispose();
    vm?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('switches to the ssh target: release, taint and /proc/modules come from the real kernel', async () => {
    const state = await session.select({ kind: 'ssh', host: 'lkm-vm', configFile: sshConfig });
    assert.ok(session.current instanceof RemoteKernelTarget);
    assert.equal(state.target.kind, 'ssh');
    assert.equal(state.target.real, true);
    assert.equal(state.target.release, RELEASE);
    assert.equal(state.target.label, 'ssh lkm-vm');
    assert.deepEqual(nonBoot(state.modules.map((m) => m.name)), []);
  });

  it('loads hello.ko with insmod on the guest: the greeting, the O and E taints, the module listed', async () => {
    const result = await session.load(ko('hello'));
    assert.equal(result.ok, true, result.stderr);
    assert.match(result.command, /^insmod \/tmp\/lkm-remote\/hello\.ko$/);
    assert.ok(
      result.log.some((l) => l.text === 'hello: Hello, world!'),
      JSON.stringify(result.log),
    );
    const hello = result.state.modules.find((m) => m.name === 'hello');
    assert.equal(hello?.state, 'Live');
    assert.equal(hello?.loadedFrom, ko('hello'));
    assert.match(result.state.target.taintLetters, /OE/);
  });

  it('consumer.ko alone: the real loader refuses it and the advice names provider', async () => {
    const result = await session.load(ko('consumer'));
    assert.equal(result.ok, false);
    assert.match(result.stderr, /Unknown symbol in module/);
    assert.match(
      result.advice ?? '',
      /^Unknown symbol .*prov_add.*: load provider first, or use Load with Dependencies$/,
    );
  });

  it('unload refused while in use names the user; unloading in order works', async () => {
    assert.equal((await session.load(ko('provider'))).ok, true);
    assert.equal((await session.load(ko('consumer'))).ok, true);
    const refused = await session.unload('provider');
    assert.equal(refused.ok, false);
    assert.match(refused.advice ?? '', /unload consumer first, or use Remove with Dependencies/);
    assert.equal((await session.unload('consumer')).ok, true);
    assert.equal((await session.unload('provider')).ok, true);
  });

  it('reloads with the same parameters on the real kernel', async () => {
    assert.equal((await session.load(ko('params'), ['count=2'])).ok, true);
    const reloaded = await session.reload('params');
    assert.equal(reloaded.ok, true, reloaded.stderr);
    assert.match(reloaded.command, /^rmmod params && insmod \/tmp\/lkm-remote\/params\.ko count=2$/);
    assert.equal((await session.unload('params')).ok, true);
  });

  it('a source folder is not loaded into a real kernel: build it first', async () => {
    await assert.rejects(session.load(path.join(REPOSITORY_ROOT, 'samples/hello')), /build it first/);
  });

  it('back to the simulated kernel: its saved state, not the guest', async () => {
    assert.equal((await session.unload('hello')).ok, true);
    const state = await session.select({ kind: 'simulated' });
    assert.equal(state.target.kind, 'simulated');
    assert.equal(state.target.real, false);
  });
});
