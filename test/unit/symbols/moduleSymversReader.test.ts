import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { readModuleSymvers } from '../../../server/src/kernel/symbols/moduleSymversReader';
import { SnapshotError } from '../../../server/src/kernel/symbols/snapshotError';
import { bytes, HOST_KALLSYMS, lines, MODULE_SYMVERS, REAL_MODULE_SYMVERS, symversColumns } from './symbolFixtures';

describe('Module.symvers reader', () => {
  it('reads every line of real Module.symvers lines, owners as module names', () => {
    const snapshot = readModuleSymvers({ file: MODULE_SYMVERS });
    const columns = symversColumns(MODULE_SYMVERS);
    assert.deepEqual(snapshot.warnings, []);
    assert.equal(snapshot.exports.size, columns.length);
    for (const column of columns) {
      assert.deepEqual(snapshot.exports.exported(column.name), {
        name: column.name,
        owner: column.owner.split('/').pop(),
        ownerPath: column.owner,
        gplOnly: column.type === 'EXPORT_SYMBOL_GPL',
        ...(column.namespace !== '' ? { namespace: column.namespace } : {}),
        crc: column.crc,
      });
    }
    assert.deepEqual(snapshot.exports.exported('snd_card_new'), {
      name: 'snd_card_new',
      owner: 'snd',
      ownerPath: 'sound/core/snd',
      gplOnly: false,
      crc: 0x34b13f23,
    });
    assert.equal(snapshot.exports.exported('usb_register_driver')?.owner, 'usbcore');
    assert.ok(snapshot.exports.namespaced > 0);
    assert.equal(snapshot.exports.gplOnly, columns.filter((c) => c.type === 'EXPORT_SYMBOL_GPL').length);
    assert.deepEqual(
      snapshot.exports.names,
      columns.map((c) => c.name),
      'file order is kept',
    );
  });

  it("reads Debian 6.1's whole Module.symvers: 24,683 exports, 11,124 plain and 13,559 GPL-only", function () {
    if (!existsSync(REAL_MODULE_SYMVERS)) this.skip(); // fetched by npm run profile:update
    const snapshot = readModuleSymvers({ file: REAL_MODULE_SYMVERS });
    assert.deepEqual(snapshot.warnings, []);
    assert.equal(snapshot.exports.size, 24_683);
    assert.equal(snapshot.exports.gplOnly, 13_559);
    assert.equal(snapshot.exports.size - snapshot.exports.gplOnly, 11_124);
  });

  it('reads the older layouts: four columns (before 5.4) and the namespace third (5.4)', () => {
    const text = [
      '0x12345678\told_plain\tvmlinux\tEXPORT_SYMBOL',
      '0x0000abcd\told_gpl\tdrivers/foo/foo\tEXPORT_SYMBOL_GPL',
      '0x11111111\tns_54\tUSB_STORAGE\tdrivers/usb/storage/usb-storage\tEXPORT_SYMBOL_GPL',
      '0x22222222\tfuture\tvmlinux\tEXPORT_SYMBOL_GPL_FUTURE',
      '0x33333333\tunused\tvmlinux\tEXPORT_UNUSED_SYMBOL_GPL',
    ].join('\n');
    const { exports, warnings } = readModuleSymvers({ file: 'old', bytes: bytes(text) });
    assert.deepEqual(warnings, []);
    assert.deepEqual(exports.exported('old_plain'), {
      name: 'old_plain',
      owner: 'vmlinux',
      ownerPath: 'vmlinux',
      gplOnly: false,
      crc: 0x12345678,
    });
    assert.equal(exports.exported('old_gpl')?.owner, 'foo');
    assert.deepEqual(exports.exported('ns_54'), {
      name: 'ns_54',
      owner: 'usb-storage',
      ownerPath: 'drivers/usb/storage/usb-storage',
      gplOnly: true,
      namespace: 'USB_STORAGE',
      crc: 0x11111111,
    });
    assert.equal(exports.exported('future')?.gplOnly, false, 'GPL_FUTURE is usable by any module');
    assert.equal(exports.exported('unused')?.gplOnly, true);
  });

  it('reads CRLF files and a last line without its newline', () => {
    const text = lines(MODULE_SYMVERS).slice(0, 20).join('\r\n');
    const snapshot = readModuleSymvers({ file: 'crlf', bytes: bytes(text) });
    assert.deepEqual(snapshot.warnings, []);
    assert.equal(snapshot.exports.size, 20);
    assert.equal(snapshot.exports.exported(symversColumns(MODULE_SYMVERS)[19]!.name)?.namespace, undefined);
  });

  it('skips bad and duplicate lines with warnings naming file and line', () => {
    const good = lines(MODULE_SYMVERS).slice(0, 3);
    const text = [
      good[0],
      'not a symvers line',
      good[1],
      '0x1234\tname\tvmlinux\tEXPORT_SOMETHING\t',
      good[0],
      '0xzz\tname\tvmlinux\tEXPORT_SYMBOL\t',
      good[2],
      good[2]!.slice(0, 15),
    ].join('\n');
    const snapshot = readModuleSymvers({ file: 'M', bytes: bytes(text) });
    assert.equal(snapshot.exports.size, 3);
    assert.deepEqual(
      snapshot.warnings.map((w) => w.split(': ')[0]),
      ['M:2', 'M:4', 'M:5', 'M:6', 'M:8'],
    );
    assert.match(snapshot.warnings[2]!, /is exported twice/);
  });

  it('refuses a file that is not a Module.symvers, naming its first bad line', () => {
    assert.throws(
      () => readModuleSymvers({ file: HOST_KALLSYMS }),
      (error: unknown) =>
        error instanceof SnapshotError &&
        error.line === 1 &&
        error.message.startsWith(`${HOST_KALLSYMS}:1: not a Module.symvers file: expected a CRC`),
    );
    assert.throws(() => readModuleSymvers({ file: 'e', bytes: bytes('\n\n') }), /e: holds no exports/);
  });
});
