import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { decodeBundledProfile } from '../../../server/src/kernel/symbols/bundledProfileFormat';
import { bundledProfilePath, loadBundledProfile } from '../../../server/src/kernel/symbols/bundledProfile';
import { SnapshotError } from '../../../server/src/kernel/symbols/snapshotError';
import {
  lines,
  MODULE_SYMVERS,
  REAL_MODULE_SYMVERS,
  REAL_SYSTEM_MAP,
  SYSTEM_MAP,
  symversColumns,
} from './symbolFixtures';

describe('bundled Linux 6.1 profile', () => {
  const { profile, header } = loadBundledProfile();

  it("holds Debian 6.1.0-56's exports: 24,683, of which 11,124 plain and 13,559 GPL-only", () => {
    assert.equal(profile.release, '6.1.0-56-amd64');
    assert.equal(profile.exportsKnown, true);
    assert.equal(profile.exportsCoverage, 'all-modules');
    assert.equal(profile.counts.exports, 24_683);
    assert.equal(profile.counts.gplOnly, 13_559);
    assert.equal(profile.counts.exports - profile.counts.gplOnly, 11_124);
    assert.equal(profile.counts.namespaced, 554);
    assert.equal(profile.counts.symbols, 94_280);
    assert.equal(profile.exportedNames().length, 24_683);
    assert.equal(profile.hasDataSymbols, true);
    assert.equal(profile.addressesHidden, false);
    assert.equal(profile.sources[0]?.kind, 'bundled');
    assert.deepEqual(
      header.inputs.map((i) => [i.kind, i.package, i.packageVersion, i.entries]),
      [
        ['module-symvers', 'linux-headers-6.1.0-56-amd64', '6.1.192-2', 24_683],
        ['system-map', 'linux-image-6.1.0-56-amd64-dbg', '6.1.192-2', 94_280],
      ],
    );
  });

  it('agrees with every line of the real Module.symvers sample', () => {
    for (const column of symversColumns(MODULE_SYMVERS)) {
      assert.deepEqual(profile.exported(column.name), {
        name: column.name,
        owner: column.owner.split('/').pop(),
        ownerPath: column.owner,
        gplOnly: column.type === 'EXPORT_SYMBOL_GPL',
        ...(column.namespace !== '' ? { namespace: column.namespace } : {}),
        crc: column.crc,
      });
    }
    assert.equal(profile.exported('usb_register_driver')?.owner, 'usbcore');
    assert.equal(profile.exported('printk'), undefined, '6.1 exports _printk');
  });

  it('agrees with every line of the real System.map sample', () => {
    for (const line of lines(SYSTEM_MAP)) {
      const [address, type, name = ''] = line.split(' ');
      assert.ok(
        profile.symbolsNamed(name).some((s) => s.address === address && s.type === type),
        `${line} is not in the profile`,
      );
    }
    assert.deepEqual(profile.symbol('_printk'), { name: '_printk', type: 'T', address: 'ffffffff81a07e3d' });
  });

  it('records the sha256 of the files it was made from', function () {
    if (!existsSync(REAL_MODULE_SYMVERS) || !existsSync(REAL_SYSTEM_MAP)) this.skip(); // npm run profile:update fetches them
    const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
    assert.deepEqual(
      header.inputs.map((i) => i.sha256),
      [sha256(REAL_MODULE_SYMVERS), sha256(REAL_SYSTEM_MAP)],
    );
  });

  it('refuses a damaged or foreign file with a SnapshotError naming it', () => {
    const good = readFileSync(bundledProfilePath());
    for (const bad of [good.subarray(0, 1000), Buffer.from('not brotli at all'), Buffer.alloc(0)]) {
      assert.throws(
        () => decodeBundledProfile(bad, 'p.br'),
        (error: unknown) => error instanceof SnapshotError && error.file === 'p.br',
      );
    }
    assert.throws(() => loadBundledProfile('/nonexistent/p.br'), /cannot be read \(ENOENT\)/);
  });
});
