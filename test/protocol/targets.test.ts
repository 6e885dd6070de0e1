import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CancellationToken, ExecuteCommandRequest } from 'vscode-languageserver-protocol';
import {
  CheckParametersRequest,
  KernelLogAppendedNotification,
  KernelLogRequest,
  LoadModuleRequest,
  ModprobeRequest,
  ModuleCandidatesRequest,
  ReloadModuleRequest,
  ResetKernelRequest,
  SelectTargetRequest,
  TargetStateChangedNotification,
  TargetStateRequest,
  UnloadModuleRequest,
  type KernelLogLine,
  type LkmRequest,
  type ModuleCandidate,
  type OperationResult,
  type TargetState,
} from '../../server/src/protocol/lkmProtocol';
import { FIXTURE_KERNEL_HEADERS, REPOSITORY_ROOT } from '../support/fixtures';
import { LspTestClient } from '../support/lspTestClient';

const SAMPLES = path.join(REPOSITORY_ROOT, 'samples');
/** An excerpt of Debian 6.1.0-56-amd64's real Module.symvers: the exports the samples import. */
const SYMVERS = path.join(REPOSITORY_ROOT, 'test/fixtures/targets/Module.symvers');

describe('the simulated kernel over JSON-RPC (built dist/server.js)', function () {
  this.timeout(60_000);
  let client: LspTestClient;
  let storage: string;
  const states: TargetState[] = [];
  const logs: KernelLogLine[] = [];
  const warnings: string[] = [];

  async function start(): Promise<LspTestClient> {
    const c = LspTestClient.start('stdio');
    c.settings = {
      kernelHeaders: FIXTURE_KERNEL_HEADERS,
      symbols: { moduleSymvers: SYMVERS },
      kernelRelease: '6.1.0-56-amd64',
    };
    c.connection.onNotification(TargetStateChangedNotification.method, (s: TargetState) => {
      states.push(s);
    });
    c.connection.onNotification(KernelLogAppendedNotification.method, (l: KernelLogLine[]) => {
      logs.push(...l);
    });
    c.connection.onRequest('window/showMessageRequest', (m: { message: string }) => {
      warnings.push(m.message);
      return null;
    });
    const { capabilities } = await c.initialize(true, { lkm: c.settings, storagePath: storage }, SAMPLES);
    assert.ok(capabilities.executeCommandProvider?.commands.includes('lkm-server.loadModule'));
    return c;
  }

  function request<P, R>(r: LkmRequest<P, R>, params?: P): Promise<R> {
    return client.connection.sendRequest<R>(r.method, params);
  }

  before(async () => {
    storage = mkdtempSync(path.join(tmpdir(), 'lkm-targets-'));
    client = await start();
  });
  after(() => {
    client.kill();
    rmSync(storage, { recursive: true, force: true });
  });

  it('lists the samples as loadable modules, with parameters', async () => {
    const candidates = await request<void, ModuleCandidate[]>(ModuleCandidatesRequest);
    const params = candidates.find((c) => c.name === 'params' && c.kind === 'source');
    assert.ok(params, JSON.stringify(candidates.map((c) => c.name)));
    const types = new Map(params.parameters.map((p) => [p.name, p.type]));
    assert.equal(types.get('count'), 'int');
    assert.equal(types.get('name'), 'charp');
    assert.equal(types.get('debug_level'), 'short');
    assert.equal(types.get('tag'), 'string');
    assert.equal(params.parameters.find((p) => p.name === 'tag')?.default, 'demo');
  });

  it('loads hello: the result, the state notification and the log notification', async () => {
    const result = await request(LoadModuleRequest, { path: path.join(SAMPLES, 'hello') });
    assert.equal(result.ok, true, result.stderr);
    assert.deepEqual(
      result.state.modules.map((m) => m.name),
      ['hello'],
    );
    assert.ok(states.at(-1)?.modules.some((m) => m.name === 'hello'));
    assert.ok(logs.some((l) => l.text === 'hello: Hello, world!'));
    const state = await request(TargetStateRequest);
    assert.equal(state.target.kind, 'simulated');
    assert.equal(state.target.release, '6.1.0-56-amd64');
    assert.equal(state.target.real, false);
    assert.match(state.target.taintLetters, /O/);
  });

  it('consumer alone: the loader refuses it, and the advice names provider', async () => {
    const result = await request(LoadModuleRequest, { path: path.join(SAMPLES, 'consumer') });
    assert.equal(result.ok, false);
    assert.equal(result.exitCode, 1);
    assert.match(result.advice ?? '', /load provider first, or use Load with Dependencies/);
  });

  it('modprobe loads consumer with provider; modprobe -r removes both', async () => {
    const probed = await request(ModprobeRequest, { name: 'consumer' });
    assert.equal(probed.ok, true, probed.stderr);
    assert.deepEqual(probed.state.modules.map((m) => m.name).sort(), ['consumer', 'hello', 'provider']);
    const removed = await request(ModprobeRequest, { name: 'consumer', remove: true });
    assert.equal(removed.ok, true, removed.stderr);
    assert.deepEqual(
      removed.state.modules.map((m) => m.name),
      ['hello'],
    );
  });

  it('checks parameters, loads with them and reloads with the same ones', async () => {
    const params = path.join(SAMPLES, 'params');
    const problems = await request(CheckParametersRequest, {
      path: params,
      parameters: ['count=x'],
    });
    assert.deepEqual(problems, [{ word: 'count=x', message: "params: `x' invalid for parameter `count'" }]);
    const loaded = await request(LoadModuleRequest, { path: params, parameters: ['count=3'] });
    assert.equal(loaded.ok, true, loaded.stderr);
    const reloaded = await request(ReloadModuleRequest, { name: 'params' });
    assert.equal(reloaded.ok, true, reloaded.stderr);
    assert.deepEqual(reloaded.state.modules.find((m) => m.name === 'params')?.loadedWith, ['count=3']);
  });

  it('the same operations are workspace/executeCommand commands', async () => {
    const result = (await client.connection.sendRequest(ExecuteCommandRequest.type, {
      command: 'lkm-server.unloadModule',
      arguments: [{ name: 'params' }],
    })) as OperationResult;
    assert.equal(result.ok, true, result.stderr);
    assert.equal(result.command, 'rmmod params');
    await assert.rejects(
      client.connection.sendRequest(ExecuteCommandRequest.type, { command: 'lkm-server.nosuch', arguments: [] }),
      /unknown command lkm-server.nosuch/,
    );
  });

  it('a request sent with only a cancellation token (no parameters) is answered', async () => {
    const state = await client.connection.sendRequest<TargetState>(TargetStateRequest.method, CancellationToken.None);
    assert.equal(state.target.kind, 'simulated');
  });

  it('bad requests get errors that say why, and the server goes on', async () => {
    await assert.rejects(request(LoadModuleRequest, { path: '/nonexistent/mod.ko' }), /no module there/);
    await assert.rejects(request(SelectTargetRequest, { kind: 'ftp' } as never), /not a target/);
    await assert.rejects(
      request(SelectTargetRequest, { kind: 'ssh', host: 'localhost', port: 99999 }),
      /port 99999 is not a TCP port/,
    );
    const state = await request(TargetStateRequest);
    assert.ok(state.modules.some((m) => m.name === 'hello'));
  });

  it('a dead SSH host is an error naming it; the simulated kernel stays the target', async () => {
    await assert.rejects(request(SelectTargetRequest, { kind: 'ssh', host: '127.0.0.1', port: 1 }), /127\.0\.0\.1/);
    assert.equal((await request(TargetStateRequest)).target.kind, 'simulated');
  });

  it('the kernel survives a server restart; reset boots a fresh one', async () => {
    const before = await request(KernelLogRequest, {});
    client.kill();
    client = await start();
    const state = await request(TargetStateRequest);
    assert.deepEqual(
      state.modules.map((m) => [m.name, m.loadedFrom]),
      [['hello', path.join(SAMPLES, 'hello')]],
    );
    const after = await request(KernelLogRequest, {});
    assert.deepEqual(after, before);
    const fresh = await request(ResetKernelRequest);
    assert.deepEqual(fresh.modules, []);
    assert.equal(fresh.target.tainted, 0);
  });

  it('a corrupt saved state is refused with a warning, and a fresh kernel starts', async () => {
    client.kill();
    writeFileSync(path.join(storage, 'simulated-kernel.json'), 'garbage');
    client = await start();
    const state = await request(TargetStateRequest);
    assert.deepEqual(state.modules, []);
    assert.ok(
      warnings.some((w) => /simulated-kernel\.json is refused \(not JSON/.test(w)),
      JSON.stringify(warnings),
    );
    assert.equal((await request(UnloadModuleRequest, { name: 'hello' })).ok, false);
  });
});
