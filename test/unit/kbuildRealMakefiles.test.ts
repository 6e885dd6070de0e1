import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { type KbuildFile, parseKbuild } from '../../server/src/kernel/kbuild/kbuildFile';
import { parseKernelConfig } from '../../server/src/kernel/kbuild/kernelConfig';
import { REPOSITORY_ROOT, readText } from '../support/fixtures';

/**
 * Real Makefiles of Linux 6.1 (test/fixtures/kbuild-trees/linux-6.1/, see its README), read with
 * two configurations and compared with what GNU make itself made of them (golden.json), then read
 * without a configuration, where every module and member any configuration can give must appear.
 */
const TREE = path.join(REPOSITORY_ROOT, 'test/fixtures/kbuild-trees/linux-6.1');

interface GoldenDirectory {
  modules: Record<string, string[]>;
  builtin: Record<string, string[]>;
  subdirs: string[];
}
const golden = JSON.parse(readText(path.join(TREE, 'golden.json'))) as Record<string, Record<string, GoldenDirectory>>;
const CONFIGS = ['debian-6.1.config', 'variant.config'];
const DIRECTORIES = Object.keys(golden['debian-6.1.config']!);

const parseDirectory = (dir: string, configFile?: string): KbuildFile =>
  parseKbuild(
    readText(path.join(TREE, dir, 'Makefile')),
    configFile === undefined ? undefined : parseKernelConfig(readText(path.join(TREE, configFile))),
  );

const moduleNamed = (file: KbuildFile, objectName: string) => {
  const found = file.modules.find((m) => m.objectName === objectName);
  assert.ok(found, `no module ${objectName}`);
  return found;
};

describe('real Linux 6.1 Makefiles', () => {
  it('has the five Makefiles and both configurations recorded', () => {
    assert.deepEqual(DIRECTORIES, [
      'drivers/infiniband/core',
      'drivers/net/ethernet/intel/e1000e',
      'drivers/usb/storage',
      'fs/ext4',
      'fs/xfs',
    ]);
    assert.deepEqual(
      Object.keys(golden).filter((k) => !k.startsWith('_')),
      CONFIGS,
    );
  });

  for (const configFile of CONFIGS) {
    for (const dir of DIRECTORIES) {
      it(`${dir} with ${configFile}: the same modules, members and built-ins as GNU make`, () => {
        const expected = golden[configFile]![dir]!;
        const file = parseDirectory(dir, configFile);
        assert.deepEqual(
          Object.fromEntries(file.modules.map((m) => [m.objectName, m.members.map((x) => x.object)])),
          expected.modules,
        );
        assert.deepEqual(
          file.builtinObjects,
          Object.keys(expected.builtin).map((o) => `${o}.o`),
        );
        assert.deepEqual(file.builtinMembers, [...new Set(Object.values(expected.builtin).flat())]);
        assert.deepEqual(file.subdirs.map((s) => s.path).sort(), expected.subdirs);
      });
    }
  }

  it('without a config, lists every module and member any configuration can give', () => {
    for (const dir of DIRECTORIES) {
      const loose = parseDirectory(dir);
      const members = new Map(loose.modules.map((m) => [m.objectName, new Set(m.members.map((x) => x.object))]));
      for (const configFile of CONFIGS) {
        const expected = golden[configFile]![dir]!;
        for (const [name, parts] of [...Object.entries(expected.modules), ...Object.entries(expected.builtin)]) {
          const known = members.get(name);
          assert.ok(known, `${dir}: ${name} (${configFile}) is missing`);
          for (const part of parts) assert.ok(known.has(part), `${dir}: ${name} lacks ${part} (${configFile})`);
        }
      }
    }
  });

  it('e1000e: one module from e1000e-objs over continuation lines', () => {
    const file = parseDirectory('drivers/net/ethernet/intel/e1000e');
    assert.equal(file.modules.length, 1);
    const e1000e = moduleNamed(file, 'e1000e');
    assert.equal(e1000e.config, 'CONFIG_E1000E');
    assert.equal(e1000e.moduleName, 'e1000e');
    assert.equal(e1000e.line, 8);
    assert.deepEqual(
      e1000e.members.map((m) => m.object),
      [
        '82571.o',
        'ich8lan.o',
        '80003es2lan.o',
        'mac.o',
        'manage.o',
        'nvm.o',
        'phy.o',
        'param.o',
        'ethtool.o',
        'netdev.o',
        'ptp.o',
      ],
    );
  });

  it('ext4: ext4 with conditional members, and the ext4-inode-test KUnit module', () => {
    const file = parseDirectory('fs/ext4');
    assert.deepEqual(
      file.modules.map((m) => [m.objectName, m.moduleName, m.config]),
      [
        ['ext4', 'ext4', 'CONFIG_EXT4_FS'],
        ['ext4-inode-test', 'ext4_inode_test', 'CONFIG_EXT4_KUNIT_TESTS'],
      ],
    );
    const ext4 = moduleNamed(file, 'ext4');
    assert.equal(ext4.members.length, 37);
    assert.deepEqual(ext4.members[0], { object: 'balloc.o' });
    assert.deepEqual(
      ext4.members.filter((m) => m.config !== undefined),
      [
        { object: 'acl.o', config: 'CONFIG_EXT4_FS_POSIX_ACL' },
        { object: 'xattr_security.o', config: 'CONFIG_EXT4_FS_SECURITY' },
        { object: 'verity.o', config: 'CONFIG_FS_VERITY' },
        { object: 'crypto.o', config: 'CONFIG_FS_ENCRYPTION' },
      ],
    );
    assert.deepEqual(moduleNamed(file, 'ext4-inode-test').members, [{ object: 'inode-test.o' }]);
  });

  it('usb-storage: fifteen modules with dashed names', () => {
    const file = parseDirectory('drivers/usb/storage');
    assert.equal(file.modules.length, 15);
    const storage = moduleNamed(file, 'usb-storage');
    assert.equal(storage.moduleName, 'usb_storage');
    assert.equal(storage.config, 'CONFIG_USB_STORAGE');
    assert.deepEqual(storage.members.at(-1), { object: 'debug.o', config: 'CONFIG_USB_STORAGE_DEBUG' });
    assert.deepEqual(moduleNamed(file, 'ums-realtek').members, [{ object: 'realtek_cr.o' }]);
    assert.equal(moduleNamed(file, 'ums-realtek').moduleName, 'ums_realtek');
    assert.deepEqual(moduleNamed(file, 'uas').members, [{ object: 'uas.o' }]);
  });

  it('xfs: $(addprefix libxfs/, …) members, conditional ones, and scrub/ under ifeq', () => {
    const xfs = moduleNamed(parseDirectory('fs/xfs'), 'xfs');
    const byObject = new Map(xfs.members.map((m) => [m.object, m.config]));
    assert.ok(byObject.has('libxfs/xfs_ag.o'));
    assert.equal(byObject.get('libxfs/xfs_rtbitmap.o'), 'CONFIG_XFS_RT');
    assert.equal(byObject.get('xfs_acl.o'), 'CONFIG_XFS_POSIX_ACL');
    assert.equal(byObject.get('xfs_notify_failure.o'), 'CONFIG_FS_DAX');
    assert.equal(byObject.get('scrub/agheader.o'), 'CONFIG_XFS_ONLINE_SCRUB');
    assert.equal(byObject.get('scrub/repair.o'), 'CONFIG_XFS_ONLINE_REPAIR');
    assert.equal(byObject.get('scrub/rtbitmap.o'), 'CONFIG_XFS_RT');
    assert.ok(byObject.has('xfs_trace.o') && byObject.get('xfs_trace.o') === undefined);
    assert.equal(xfs.members.length, 127);
  });

  it('infiniband/core: modules named through $(infiniband-y) and $(user_access-y)', () => {
    const file = parseDirectory('drivers/infiniband/core');
    assert.deepEqual(
      file.modules.map((m) => [m.objectName, m.config]),
      [
        ['ib_core', 'CONFIG_INFINIBAND'],
        ['ib_cm', 'CONFIG_INFINIBAND'],
        ['iw_cm', 'CONFIG_INFINIBAND'],
        ['rdma_cm', 'CONFIG_INFINIBAND'],
        ['ib_umad', 'CONFIG_INFINIBAND_USER_MAD'],
        ['ib_uverbs', 'CONFIG_INFINIBAND_USER_ACCESS'],
        ['rdma_ucm', 'CONFIG_INFINIBAND_USER_ACCESS'],
      ],
    );
    assert.deepEqual(moduleNamed(file, 'rdma_cm').members, [
      { object: 'cma.o' },
      { object: 'cma_trace.o' },
      { object: 'cma_configfs.o', config: 'CONFIG_INFINIBAND_ADDR_TRANS_CONFIGFS' },
    ]);
  });
});
