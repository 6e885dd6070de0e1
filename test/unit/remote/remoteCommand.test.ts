import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as net from 'node:net';
import type { CommandIo } from '../../../server/src/cli/commandIo';
import { main } from '../../../server/src/cli/lkm';

async function lkm(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = { cwd: process.cwd(), stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) };
  const status = await main(argv, io);
  return { status, stdout, stderr };
}

describe('lkm remote (no target needed)', () => {
  it('is listed in lkm --help, and has its own help', async () => {
    assert.match((await lkm(['--help'])).stdout, /^ {2}remote {3}run a scenario on a real kernel over SSH/m);
    const help = await lkm(['remote', '--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^usage: lkm remote HOST SCENARIO/);
  });

  it('bad usage exits with 2 and says why', async () => {
    for (const [argv, why] of [
      [['remote'], /a host is needed/],
      [['remote', 'h'], /a scenario file or fetch-symbols is needed/],
      [['remote', 'h', 'a.scenario', '--out', 'x'], /--out is for fetch-symbols/],
      [['remote', 'h', 'a.scenario', '--upload', 'ftp'], /--upload must be sftp, scp or cat/],
      [['remote', 'h', 'a.scenario', '--tools', 'x'], /--tools must be kmod or busybox/],
      [['remote', 'h', 'a.scenario', '-p', '99999'], /-p needs a port number/],
      [['remote', 'h', 'a', 'b'], /one scenario at a time/],
    ] as const) {
      const r = await lkm([...argv]);
      assert.equal(r.status, 2, argv.join(' '));
      assert.match(r.stderr, why);
    }
  });

  it('a host where nothing listens: exit 1 with a clear message, quickly, no prompt', async function () {
    this.timeout(20_000);
    if (spawnSync('sh', ['-c', 'command -v ssh'], { stdio: 'ignore' }).status !== 0) this.skip(); // no OpenSSH client here
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const r = await lkm([
      'remote',
      '-F',
      '/dev/null',
      '-p',
      String(port),
      '127.0.0.1',
      'fetch-symbols',
      '--out',
      '/nonexistent/x',
    ]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^lkm remote: 127\.0\.0\.1: cannot connect \(nothing listens on the ssh port/);
    assert.match(r.stderr, /Connection refused/);
  });
});
