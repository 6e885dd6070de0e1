import { strict as assert } from 'node:assert';
import { buildKernelProfile, releaseFromPath } from '../../../server/src/kernel/symbols/buildKernelProfile';
import { readKallsyms } from '../../../server/src/kernel/symbols/kallsymsReader';
import { readKoExports } from '../../../server/src/kernel/symbols/koExportsReader';
import { readModuleSymvers } from '../../../server/src/kernel/symbols/moduleSymversReader';
import {
  bytes,
  HOST_KALLSYMS,
  lines,
  MODULE_SYMVERS,
  PROVIDER_KALLSYMS,
  PROVIDER_KO,
  SYSTEM_MAP,
  symversColumns,
} from './symbolFixtures';

const kallsyms61 = (): string => [...lines(SYSTEM_MAP), ...lines(PROVIDER_KALLSYMS)].join('\n');

describe('kernel profile builder', () => {
  it('takes exports from Module.symvers and symbols from kallsyms', () => {
    const profile = buildKernelProfile([
      readKallsyms({ file: HOST_KALLSYMS }),
      readModuleSymvers({ file: MODULE_SYMVERS }),
    ]);
    const columns = symversColumns(MODULE_SYMVERS);
    assert.equal(profile.exportsKnown, true);
    assert.equal(profile.exportsCoverage, 'all-modules');
    assert.equal(profile.counts.exports, columns.length);
    assert.equal(profile.counts.gplOnly, columns.filter((c) => c.type === 'EXPORT_SYMBOL_GPL').length);
    assert.equal(profile.counts.namespaced, columns.filter((c) => c.namespace !== '').length);
    assert.equal(profile.counts.symbols, lines(HOST_KALLSYMS).length);
    assert.deepEqual(
      profile.exportedNames(),
      columns.map((c) => c.name),
    );
    assert.equal(profile.exported('snd_card_new')?.owner, 'snd');
    assert.equal(profile.exported('no_such_symbol'), undefined);
    assert.deepEqual(profile.symbol('_printk'), { name: '_printk', type: 'T', address: 'ffffffff8120aa20' });
    assert.equal(profile.symbol('no_such_symbol'), undefined);
    assert.equal(profile.addressesHidden, false);
    assert.deepEqual(
      profile.sources.map((s) => [s.kind, s.path, s.entries]),
      [
        ['kallsyms', HOST_KALLSYMS, lines(HOST_KALLSYMS).length],
        ['module-symvers', MODULE_SYMVERS, columns.length],
      ],
    );
  });

  it('knows no exports from a plain kallsyms, and says how far exports reach otherwise', () => {
    const plain = buildKernelProfile([readKallsyms({ file: HOST_KALLSYMS })]);
    assert.equal(plain.exportsKnown, false);
    assert.equal(plain.exportsCoverage, 'none');
    assert.deepEqual(plain.exportedNames(), []);
    assert.ok(plain.symbol('_printk'), 'symbols are still there');

    const all = buildKernelProfile([readKallsyms({ file: 'kallsyms', bytes: bytes(kallsyms61()) })]);
    assert.equal(all.exportsKnown, true);
    assert.equal(all.exportsCoverage, 'loaded-modules');
    assert.equal(all.exported('prov_add')?.owner, 'provider');
    assert.equal(all.hasDataSymbols, true);

    const map = buildKernelProfile([readKallsyms({ file: SYSTEM_MAP }, 'system-map')]);
    assert.equal(map.exportsCoverage, 'vmlinux-only');
    assert.equal(map.exported('kfree')?.gplOnly, false);
  });

  it("adds a .ko's exports, and takes the release from its vermagic", () => {
    const profile = buildKernelProfile([
      readModuleSymvers({ file: MODULE_SYMVERS }),
      readKoExports({ file: PROVIDER_KO }),
    ]);
    assert.equal(profile.release, '6.1.0-56-amd64');
    assert.equal(profile.counts.exports, symversColumns(MODULE_SYMVERS).length + 2);
    assert.deepEqual(profile.exported('prov_gpl_mul'), {
      name: 'prov_gpl_mul',
      owner: 'provider',
      ownerPath: 'provider',
      gplOnly: true,
    });
    const koOnly = buildKernelProfile([readKoExports({ file: PROVIDER_KO })]);
    assert.equal(koOnly.exportsKnown, false, "a module's own exports say nothing of the kernel's");
    assert.ok(koOnly.exported('prov_add'));
  });

  it('reports what it did not use, and a release given beats one found', () => {
    const symvers = readModuleSymvers({ file: MODULE_SYMVERS });
    const again = readModuleSymvers({ file: 'copy', bytes: bytes(lines(MODULE_SYMVERS).slice(0, 4).join('\n')) });
    const map = readKallsyms({ file: SYSTEM_MAP }, 'system-map');
    const kallsyms = readKallsyms({ file: HOST_KALLSYMS });
    const profile = buildKernelProfile([map, symvers, kallsyms, again], { release: '6.1.0-9-amd64' });
    assert.equal(profile.release, '6.1.0-9-amd64');
    assert.equal(profile.counts.symbols, lines(HOST_KALLSYMS).length, 'kallsyms beats System.map');
    assert.deepEqual(profile.sources[0]!.warnings, [
      `${SYSTEM_MAP}: not used for symbols: ${HOST_KALLSYMS} already gives them`,
    ]);
    assert.deepEqual(profile.sources[3]!.warnings, [
      'copy: 4 of its exports are already exported by an earlier snapshot; those are ignored',
    ]);
    const boot = readKallsyms({ file: '/boot/System.map-6.1.0-56-amd64', bytes: bytes(lines(SYSTEM_MAP).join('\n')) });
    assert.equal(buildKernelProfile([boot]).release, '6.1.0-56-amd64', 'from the name System.map-<release>');
  });

  it('finds releases in the usual paths', () => {
    assert.equal(releaseFromPath('/boot/System.map-6.1.0-56-amd64'), '6.1.0-56-amd64');
    assert.equal(releaseFromPath('/usr/src/linux-headers-6.1.0-56-amd64/Module.symvers'), '6.1.0-56-amd64');
    assert.equal(releaseFromPath('/lib/modules/6.18.44-fc/build/Module.symvers'), '6.18.44-fc');
    assert.equal(releaseFromPath('/proc/kallsyms'), undefined);
  });
});
