import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadBundledProfile } from '../../../server/src/kernel/symbols/bundledProfile';
import type { KernelProfile } from '../../../server/src/kernel/symbols/kernelProfile';
import { TargetSession } from '../../../server/src/kernel/targets/targetSession';
import type { KernelLogLine, TargetState } from '../../../server/src/kernel/targets/targetTypes';
import { sharedParser } from '../../support/parser';

const SAMPLES = path.resolve(__dirname, '../../../samples');
const sample = (name: string) => path.join(SAMPLES, name);

describe('TargetSession on the simulated kernel (the samples as the editor loads them)', function () {
  this.timeout(60_000);
  let profile: KernelProfile;
  let dir: string;
  before(() => {
    profile = loadBundledProfile().profile;
  });
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lkm-session-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function session(events?: { states: TargetState[]; logs: KernelLogLine[] }): Promise<TargetSession> {
    return TargetSession.start({
      parser: await sharedParser(),
      profile,
      workspaceRoots: () => [SAMPLES],
      statePath: path.join(dir, 'state', 'simulated-kernel.json'),
      ...(events ? { onStateChanged: (s) => events.states.push(s), onLog: (lines) => events.logs.push(...lines) } : {}),
    });
  }

  it('lists the workspace modules with their parameters and dependencies', async () => {
    const candidates = await (await session()).candidates();
    const names = candidates.map((c) => c.name);
    for (const name of ['hello', 'provider', 'consumer', 'params', 'chardev']) assert.ok(names.includes(name), name);
    const consumer = candidates.find((c) => c.name === 'consumer')!;
    assert.equal(consumer.kind, 'source');
    assert.deepEqual(consumer.depends, ['provider']);
    const params = candidates.find((c) => c.name === 'params')!;
    const count = params.parameters.find((p) => p.name === 'count')!;
    assert.equal(count.type, 'int');
    assert.equal(count.permissions, '0644');
    assert.match(count.description ?? '', /How many times/);
  });

  it('loads hello: insmod succeeds, the greeting is logged, /proc/modules lists it with its taint', async () => {
    const events = { states: [] as TargetState[], logs: [] as KernelLogLine[] };
    const s = await session(events);
    const result = await s.load(sample('hello'));
    assert.equal(result.ok, true, result.stderr);
    assert.equal(result.command, `insmod ${sample('hello')}/hello.ko`);
    assert.ok(
      result.log.some((l) => l.text === 'hello: Hello, world!'),
      JSON.stringify(result.log),
    );
    const hello = result.state.modules.find((m) => m.name === 'hello')!;
    assert.equal(hello.state, 'Live');
    assert.equal(hello.loadedFrom, sample('hello'));
    assert.match(hello.taint, /O/);
    assert.match(result.state.target.taintLetters, /O/);
    assert.ok(result.state.target.taintReasons.some((r) => r.startsWith('O: externally-built')));
    assert.equal(events.states.length, 1);
    assert.ok(events.logs.some((l) => l.text === 'hello: Hello, world!'));
  });

  it('consumer alone fails with the loader words and the advice to load provider first', async () => {
    const s = await session();
    const result = await s.load(sample('consumer'));
    assert.equal(result.ok, false);
    assert.match(result.stderr, /insmod: ERROR: could not insert module .*consumer\.ko: Unknown symbol in module/);
    assert.ok(result.log.some((l) => /^consumer: Unknown symbol prov_add \(err -2\)$/.test(l.text)));
    assert.match(
      result.advice ?? '',
      /^Unknown symbol (prov_\w+, )*prov_add(, prov_\w+)*: load provider first, or use Load with Dependencies$/,
    );
  });

  it('modprobe consumer loads provider first; unloading provider then is refused with advice; modprobe -r removes both', async () => {
    const s = await session();
    const probed = await s.modprobe('consumer');
    assert.equal(probed.ok, true, probed.stderr);
    assert.ok(
      probed.log.some((l) => l.text === 'consumer: prov_add(2,3)=5 prov_gpl_mul(4,5)=20'),
      JSON.stringify(probed.log),
    );
    const provider = probed.state.modules.find((m) => m.name === 'provider')!;
    assert.deepEqual(provider.usedBy, ['consumer']);
    assert.equal(provider.useCount, 1);
    const refused = await s.unload('provider');
    assert.equal(refused.ok, false);
    assert.equal(refused.stderr, 'rmmod: ERROR: Module provider is in use by: consumer\n');
    assert.match(refused.advice ?? '', /unload consumer first, or use Remove with Dependencies/);
    const removed = await s.modprobe('consumer', [], true);
    assert.equal(removed.ok, true, removed.stderr);
    assert.deepEqual(removed.state.modules, []);
  });

  it('checks parameters with params.c semantics and loads with them', async () => {
    const s = await session();
    const problems = await s.checkParameters(sample('params'), ['count=abc', 'count=3', 'nosuch=1']);
    assert.deepEqual(
      problems.map((p) => [p.word, p.message]),
      [
        ['count=abc', "params: `abc' invalid for parameter `count'"],
        ['nosuch=1', "params: unknown parameter 'nosuch' ignored"],
      ],
    );
    const bad = await s.load(sample('params'), ['count=abc']);
    assert.equal(bad.ok, false);
    assert.match(bad.advice ?? '', /`abc' invalid for parameter `count': give a value of type int/);
    const good = await s.load(sample('params'), ['count=2', 'name=kernel hacker']);
    assert.equal(good.ok, true, good.stderr);
    assert.equal(good.command, `insmod ${sample('params')}/params.ko count=2 'name="kernel hacker"'`);
    assert.deepEqual(good.state.modules.find((m) => m.name === 'params')?.loadedWith, [
      'count=2',
      'name=kernel hacker',
    ]);
  });

  it('reloads a module from where it was loaded, with the same parameters', async () => {
    const s = await session();
    await s.load(sample('params'), ['count=2']);
    const reloaded = await s.reload('params');
    assert.equal(reloaded.ok, true, reloaded.stderr);
    assert.match(reloaded.command, /^rmmod params && insmod .*params\.ko count=2$/);
    assert.deepEqual(reloaded.state.modules.find((m) => m.name === 'params')?.loadedWith, ['count=2']);
  });

  it('an init returning -ENODEV fails with the errno words', async () => {
    const s = await session();
    const result = await s.load(sample('broken/init-fails'));
    assert.equal(result.ok, false);
    assert.match(result.stderr, /could not insert module .*: No such device/);
    assert.match(result.advice ?? '', /No such device: the module's init failed/);
  });

  it('saves after every change and restores at the next start; reset boots a fresh kernel', async () => {
    const first = await session();
    await first.load(sample('hello'), []);
    const second = await session();
    const restored = await second.state();
    assert.deepEqual(
      restored.modules.map((m) => [m.name, m.loadedFrom]),
      [['hello', sample('hello')]],
    );
    assert.ok(second.kernelLog().some((l) => l.text === 'hello: Hello, world!'));
    const afterHello = second.kernelLog().at(-1)!.seq;
    await second.unload('hello');
    assert.deepEqual(
      second.kernelLog(afterHello).map((l) => l.text),
      ['hello: Goodbye, world!'],
    );
    const fresh = await second.reset();
    assert.deepEqual(fresh.modules, []);
    assert.equal(fresh.target.tainted, 0);
    assert.deepEqual((await (await session()).state()).modules, []);
  });

  it('a corrupt saved state is refused with a message and a fresh kernel starts', async () => {
    const file = path.join(dir, 'state', 'simulated-kernel.json');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, '{"format":"lkm-workbench-session","version":1,"machine":"{ not json","loadedFrom":[]}');
    const s = await session();
    assert.equal(s.startNotes.length, 1);
    assert.match(s.startNotes[0]!, /is refused \(not JSON/);
    assert.deepEqual((await s.state()).modules, []);
  });

  it('a path with no module is an error that names it', async () => {
    const s = await session();
    await assert.rejects(s.load(path.join(SAMPLES, 'README.md')), /README\.md: no module there/);
    await assert.rejects(s.reload('nosuch'), /no workspace module is called nosuch/);
  });
});
