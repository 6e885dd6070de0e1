import { strict as assert } from 'node:assert';
import { ScriptedEntryPointRunner } from '../../../server/src/kernel/simulator/entryPoints';
import { ERRNO, EWOULDBLOCK } from '../../../server/src/kernel/simulator/errno';
import { deleteModule, moduleGet, modulePut } from '../../../server/src/kernel/simulator/unloader';
import { dmesg, sh, testMachine } from './helpers';

describe('simulator: delete_module in 6.1 order', () => {
  it('not loaded: ENOENT', () => {
    const machine = testMachine();
    assert.equal(deleteModule(machine.kernel, 'hello'), ERRNO.ENOENT);
  });

  it('used by another module: EWOULDBLOCK, forced or not, and nothing is tainted', () => {
    const machine = testMachine();
    sh(machine, 'insmod /mods/provider.ko');
    sh(machine, 'insmod /mods/consumer.ko');
    const before = machine.kernel.taintValue();
    assert.equal(deleteModule(machine.kernel, 'provider'), EWOULDBLOCK);
    assert.equal(deleteModule(machine.kernel, 'provider', { force: true }), EWOULDBLOCK);
    assert.equal(machine.kernel.taintValue(), before);
  });

  it('not live (unloading from its own exit): EBUSY', () => {
    let inner = -1;
    const machine = testMachine({
      runner: new ScriptedEntryPointRunner({
        hello: { exit: { run: () => ((inner = deleteModule(machine.kernel, 'hello')), {}) } },
      }),
    });
    sh(machine, 'insmod /mods/hello.ko');
    assert.equal(deleteModule(machine.kernel, 'hello'), 0);
    assert.equal(inner, ERRNO.EBUSY);
  });

  it('init without exit: EBUSY; forced, it goes and taints R, with "Disabling lock debugging" the first time', () => {
    const machine = testMachine();
    sh(machine, 'insmod /mods/noexit.ko');
    dmesg(machine);
    assert.equal(deleteModule(machine.kernel, 'noexit'), ERRNO.EBUSY);
    assert.equal(deleteModule(machine.kernel, 'noexit', { force: true }), 0);
    assert.deepEqual(dmesg(machine), ['<4>Disabling lock debugging due to kernel taint']);
    assert.equal(machine.kernel.taintValue(), 12288 + 8);
  });

  it('while exit runs the module is Unloading in /proc/modules, with "-" after its taint letters, and "going" in sysfs', () => {
    let during = '';
    let state = '';
    const machine = testMachine({
      runner: new ScriptedEntryPointRunner({
        hello: {
          exit: {
            run: () => {
              during = sh(machine, 'cat /proc/modules').stdout;
              state = sh(machine, 'cat /sys/module/hello/initstate').stdout;
              return {};
            },
          },
        },
      }),
    });
    sh(machine, 'insmod /mods/hello.ko');
    sh(machine, 'rmmod hello');
    assert.equal(during, 'hello 16384 0 - Unloading 0xffffffffc0201000 (OE-)\n');
    assert.equal(state, 'going\n');
  });

  it('exit without init (noinit) unloads normally', () => {
    const machine = testMachine();
    sh(machine, 'insmod /mods/noinit.ko');
    assert.equal(deleteModule(machine.kernel, 'noinit'), 0);
  });

  it('references held: EWOULDBLOCK; forced, it goes and taints R; an unused module forced is not tainted', () => {
    const machine = testMachine();
    sh(machine, 'insmod /mods/hello.ko');
    assert.equal(deleteModule(machine.kernel, 'hello', { force: true }), 0);
    assert.equal(machine.kernel.taintValue(), 12288, 'rmmod -f of an unused module taints nothing');
    sh(machine, 'insmod /mods/hello.ko');
    assert.ok(moduleGet(machine.kernel, 'hello'));
    assert.equal(deleteModule(machine.kernel, 'hello'), EWOULDBLOCK);
    assert.equal(sh(machine, 'rmmod hello').stderr, 'rmmod: ERROR: Module hello is in use\n');
    assert.equal(deleteModule(machine.kernel, 'hello', { force: true }), 0);
    assert.equal(machine.kernel.taintValue(), 12288 + 8);
    assert.equal(modulePut(machine.kernel, 'hello'), false);
  });

  it('exit runs and prints; the provider drops a reference when its user goes', () => {
    const machine = testMachine({
      runner: new ScriptedEntryPointRunner({ consumer: { exit: { printk: [{ level: 6, text: 'consumer: exit' }] } } }),
    });
    sh(machine, 'insmod /mods/provider.ko');
    sh(machine, 'insmod /mods/consumer.ko');
    dmesg(machine);
    assert.equal(machine.kernel.find('provider')?.refcount, 1);
    assert.equal(deleteModule(machine.kernel, 'consumer'), 0);
    assert.deepEqual(dmesg(machine), ['<6>consumer: exit']);
    assert.equal(machine.kernel.find('provider')?.refcount, 0);
    assert.deepEqual(machine.kernel.find('provider')?.holders, []);
  });

  it('without CONFIG_MODULE_UNLOAD there is no delete_module (ENOSYS), and kmod says unloading is not supported', () => {
    const machine = testMachine({ config: { moduleUnload: false } });
    sh(machine, 'insmod /mods/hello.ko');
    assert.equal(deleteModule(machine.kernel, 'hello'), ERRNO.ENOSYS);
    const result = sh(machine, 'rmmod hello');
    assert.equal(result.exit, 1);
    assert.equal(
      result.stderr,
      'rmmod: ERROR: Module unloading is not supported\n' +
        "rmmod: ERROR: ../libkmod/libkmod-module.c:856 kmod_module_remove_module() could not remove 'hello': Function not implemented\n" +
        'rmmod: ERROR: could not remove module hello: Function not implemented\n',
    );
  });

  it('without CONFIG_MODULE_FORCE_UNLOAD, -f does not force', () => {
    const machine = testMachine({ config: { forceUnload: false } });
    sh(machine, 'insmod /mods/noexit.ko');
    assert.equal(deleteModule(machine.kernel, 'noexit', { force: true }), ERRNO.EBUSY);
  });
});
