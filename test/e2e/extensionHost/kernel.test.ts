// The editor's kernel commands against the simulated Linux 6.1 kernel, called as a keybinding or
// another extension would (arguments instead of prompts), and what the user then sees: the Kernel
// Modules view's rows, the Kernel Log channel and the target in the status bar (read through the
// test API that activate() returns).
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LkmExtensionApi } from '../../../client/src/extensionApi';
import type { OperationResult, TargetState } from '../../../server/src/kernel/targets/targetTypes';
import { activatedExtension, samplesFolder } from './helpers';

let api: LkmExtensionApi;

function sample(name: string): string {
  return path.join(samplesFolder(), name);
}

async function run(command: string, ...args: unknown[]): Promise<OperationResult> {
  const result = await vscode.commands.executeCommand<OperationResult | undefined>(command, ...args);
  assert.ok(result !== undefined, `${command} returned nothing (the request failed or asked for input)`);
  return result;
}

function transcript(result: OperationResult): string {
  return [`$ ${result.command}`, result.stdout, result.stderr, ...result.log.map((l) => l.text), result.advice ?? '']
    .filter((part) => part !== '')
    .join('\n');
}

function loaded(): string[] {
  return api.modulesView().map((row) => row.label);
}

function row(name: string): ReturnType<LkmExtensionApi['modulesView']>[number] {
  const found = api.modulesView().find((r) => r.label === name);
  assert.ok(found, `the Kernel Modules view has no ${name}: ${loaded().join(', ') || '(empty)'}`);
  return found;
}

describe('kernel commands on the simulated kernel (view, kernel log, status bar)', () => {
  before(async () => {
    const extension = await activatedExtension();
    api = extension.exports as LkmExtensionApi;
    assert.equal(typeof api?.modulesView, 'function', 'activate() returned no test API');
    await api.ready;
  });

  it('lkm.selectTarget {kind: simulated}: the status bar names the simulated 6.1 kernel', async () => {
    await vscode.commands.executeCommand('lkm.selectTarget', { kind: 'simulated' });
    assert.match(api.statusText(), /simulated/);
    assert.match(api.statusText(), /6\.1\.0-56-amd64/);
  });

  it('lkm.resetKernel boots a fresh kernel: no module in the view', async () => {
    const state = await vscode.commands.executeCommand<TargetState | undefined>('lkm.resetKernel');
    assert.ok(state !== undefined, 'lkm.resetKernel returned nothing');
    assert.deepEqual(
      state.modules.map((m) => m.name),
      [],
    );
    assert.deepEqual(loaded(), []);
  });

  it('lkm.loadModule hello: insmod succeeds, the view shows hello, the Kernel Log its greeting', async () => {
    const result = await run('lkm.loadModule', { path: sample('hello') });
    assert.ok(result.ok, transcript(result));
    assert.match(result.command, /^insmod \S*hello/);
    assert.ok(
      result.log.some((line) => line.text.includes('hello: Hello, world!')),
      transcript(result),
    );
    assert.deepEqual(loaded(), ['hello']);
    assert.match(row('hello').description ?? '', /^\d+ B · used 0 · Live/);
    assert.equal(row('hello').contextValue, 'module');
    assert.match(api.kernelLogText(), /hello: Hello, world!/);
  });

  it('loading hello a second time fails with the loader\'s "File exists"', async () => {
    const result = await run('lkm.loadModule', { path: sample('hello') });
    assert.equal(result.ok, false, transcript(result));
    assert.notEqual(result.exitCode, 0);
    assert.match(result.stderr, /File exists/);
    assert.deepEqual(loaded(), ['hello']);
  });

  it('lkm.loadModule consumer alone fails with "Unknown symbol", and the advice names provider', async () => {
    const result = await run('lkm.loadModule', { path: sample('consumer') });
    assert.equal(result.ok, false, transcript(result));
    assert.match(transcript(result), /Unknown symbol/);
    assert.match(result.advice ?? '', /provider/);
    assert.ok(!loaded().includes('consumer'));
    assert.match(api.kernelLogText(), /consumer: Unknown symbol prov_add/);
  });

  it('lkm.modprobe consumer loads provider first, then consumer, whose init calls into provider', async () => {
    const result = await run('lkm.modprobe', { name: 'consumer' });
    assert.ok(result.ok, transcript(result));
    assert.match(result.command, /^modprobe consumer/);
    assert.deepEqual([...loaded()].sort(), ['consumer', 'hello', 'provider']);
    assert.match(row('provider').description ?? '', /used 1 by consumer/);
    assert.equal(row('provider').contextValue, 'module.busy');
    assert.match(api.kernelLogText(), /consumer: prov_add\(2,3\)=5 prov_gpl_mul\(4,5\)=20/);
  });

  it('lkm.unloadModule provider is refused while consumer uses it', async () => {
    const result = await run('lkm.unloadModule', 'provider');
    assert.equal(result.ok, false, transcript(result));
    assert.match(transcript(result), /in use/);
    assert.ok(loaded().includes('provider'));
  });

  it('lkm.modprobeRemove consumer removes consumer and its unused provider', async () => {
    const result = await run('lkm.modprobeRemove', 'consumer');
    assert.ok(result.ok, transcript(result));
    assert.match(result.command, /^modprobe -r consumer/);
    assert.deepEqual(loaded(), ['hello']);
    assert.match(api.kernelLogText(), /consumer: exit/);
  });

  it('lkm.reloadModule hello runs its exit, then its init again', async () => {
    const result = await run('lkm.reloadModule', 'hello');
    assert.ok(result.ok, transcript(result));
    const texts = result.log.map((line) => line.text);
    const goodbye = texts.findIndex((t) => t.includes('hello: Goodbye, world!'));
    const hello = texts.findIndex((t) => t.includes('hello: Hello, world!'));
    assert.ok(goodbye >= 0 && hello > goodbye, transcript(result));
    assert.deepEqual(loaded(), ['hello']);
  });

  it('lkm.loadModule params with parameters: the view lists them in the tooltip', async () => {
    const result = await run('lkm.loadModule', { path: sample('params'), parameters: ['count=7', 'name=e2e'] });
    assert.ok(result.ok, transcript(result));
    assert.match(result.command, /count=7 name=e2e/);
    assert.match(row('params').tooltip ?? '', /parameters: count=7 name=e2e/);
  });

  it("lkm.loadModule with a bad parameter value fails in the kernel's words", async () => {
    await run('lkm.unloadModule', 'params');
    const result = await run('lkm.loadModule', { path: sample('params'), parameters: ['count=notanumber'] });
    assert.equal(result.ok, false, transcript(result));
    assert.match(transcript(result), /Invalid argument|invalid/i);
    assert.ok(!loaded().includes('params'));
  });

  it('lkm.unloadModule hello: rmmod succeeds, the view no longer shows it, the Kernel Log has its goodbye', async () => {
    const result = await run('lkm.unloadModule', 'hello');
    assert.ok(result.ok, transcript(result));
    assert.match(result.command, /^rmmod hello/);
    assert.deepEqual(loaded(), []);
    assert.match(api.kernelLogText(), /hello: Goodbye, world!/);
  });

  it('a module without exit is [permanent]: rmmod refuses it, and { force: true } runs rmmod -f', async () => {
    const load = await run('lkm.loadModule', { path: sample('broken/init-without-exit') });
    assert.ok(load.ok, transcript(load));
    assert.equal(row('noexit').contextValue, 'module.permanent');
    const plain = await run('lkm.unloadModule', 'noexit');
    assert.equal(plain.ok, false, transcript(plain));
    assert.match(transcript(plain), /Device or resource busy|permanent/);
    const forced = await run('lkm.unloadModule', 'noexit', { force: true });
    assert.match(forced.command, /^rmmod -f noexit/);
  });

  it('lkm.refreshModules reads /proc/modules again; lkm.showKernelLog shows the channel', async () => {
    const state = await vscode.commands.executeCommand<TargetState | undefined>('lkm.refreshModules');
    assert.ok(state !== undefined, 'lkm.refreshModules returned nothing');
    assert.deepEqual(
      state.modules.map((m) => m.name),
      loaded(),
    );
    await vscode.commands.executeCommand('lkm.showKernelLog');
  });

  it('lkm.resetKernel after loads: the view is empty again and the Kernel Log says the kernel was reset', async () => {
    await run('lkm.loadModule', { path: sample('hello') });
    assert.ok(loaded().includes('hello'));
    const state = await vscode.commands.executeCommand<TargetState | undefined>('lkm.resetKernel');
    assert.ok(state !== undefined);
    assert.deepEqual(loaded(), []);
    assert.match(api.kernelLogText(), /reset/);
  });
});
