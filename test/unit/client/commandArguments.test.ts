import { strict as assert } from 'node:assert';
import {
  loadArguments,
  modprobeArguments,
  moduleNameArgument,
  snapshotArguments,
  targetSpecArgument,
  unloadOptions,
} from '../../../client/src/commandArguments';

describe('the commands’ arguments (no prompts when given)', () => {
  it('asks (undefined) only when no argument was given', () => {
    for (const read of [loadArguments, modprobeArguments, targetSpecArgument, snapshotArguments]) {
      assert.equal(read(undefined), undefined);
    }
    assert.equal(moduleNameArgument(undefined, 'lkm.reloadModule'), undefined);
  });

  it('takes lkm.loadModule({ path, parameters? }) and lkm.modprobe({ name, parameters? })', () => {
    assert.deepEqual(loadArguments({ path: '/ws/hello' }), { path: '/ws/hello' });
    assert.deepEqual(loadArguments({ path: '/ws/p.ko', parameters: ['n=3'] }), {
      path: '/ws/p.ko',
      parameters: ['n=3'],
    });
    assert.deepEqual(modprobeArguments({ name: 'consumer', parameters: [] }), { name: 'consumer', parameters: [] });
    assert.deepEqual(modprobeArguments('consumer'), { name: 'consumer' });
    assert.throws(() => loadArguments({ file: '/ws/hello' }), /path: string/);
    assert.throws(() => loadArguments({ path: '/ws/hello', parameters: 'n=3' }), /array of "name=value"/);
  });

  it('takes a module name, the view’s element or a modulesView() row', () => {
    assert.equal(moduleNameArgument('hello', 'lkm.unloadModule'), 'hello');
    assert.equal(moduleNameArgument({ name: 'hello', useCount: 0 }, 'lkm.unloadModule'), 'hello');
    assert.equal(moduleNameArgument({ label: 'hello', contextValue: 'module' }, 'lkm.unloadModule'), 'hello');
    assert.throws(() => moduleNameArgument(42, 'lkm.unloadModule'), /lkm.unloadModule takes a module name/);
    assert.deepEqual(unloadOptions(undefined), { force: false });
    assert.deepEqual(unloadOptions({ force: true }), { force: true });
    assert.throws(() => unloadOptions({ force: 'yes' }), /force\?: boolean/);
  });

  it('takes a TargetSpec, checking its port', () => {
    assert.deepEqual(targetSpecArgument({ kind: 'simulated' }), { kind: 'simulated' });
    assert.deepEqual(targetSpecArgument({ kind: 'ssh', host: 'vm', port: 2222, user: 'root' }), {
      kind: 'ssh',
      host: 'vm',
      port: 2222,
      user: 'root',
    });
    assert.throws(() => targetSpecArgument({ kind: 'ssh', host: 'vm', port: 0 }), /port must be/);
    assert.throws(() => targetSpecArgument({ kind: 'telnet', host: 'vm' }), /lkm.selectTarget takes/);
  });

  it('takes { kallsyms?, symvers? }', () => {
    assert.deepEqual(snapshotArguments({ kallsyms: '/s/kallsyms' }), { kallsyms: '/s/kallsyms' });
    assert.deepEqual(snapshotArguments({ kallsyms: '/k', symvers: '/m' }), { kallsyms: '/k', symvers: '/m' });
    assert.throws(() => snapshotArguments({ symvers: 3 }), /symvers must be a string/);
  });
});
