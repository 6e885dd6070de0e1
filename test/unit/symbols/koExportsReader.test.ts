import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { readKoExports } from '../../../server/src/kernel/symbols/koExportsReader';
import { SnapshotError } from '../../../server/src/kernel/symbols/snapshotError';
import { PROVIDER_KO } from './symbolFixtures';

describe('.ko exports reader', () => {
  it("reads a real module's exports, its name and the release its vermagic names", () => {
    const snapshot = readKoExports({ file: PROVIDER_KO });
    assert.equal(snapshot.moduleName, 'provider');
    assert.equal(snapshot.release, '6.1.0-56-amd64');
    assert.deepEqual(
      snapshot.exports.names.map((name) => snapshot.exports.exported(name)),
      [
        { name: 'prov_add', owner: 'provider', ownerPath: 'provider', gplOnly: false },
        { name: 'prov_gpl_mul', owner: 'provider', ownerPath: 'provider', gplOnly: true },
      ],
    );
  });

  it('refuses a damaged image as a SnapshotError naming the file, with the loader words', () => {
    const truncated = readFileSync(PROVIDER_KO).subarray(0, 600);
    assert.throws(
      () => readKoExports({ file: 'provider.ko', bytes: truncated }),
      (error: unknown) =>
        error instanceof SnapshotError &&
        error.file === 'provider.ko' &&
        /not a usable module image/.test(error.message),
    );
  });
});
