import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LOG_START, parseDmesgRaw, recordsSince } from '../../../server/src/kernel/remote/dmesgCollector';
import { parseLsmod, parseProcModules } from '../../../server/src/kernel/remote/moduleState';
import { classifySshFailure } from '../../../server/src/kernel/remote/sshRunner';
import { RemoteError } from '../../../server/src/kernel/remote/remoteError';
import { checkModuleVersion } from '../../../server/src/kernel/remote/versionCheck';
import { kmodLsmod } from '../../../server/src/kernel/simulator/kmodTools';
import { procModules } from '../../../server/src/kernel/simulator/procfs';
import { formatRaw } from '../../../server/src/kernel/simulator/kernelLog';
import { dmesg, ko, patch, sh, testMachine } from '../simulator/helpers';

/** Lines the real 6.1 kernel and kmod 30 printed (test/fixtures/vm/golden/samples.txt). */
const REAL_PROC_MODULES = `consumer 16384 0 - Live 0xffffffffc0251000 (OE)
provider 16384 1 consumer, Live 0xffffffffc024c000 (OE)
noexit 16384 0 [permanent], Live 0xffffffffc0247000 (OE)
virtio 20480 2 virtio_net,virtio_pci, Live 0xffffffffc021c000
going 16384 0 - Unloading 0xffffffffc0300000 (OE-)
coming 16384 0 - Loading 0x0000000000000000 (OE+)
`;
const REAL_LSMOD = `Module                  Size  Used by
consumer               16384  0
provider               16384  1 consumer
virtio_ring            49152  3 virtio_pci,virtio,virtio_net
virtio_pci_legacy_dev    16384  1 virtio_pci
`;

describe('remote: /proc/modules and lsmod', () => {
  it("parses /proc/modules lines into the simulator's states, holders and taint letters", () => {
    const mods = parseProcModules(REAL_PROC_MODULES);
    assert.deepEqual(mods[1], {
      name: 'provider',
      size: 16384,
      refcount: 1,
      holders: ['consumer'],
      permanent: false,
      state: 'live',
      address: 'ffffffffc024c000',
      taints: 'OE',
    });
    assert.deepEqual([mods[2]!.permanent, mods[2]!.holders], [true, []]);
    assert.deepEqual([mods[3]!.taints, mods[3]!.holders], ['', ['virtio_net', 'virtio_pci']]);
    assert.deepEqual(
      mods.slice(4).map((m) => [m.state, m.taints, m.address]),
      [
        ['going', 'OE', 'ffffffffc0300000'],
        ['coming', 'OE', '0000000000000000'],
      ],
    );
  });

  it('parses lsmod, with its long names that push the columns', () => {
    assert.deepEqual(parseLsmod(REAL_LSMOD), [
      { name: 'consumer', size: 16384, usedBy: 0, holders: [] },
      { name: 'provider', size: 16384, usedBy: 1, holders: ['consumer'] },
      { name: 'virtio_ring', size: 49152, usedBy: 3, holders: ['virtio_pci', 'virtio', 'virtio_net'] },
      { name: 'virtio_pci_legacy_dev', size: 16384, usedBy: 1, holders: ['virtio_pci'] },
    ]);
  });

  it('what the simulator prints parses back to its own state', () => {
    const machine = testMachine();
    for (const m of ['provider', 'consumer', 'noexit']) assert.equal(sh(machine, `insmod /mods/${m}.ko`).exit, 0);
    const parsed = parseProcModules(procModules(machine.kernel));
    assert.deepEqual(
      parsed.map((p) => [p.name, p.size, p.refcount, p.holders, p.permanent, p.state, p.taints]),
      machine.kernel.modules.map((m) => [
        m.module.name,
        m.coreSize + m.initSize,
        m.refcount,
        m.holders,
        m.module.hasInit && !m.module.hasExit,
        m.state,
        'OE',
      ]),
    );
    assert.deepEqual(
      parseLsmod(kmodLsmod(machine).stdout).map((l) => [l.name, l.usedBy]),
      parsed.map((p) => [p.name, p.refcount]),
    );
  });

  it('refuses what is not /proc/modules or lsmod output', () => {
    assert.throws(() => parseProcModules('hello world\n'), RemoteError);
    assert.throws(() => parseLsmod('consumer 16384 0\n'), RemoteError);
  });
});

describe('remote: the kernel log since the last operation', () => {
  const text = `<6>[    1.000000] a
<4>[    2.000000] b
<6>[    2.000000] c
<3>[   10.500001] d
`;
  it("parses dmesg -r into the simulator's log records", () => {
    const records = parseDmesgRaw(text);
    assert.deepEqual(records[3], { seq: 3, level: 3, timeUs: 10_500_001, text: 'd' });
    const machine = testMachine();
    sh(machine, 'insmod /mods/hello.ko');
    const raw = machine.kernel.log
      .unread()
      .map((r) => `${formatRaw(r)}\n`)
      .join('');
    assert.deepEqual(
      parseDmesgRaw(raw).map((r) => [r.level, r.text]),
      dmesg(machine).map((l) => [Number(l[1]), l.slice(3)]),
    );
  });

  it('a mark keeps records of the same microsecond apart', () => {
    const all = parseDmesgRaw(text);
    const first = recordsSince(all.slice(0, 2), LOG_START);
    assert.deepEqual(
      first.records.map((r) => r.text),
      ['a', 'b'],
    );
    const next = recordsSince(all, first.mark);
    assert.deepEqual(
      next.records.map((r) => r.text),
      ['c', 'd'],
    );
    assert.deepEqual(recordsSince(all, next.mark).records, []);
  });

  it('after a reboot (the clock went back) everything is new', () => {
    const before = recordsSince(parseDmesgRaw(text), LOG_START).mark;
    const after = parseDmesgRaw('<6>[    0.500000] booted again\n');
    assert.deepEqual(
      recordsSince(after, before).records.map((r) => r.text),
      ['booted again'],
    );
  });

  it('continuation lines belong to the record before', () => {
    assert.deepEqual(
      parseDmesgRaw('<6>[    1.000000] first\n second line\n').map((r) => r.text),
      ['first\n second line'],
    );
  });
});

describe('remote: what ssh says when it fails', () => {
  const cases: [string, string | undefined][] = [
    ['root@127.0.0.1: Permission denied (publickey).', 'auth-refused'],
    ['ssh: connect to host 127.0.0.1 port 2: Connection refused', 'host-down'],
    ['ssh: Could not resolve hostname nosuch: Name or service not known', 'host-down'],
    ['Connection timed out during banner exchange', 'connect-timeout'],
    ['Connection to 127.0.0.1 closed by remote host.', 'connection-lost'],
    ['client_loop: send disconnect: Broken pipe', 'connection-lost'],
  ];
  for (const [stderr, code] of cases) {
    it(`${JSON.stringify(stderr)} → ${code}`, () => assert.equal(classifySshFailure(255, stderr), code));
  }
  it("a remote command's own failure is not an ssh failure", () => {
    assert.equal(classifySshFailure(1, 'Connection refused'), undefined);
    assert.equal(classifySshFailure(255, 'my tool failed'), undefined);
  });
});

describe('remote: the version check', () => {
  it('accepts a module built for the release, refuses another naming both', () => {
    assert.equal(checkModuleVersion(ko('hello'), 'hello.ko', '6.1.0-56-amd64', 'h').moduleRelease, '6.1.0-56-amd64');
    const other = patch(ko('hello'), 'vermagic=6.1.0-56-amd64', 'vermagic=6.1.0-99-amd64');
    assert.throws(
      () => checkModuleVersion(other, 'hello.ko', '6.1.0-56-amd64', 'target'),
      (e: unknown) =>
        e instanceof RemoteError &&
        e.code === 'version-mismatch' &&
        /built for Linux 6\.1\.0-99-amd64/.test(e.message) &&
        /target runs Linux 6\.1\.0-56-amd64/.test(e.message),
    );
  });

  it('refuses what is not a module', () => {
    const text = new Uint8Array(readFileSync(path.join(__dirname, 'moduleState.test.ts')));
    assert.throws(
      () => checkModuleVersion(text, 'x.ko', '6.1.0-56-amd64', 'h'),
      (e: unknown) => e instanceof RemoteError && e.code === 'bad-module',
    );
  });
});
