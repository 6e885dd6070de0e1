import { strict as assert } from 'node:assert';
import { access, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseKernelConfig } from '../../server/src/kernel/kbuild/kernelConfig';
import { type KbuildFileSystem, KbuildModuleLocator } from '../../server/src/kernel/kbuild/moduleLocator';
import { REPOSITORY_ROOT, readText } from '../support/fixtures';

const TREES = path.join(REPOSITORY_ROOT, 'test/fixtures/kbuild-trees');
const at = (...parts: string[]) => path.join(TREES, ...parts);

/** The disk, with counted reads and in-memory replacements, as an editor's open documents would be. */
class CountingFileSystem implements KbuildFileSystem {
  readonly reads = new Map<string, number>();
  readonly replaced = new Map<string, string | undefined>();
  failing = new Set<string>();

  async readFile(file: string): Promise<string | undefined> {
    this.reads.set(file, (this.reads.get(file) ?? 0) + 1);
    if (this.failing.has(file)) throw new Error(`EIO: ${file}`);
    if (this.replaced.has(file)) return this.replaced.get(file);
    try {
      return await readFile(file, 'utf8');
    } catch {
      return undefined;
    }
  }

  async exists(file: string): Promise<boolean> {
    if (this.failing.has(file)) throw new Error(`EIO: ${file}`);
    if (this.replaced.has(file)) return this.replaced.get(file) !== undefined;
    return access(file).then(
      () => true,
      () => false,
    );
  }

  readsOf(file: string): number {
    return this.reads.get(file) ?? 0;
  }
}

/** A file system held in memory: paths to texts. */
class MemoryFileSystem implements KbuildFileSystem {
  readonly reads: string[] = [];
  constructor(private readonly files: Record<string, string>) {}
  readFile(file: string): Promise<string | undefined> {
    this.reads.push(file);
    return Promise.resolve(this.files[file]);
  }
  exists(file: string): Promise<boolean> {
    return Promise.resolve(file in this.files);
  }
}

describe('KbuildModuleLocator', () => {
  it('finds an external module from its Kbuild, preferred to the Makefile', async () => {
    const fs = new CountingFileSystem();
    const located = await new KbuildModuleLocator(fs).moduleOf(at('external-hello/hello.c'));
    assert.deepEqual(located, {
      kbuildPath: at('external-hello/Kbuild'),
      objectName: 'hello',
      moduleName: 'hello',
      sources: [at('external-hello/hello.c')],
      members: [{ object: 'hello.o' }],
      line: 1,
    });
    assert.equal(fs.readsOf(at('external-hello/Makefile')), 0);
  });

  it('reads the Makefile when there is no Kbuild, skipping its recipes', async () => {
    const locator = new KbuildModuleLocator(new CountingFileSystem());
    const located = await locator.moduleOf(at('legacy-makefile/legacy_util.c'));
    assert.equal(located?.kbuildPath, at('legacy-makefile/Makefile'));
    assert.equal(located.objectName, 'legacy');
    assert.deepEqual(located.sources, [at('legacy-makefile/legacy_main.c'), at('legacy-makefile/legacy_util.c')]);
    const all = await locator.modulesIn(at('legacy-makefile/Makefile'));
    assert.deepEqual(
      all.map((m) => m.objectName),
      ['legacy'],
    );
  });

  it('gives a composite module all its C sources, but not its assembly member', async () => {
    const located = await new KbuildModuleLocator(new CountingFileSystem()).moduleOf(at('composite/helper.c'));
    assert.equal(located?.objectName, 'foo');
    assert.deepEqual(
      located.members.map((m) => m.object),
      ['main.o', 'helper.o', 'sub/extra.o', 'entry.o', 'common.o', 'debug.o'],
    );
    assert.deepEqual(located.members.at(-1), { object: 'debug.o', config: 'CONFIG_FOO_DEBUG' });
    assert.deepEqual(
      located.sources.map((s) => path.relative(at('composite'), s)),
      ['main.c', 'helper.c', path.join('sub', 'extra.c'), 'common.c', 'debug.c'],
    );
  });

  it('walks up to the parent Kbuild that names sub/extra.o, but only as far as allowed', async () => {
    const source = at('composite/sub/extra.c');
    const located = await new KbuildModuleLocator(new CountingFileSystem()).moduleOf(source);
    assert.equal(located?.kbuildPath, at('composite/Kbuild'));
    assert.equal(located.moduleName, 'foo');
    assert.ok(located.sources.includes(source));
    assert.equal(
      await new KbuildModuleLocator(new CountingFileSystem(), { maxParentLevels: 0 }).moduleOf(source),
      undefined,
    );
  });

  it('names every module that links a shared object, the first for moduleOf', async () => {
    const locator = new KbuildModuleLocator(new CountingFileSystem());
    const all = await locator.modulesOf(at('composite/common.c'));
    assert.deepEqual(
      all.map((m) => [m.objectName, m.moduleName]),
      [
        ['foo', 'foo'],
        ['my-driver', 'my_driver'],
      ],
    );
    assert.deepEqual(
      all[1]!.sources.map((s) => path.basename(s)),
      ['drv_core.c', 'drv_io.c', 'common.c'],
    );
    assert.equal((await locator.moduleOf(at('composite/common.c')))?.objectName, 'foo');
  });

  it('places an assembly source too, and no header or file outside every Kbuild', async () => {
    const locator = new KbuildModuleLocator(new CountingFileSystem());
    assert.equal((await locator.moduleOf(at('composite/entry.S')))?.objectName, 'foo');
    assert.equal(await locator.moduleOf(at('composite/main.h')), undefined);
    assert.equal(await locator.moduleOf(at('composite/notes/stray.c')), undefined);
    assert.equal(await locator.moduleOf(at('composite/README')), undefined);
  });

  it('lists all modules of one Kbuild file, and none of a missing one', async () => {
    const locator = new KbuildModuleLocator(new CountingFileSystem());
    const modules = await locator.modulesIn(at('composite/Kbuild'));
    assert.deepEqual(
      modules.map((m) => [m.objectName, m.line, m.sources.length]),
      [
        ['foo', 2, 5],
        ['my-driver', 3, 3],
      ],
    );
    assert.deepEqual(await locator.modulesIn(at('composite/no-such-dir/Kbuild')), []);
  });

  describe('in a kernel tree', () => {
    const kernel = (...parts: string[]) => at('mini-kernel', ...parts);
    const config = parseKernelConfig(readText(kernel('.config')));

    it('without a config, every obj-$(CONFIG_X) object and every branch counts', async () => {
      const locator = new KbuildModuleLocator(new CountingFileSystem());
      const widget = await locator.moduleOf(kernel('drivers/widget/widget_legacy.c'));
      assert.equal(widget?.objectName, 'widget');
      assert.equal(widget.config, 'CONFIG_WIDGET');
      assert.deepEqual(widget.members, [
        { object: 'widget_main.o' },
        { object: 'widget_ops.o' },
        { object: 'widget_legacy.o', config: 'CONFIG_WIDGET_LEGACY' },
        // widget-$(CONFIG_WIDGET_DEBUGFS) is no widget-y yet: undecided members come last.
        { object: 'widget_debugfs.o', config: 'CONFIG_WIDGET_DEBUGFS' },
      ]);
      assert.equal(widget.sources.length, 4);
      assert.equal((await locator.moduleOf(kernel('drivers/widget/widget-trace.c')))?.moduleName, 'widget_trace');
      assert.equal((await locator.moduleOf(kernel('drivers/widget/widget-notrace.c')))?.moduleName, 'widget_notrace');
      assert.equal((await locator.moduleOf(kernel('drivers/widget/bar/bar_hw.c')))?.objectName, 'bar');
      // Built in: obj-y.
      assert.equal(await locator.moduleOf(kernel('drivers/widget/widget-core.c')), undefined);
      assert.equal(await locator.moduleOf(kernel('drivers/base/core.c')), undefined);
    });

    it('with the .config, only what that configuration builds as a module', async () => {
      const locator = new KbuildModuleLocator(new CountingFileSystem(), { config });
      const widget = await locator.moduleOf(kernel('drivers/widget/widget_main.c'));
      assert.deepEqual(
        widget?.members.map((m) => m.object),
        ['widget_main.o', 'widget_ops.o', 'widget_debugfs.o'],
      );
      assert.equal(await locator.moduleOf(kernel('drivers/widget/widget_legacy.c')), undefined);
      assert.equal((await locator.moduleOf(kernel('drivers/widget/widget-trace.c')))?.config, 'CONFIG_WIDGET');
      assert.equal(await locator.moduleOf(kernel('drivers/widget/widget-notrace.c')), undefined);
      // CONFIG_WIDGET_BAR=y: bar.o is built in.
      assert.equal(await locator.moduleOf(kernel('drivers/widget/bar/bar_main.c')), undefined);
    });

    it('reads files the Makefile includes from $(srctree)/$(src)', async () => {
      const fs = new CountingFileSystem();
      const locator = new KbuildModuleLocator(fs, { config });
      const gizmo = await locator.moduleOf(kernel('drivers/gizmo/gizmo_extra.c'));
      assert.equal(gizmo?.kbuildPath, kernel('drivers/gizmo/Makefile'));
      assert.deepEqual(gizmo.members, [
        { object: 'gizmo_core.o' },
        { object: 'gizmo_extra.o', config: 'CONFIG_GIZMO_EXTRA' },
      ]);
      assert.deepEqual(
        gizmo.sources.map((s) => path.basename(s)),
        ['gizmo_core.c', 'gizmo_extra.c'],
      );
      assert.equal(fs.readsOf(kernel('drivers/gizmo/gizmo.mk')), 1);

      // An edit to the included file reaches the module once it is invalidated.
      fs.replaced.set(kernel('drivers/gizmo/gizmo.mk'), 'gizmo-y := gizmo_core.o gizmo_new.o\n');
      assert.equal((await locator.moduleOf(kernel('drivers/gizmo/gizmo_core.c')))?.members.length, 2);
      locator.invalidate(kernel('drivers/gizmo/gizmo.mk'));
      assert.deepEqual(
        (await locator.moduleOf(kernel('drivers/gizmo/gizmo_core.c')))?.members.map((m) => m.object),
        ['gizmo_core.o', 'gizmo_new.o'],
      );
    });
  });

  it('reads each Kbuild file once, until it is invalidated', async () => {
    const fs = new CountingFileSystem();
    const locator = new KbuildModuleLocator(fs);
    const kbuild = at('composite/Kbuild');
    await Promise.all(
      ['main.c', 'helper.c', 'common.c', 'debug.c', 'sub/extra.c'].map((f) => locator.moduleOf(at('composite', f))),
    );
    assert.equal(fs.readsOf(kbuild), 1);

    fs.replaced.set(kbuild, 'obj-m += foo.o\nfoo-y := main.o\nobj-m += helper.o\n');
    assert.equal((await locator.moduleOf(at('composite/helper.c')))?.objectName, 'foo');
    locator.invalidate(kbuild);
    const after = await locator.moduleOf(at('composite/helper.c'));
    assert.equal(after?.objectName, 'helper');
    assert.deepEqual(after.sources, [at('composite/helper.c')]);
    assert.equal(fs.readsOf(kbuild), 2);
  });

  it('notices a new Kbuild after invalidate, and forgets everything with invalidate()', async () => {
    const fs = new CountingFileSystem();
    const locator = new KbuildModuleLocator(fs);
    const stray = at('composite/notes/stray.c');
    assert.equal(await locator.moduleOf(stray), undefined);
    fs.replaced.set(at('composite/notes/Kbuild'), 'obj-m += stray.o\n');
    assert.equal(await locator.moduleOf(stray), undefined); // still the cached "no Kbuild here"
    locator.invalidate(at('composite/notes/Kbuild'));
    assert.equal((await locator.moduleOf(stray))?.kbuildPath, at('composite/notes/Kbuild'));
    fs.replaced.set(at('composite/notes/Kbuild'), 'obj-m += other.o\n');
    locator.invalidate();
    assert.equal(await locator.moduleOf(stray), undefined);
  });

  it('takes a failed read as no file, and tries it again next time', async () => {
    const fs = new CountingFileSystem();
    const locator = new KbuildModuleLocator(fs);
    const kbuild = at('external-hello/Kbuild');
    fs.failing.add(kbuild);
    fs.failing.add(at('external-hello/hello.c'));
    // The Makefile there declares nothing, so nothing is found; and nothing throws.
    assert.equal(await locator.moduleOf(at('external-hello/hello.c')), undefined);
    fs.failing.clear();
    assert.equal((await locator.moduleOf(at('external-hello/hello.c')))?.objectName, 'hello');
    assert.equal(fs.readsOf(kbuild), 2);
  });

  it('stops at the file system root and at the level limit', async () => {
    const fs = new MemoryFileSystem({ '/Kbuild': 'obj-m += top.o\ntop-y := a/b/c/deep.o\n' });
    assert.equal(await new KbuildModuleLocator(fs).moduleOf('/x.c'), undefined);
    assert.deepEqual(fs.reads, ['/Kbuild']);
    assert.equal((await new KbuildModuleLocator(fs).moduleOf('/a/b/c/deep.c'))?.objectName, 'top');
    fs.reads.length = 0;
    assert.equal(await new KbuildModuleLocator(fs, { maxParentLevels: 2 }).moduleOf('/a/b/c/deep.c'), undefined);
    assert.deepEqual(fs.reads, [
      '/a/b/c/Kbuild',
      '/a/b/c/Makefile',
      '/a/b/Kbuild',
      '/a/b/Makefile',
      '/a/Kbuild',
      '/a/Makefile',
    ]);
  });

  it('does not stumble on a binary or broken Kbuild', async () => {
    const binary = String.fromCharCode(...Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    const fs = new MemoryFileSystem({
      '/w/bin/Kbuild': binary,
      '/w/broken/Kbuild': 'obj-m += ok.o \\\nA = $(B)\nB = $(A)\nok-y := $(A) ok_main.o $(\nifeq (\n',
      '/w/broken/ok_main.c': '',
    });
    const locator = new KbuildModuleLocator(fs);
    assert.equal(await locator.moduleOf('/w/bin/x.c'), undefined);
    const ok = await locator.moduleOf('/w/broken/ok_main.c');
    assert.equal(ok?.objectName, 'ok');
    assert.deepEqual(ok.sources, ['/w/broken/ok_main.c']);
  });
});
