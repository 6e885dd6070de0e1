import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { ModuleWorkspace } from '../../server/src/kernel/analysis/moduleWorkspace';
import { HeaderIndex } from '../../server/src/kernel/headers/headerIndex';
import { compareVersions, locateKernelHeaders, openKernelHeaders } from '../../server/src/kernel/headers/kernelHeaders';
import { FIXTURE_KERNEL_HEADERS, REPOSITORY_ROOT, WIDGET_MODULE } from '../support/fixtures';
import { sharedParser } from '../support/parser';

describe('kernel headers', () => {
  it('reads a build tree: include directories in kbuild order, forced includes, release', () => {
    const headers = openKernelHeaders(FIXTURE_KERNEL_HEADERS)!;
    assert.equal(headers.arch, 'x86');
    assert.equal(headers.release, '6.1.0-lkmtest');
    assert.deepEqual(
      headers.includeDirs.map((d) => path.relative(FIXTURE_KERNEL_HEADERS, d)),
      ['arch/x86/include', 'include'],
    );
    assert.deepEqual(
      headers.forcedIncludes.map((f) => path.basename(f)),
      ['kconfig.h', 'compiler_types.h'],
    );
  });

  it('takes the configured tree, and refuses a folder that is not one', () => {
    assert.equal(locateKernelHeaders({ configured: FIXTURE_KERNEL_HEADERS })?.root, FIXTURE_KERNEL_HEADERS);
    assert.equal(locateKernelHeaders({ configured: REPOSITORY_ROOT }), undefined);
    assert.equal(
      locateKernelHeaders({ candidates: ['/nonexistent', FIXTURE_KERNEL_HEADERS] })?.root,
      FIXTURE_KERNEL_HEADERS,
    );
  });

  it('orders releases by their numbers', () => {
    assert.deepEqual(
      ['linux-headers-6.1.0-9-amd64', 'linux-headers-6.1.0-56-amd64', 'linux-headers-5.10.0-30-amd64'].sort(
        compareVersions,
      ),
      ['linux-headers-5.10.0-30-amd64', 'linux-headers-6.1.0-9-amd64', 'linux-headers-6.1.0-56-amd64'],
    );
  });
});

describe('header index', () => {
  async function analyse(withHeaders: boolean) {
    const parser = await sharedParser();
    const headers = withHeaders ? new HeaderIndex(parser, openKernelHeaders(FIXTURE_KERNEL_HEADERS)!) : undefined;
    const workspace = new ModuleWorkspace(parser, headers ? { headers } : {});
    return { analysis: await workspace.analyze(WIDGET_MODULE), headers };
  }

  it('makes names visible through the include chain: macros, inlines, enumerators, declarations', async () => {
    const { analysis, headers } = await analyse(true);
    const visibility = headers!.visibility(analysis.module.sources);
    for (const name of [
      'module_init',
      'pr_info',
      '_printk',
      'printk_ratelimit_stub',
      'PRINTK_LEVEL_INFO',
      'THIS_MODULE',
      'widget_register',
      'MODULE_ARCH_VERMAGIC',
      'IS_ENABLED',
    ]) {
      assert.ok(visibility.has(name), name);
    }
    assert.equal(visibility.has('printf'), false);
    assert.deepEqual(visibility.unresolved, ['linux/missing_generated.h']);
  });

  it("derives a subsystem's wrapper macros from the headers' own #defines", async () => {
    const { analysis } = await analyse(true);
    const { module } = analysis;
    assert.equal(module.catalog.kindOf('module_widget_family'), 'init-and-exit');
    assert.equal(module.catalog.kindOf('builtin_widget_driver'), 'init');
    assert.equal(module.catalog.kindOf('widget_register'), undefined);
    assert.deepEqual(
      analysis.diagnostics.map((d) => d.diagnostic.code),
      ['missing-license'],
    );
    assert.match(analysis.limitations[0]!, /1 included headers were not found .*linux\/missing_generated\.h/);
  });

  it("derives export wrappers too, with their GPL-only flag and namespace, from headers and the module's own #defines", async () => {
    const { analysis } = await analyse(true);
    assert.deepEqual(
      analysis.module.exports.map((e) => [e.name, e.gplOnly, e.namespace]),
      [
        ['widget_demo_count', true, 'WIDGET'],
        ['widget_demo_reset', false, 'DEMO_NS'],
      ],
    );
  });

  it('without headers, knows neither the wrapper nor the parameter type, and says so', async () => {
    const { analysis } = await analyse(false);
    assert.equal(analysis.module.isModule, true);
    assert.equal(analysis.module.inits.length, 0);
    assert.deepEqual(analysis.diagnostics.map((d) => d.diagnostic.code).sort(), ['invalid-param', 'missing-license']);
    assert.match(analysis.limitations[0]!, /no kernel headers were found/);
  });

  it("evaluates #if CONFIG_* against the tree's .config: an exit compiled out leaves init alone", async () => {
    const parser = await sharedParser();
    const file = path.join(REPOSITORY_ROOT, 'test/fixtures/modules/conditional-exit/condexit.c');
    const withConfig = new ModuleWorkspace(parser, {
      headers: new HeaderIndex(parser, openKernelHeaders(FIXTURE_KERNEL_HEADERS)!),
    });
    const configured = await withConfig.analyze(file);
    assert.deepEqual(
      configured.module.inits.map((i) => i.invocation.name),
      ['module_init'],
    );
    assert.deepEqual(
      configured.diagnostics.map((d) => d.diagnostic.code),
      ['init-without-exit'],
    );
    const unconfigured = await new ModuleWorkspace(parser).analyze(file);
    assert.equal(unconfigured.module.inits.length, 2);
    assert.equal(unconfigured.module.exits.length, 1);
  });

  it('parses each header once, and again after it is invalidated', async () => {
    const parser = await sharedParser();
    const index = new HeaderIndex(parser, openKernelHeaders(FIXTURE_KERNEL_HEADERS)!);
    const workspace = new ModuleWorkspace(parser, { headers: index });
    await workspace.analyze(WIDGET_MODULE);
    const loaded = index.size;
    await workspace.analyze(WIDGET_MODULE);
    assert.equal(index.size, loaded);
    index.invalidate(path.join(FIXTURE_KERNEL_HEADERS, 'include/linux/widget.h'));
    assert.equal(index.size, loaded - 1);
  });
});
