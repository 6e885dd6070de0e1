import { strict as assert } from 'node:assert';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildKernelProfile } from '../../../server/src/kernel/symbols/buildKernelProfile';
import { readModuleSymvers } from '../../../server/src/kernel/symbols/moduleSymversReader';
import { resolveKernelProfile } from '../../../server/src/kernel/symbols/resolveKernelProfile';
import { HOST_KALLSYMS, lines, MODULE_SYMVERS, PROVIDER_KALLSYMS, SYSTEM_MAP } from './symbolFixtures';

const RUNNING = '6.1.0-99-test';

describe('kernel profile resolution', () => {
  let scratch: string;
  /** A fake host: / with proc/kallsyms and lib/modules/<release>/build/Module.symvers as asked. */
  const fakeHost = (name: string, files: { kallsyms?: string; symvers?: Record<string, string> }): string => {
    const root = path.join(scratch, name);
    mkdirSync(path.join(root, 'proc'), { recursive: true });
    if (files.kallsyms !== undefined) writeFileSync(path.join(root, 'proc/kallsyms'), files.kallsyms);
    for (const [release, source] of Object.entries(files.symvers ?? {})) {
      mkdirSync(path.join(root, 'lib/modules', release, 'build'), { recursive: true });
      copyFileSync(source, path.join(root, 'lib/modules', release, 'build/Module.symvers'));
    }
    return root;
  };
  const host = (root: string) => ({ root, uname: () => RUNNING, platform: 'linux' });
  const kallsymsWithKsymtab = (): string => [...lines(SYSTEM_MAP), ...lines(PROVIDER_KALLSYMS)].join('\n') + '\n';
  const hidden = (text: string): string => text.replace(/^[0-9a-f]{16}/gm, '0000000000000000');

  before(() => (scratch = mkdtempSync(path.join(tmpdir(), 'lkm-resolve-'))));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('uses the paths the user set, before the host, and not the host beside them', () => {
    const root = fakeHost('full', { kallsyms: kallsymsWithKsymtab(), symvers: { [RUNNING]: MODULE_SYMVERS } });
    const resolved = resolveKernelProfile({ kallsyms: HOST_KALLSYMS, release: '6.18.44', host: host(root) });
    assert.equal(resolved.origin, 'settings');
    assert.equal(resolved.profile.release, '6.18.44');
    assert.deepEqual(
      resolved.profile.sources.map((s) => s.path),
      [HOST_KALLSYMS],
    );
    assert.equal(resolved.profile.exportsKnown, false);
    assert.ok(resolved.problems.some((p) => p.includes('which symbols are exported is not known')));
    assert.match(
      resolved.description,
      /^Linux 6\.18\.44 from .*kallsyms-6\.18-host\.txt \(exports not known, 282 symbols\)$/,
    );

    const both = resolveKernelProfile({ kallsyms: HOST_KALLSYMS, moduleSymvers: MODULE_SYMVERS, host: host(root) });
    assert.equal(both.origin, 'settings');
    assert.equal(both.profile.exportsCoverage, 'all-modules');
    assert.deepEqual(both.problems, []);
  });

  it('does not fall back to the host when the paths set cannot be read, but says why', () => {
    const root = fakeHost('full2', { kallsyms: kallsymsWithKsymtab(), symvers: { [RUNNING]: MODULE_SYMVERS } });
    const missing = path.join(scratch, 'no-such-file');
    const resolved = resolveKernelProfile({ moduleSymvers: missing, host: host(root) });
    assert.equal(resolved.origin, 'bundled');
    assert.equal(resolved.profile.release, '6.1.0-56-amd64');
    assert.deepEqual(resolved.problems, [`${missing}: cannot be read (ENOENT)`]);
  });

  it("uses the host's /proc/kallsyms and Module.symvers when nothing is set", () => {
    const root = fakeHost('host', { kallsyms: kallsymsWithKsymtab(), symvers: { [RUNNING]: MODULE_SYMVERS } });
    const resolved = resolveKernelProfile({ host: host(root) });
    assert.equal(resolved.origin, 'host');
    assert.equal(resolved.profile.release, RUNNING);
    assert.deepEqual(
      resolved.profile.sources.map((s) => [s.kind, s.path]),
      [
        ['kallsyms', path.join(root, 'proc/kallsyms')],
        ['module-symvers', path.join(root, 'lib/modules', RUNNING, 'build/Module.symvers')],
      ],
    );
    assert.equal(resolved.profile.exportsCoverage, 'all-modules');
    assert.deepEqual(resolved.problems, []);
  });

  it("uses the host's kallsyms with hidden addresses, for names, and says addresses are hidden", () => {
    const root = fakeHost('hidden', {
      kallsyms: hidden(kallsymsWithKsymtab()),
      symvers: { [RUNNING]: MODULE_SYMVERS },
    });
    const resolved = resolveKernelProfile({ host: host(root) });
    assert.equal(resolved.origin, 'host');
    assert.equal(resolved.profile.addressesHidden, true);
    assert.deepEqual(resolved.profile.symbol('prov_add'), { name: 'prov_add', type: 'T', module: 'provider' });
    assert.match(resolved.description, /addresses hidden/);
    assert.ok(resolved.profile.sources[0]!.warnings.some((w) => w.includes('kptr_restrict')));
  });

  it("uses a host's kallsyms alone when it shows exports (__ksymtab_), not when it cannot", () => {
    const withKsymtab = resolveKernelProfile({ host: host(fakeHost('ksymtab', { kallsyms: kallsymsWithKsymtab() })) });
    assert.equal(withKsymtab.origin, 'host');
    assert.equal(withKsymtab.profile.exportsCoverage, 'loaded-modules');

    const plainRoot = fakeHost('plain', { kallsyms: lines(HOST_KALLSYMS).join('\n') });
    const plain = resolveKernelProfile({ host: host(plainRoot) });
    assert.equal(plain.origin, 'bundled');
    assert.equal(plain.problems.length, 1);
    assert.match(
      plain.problems[0]!,
      /^this machine's kernel \(6\.1\.0-99-test\) was not used: .*proc\/kallsyms cannot tell which symbols are exported and .*Module\.symvers is missing \(install linux-headers-6\.1\.0-99-test\)$/,
    );
  });

  it('looks for the Module.symvers of the release set, and reads /proc/kallsyms only for the running one', () => {
    const root = fakeHost('other', { kallsyms: kallsymsWithKsymtab(), symvers: { '6.1.0-7-amd64': MODULE_SYMVERS } });
    const resolved = resolveKernelProfile({ release: '6.1.0-7-amd64', host: host(root) });
    assert.equal(resolved.origin, 'host');
    assert.deepEqual(
      resolved.profile.sources.map((s) => s.kind),
      ['module-symvers'],
    );
    assert.equal(resolved.profile.release, '6.1.0-7-amd64');
  });

  it('takes a remote profile after the host, then the bundled one, and says when its release differs', () => {
    const empty = fakeHost('empty', {});
    const remoteProfile = buildKernelProfile([readModuleSymvers({ file: MODULE_SYMVERS })], {
      release: '6.1.0-1-arm64',
    });
    const remote = resolveKernelProfile({
      host: host(empty),
      remote: { profile: remoteProfile, description: 'the board' },
    });
    assert.equal(remote.origin, 'remote');
    assert.equal(remote.profile, remoteProfile);
    assert.equal(remote.description, 'the board');

    const remoteFiles = resolveKernelProfile({ host: host(empty), remote: { moduleSymvers: MODULE_SYMVERS } });
    assert.equal(remoteFiles.origin, 'remote');
    assert.equal(remoteFiles.profile.counts.exports, lines(MODULE_SYMVERS).length);

    const bundled = resolveKernelProfile({ host: host(empty), release: '6.1.0-9-amd64' });
    assert.equal(bundled.origin, 'bundled');
    assert.equal(bundled.profile.release, '6.1.0-9-amd64');
    assert.equal(bundled.profile.counts.exports, 24_683);
    assert.deepEqual(bundled.problems, [
      "the bundled symbols are Linux 6.1.0-56-amd64's, not 6.1.0-9-amd64's: exports that differ between the two are judged as in 6.1.0-56-amd64",
    ]);
    assert.match(
      bundled.description,
      /^Linux 6\.1\.0-56-amd64 from Debian's Linux 6\.1\.0-56-amd64 \(6\.1\.192-2\) \(bundled\) \(24,683 exports, 94,280 symbols\)$/,
    );
  });

  it('skips the host off Linux or when told, and ends with an empty profile when nothing is left', () => {
    const root = fakeHost('skipped', { kallsyms: kallsymsWithKsymtab(), symvers: { [RUNNING]: MODULE_SYMVERS } });
    assert.equal(resolveKernelProfile({ host: { ...host(root), platform: 'darwin' } }).origin, 'bundled');
    assert.equal(resolveKernelProfile({ host: host(root), autoDetect: false }).origin, 'bundled');
    const none = resolveKernelProfile({ host: host(root), autoDetect: false, bundled: false, release: '6.1.0-1' });
    assert.equal(none.origin, 'none');
    assert.equal(none.profile.exportsKnown, false);
    assert.equal(none.profile.release, '6.1.0-1');
    assert.equal(none.profile.exported('kfree'), undefined);
    const brokenBundle = resolveKernelProfile({ autoDetect: false, bundledFile: path.join(scratch, 'gone.br') });
    assert.equal(brokenBundle.origin, 'none');
    assert.match(brokenBundle.problems[0]!, /gone\.br: the bundled kernel profile cannot be read \(ENOENT\)/);
  });
});
