import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ModuleWorkspace } from '../../server/src/kernel/analysis/moduleWorkspace';
import { WorkspaceExportIndex } from '../../server/src/kernel/analysis/workspaceExports';
import { HeaderIndex } from '../../server/src/kernel/headers/headerIndex';
import { openKernelHeaders } from '../../server/src/kernel/headers/kernelHeaders';
import { boundedDistance, suggestNames } from '../../server/src/kernel/checks/nameSuggestions';
import type { KernelProfile } from '../../server/src/kernel/symbols/kernelProfile';
import { resolveKernelProfile } from '../../server/src/kernel/symbols/resolveKernelProfile';
import { applyEdits } from '../../server/src/kernel/text/textEdits';
import { FIXTURE_KERNEL_HEADERS, FIXTURE_PROFILE, SAMPLES, SYMBOL_CHECK_FIXTURES } from '../support/fixtures';
import { sharedParser } from '../support/parser';

const FIXTURES = SYMBOL_CHECK_FIXTURES;

/** The fixture kernel profile, read by the real snapshot readers. */
function fixtureProfile(release = '6.1.0-lkmtest'): KernelProfile {
  const resolved = resolveKernelProfile({ ...FIXTURE_PROFILE, release, autoDetect: false, bundled: false });
  assert.equal(resolved.origin, 'settings', resolved.problems.join('; '));
  return resolved.profile;
}

async function workspace(options: { profile?: KernelProfile; roots?: string[] } = {}): Promise<ModuleWorkspace> {
  const parser = await sharedParser();
  const headers = new HeaderIndex(parser, openKernelHeaders(FIXTURE_KERNEL_HEADERS)!);
  const created = new ModuleWorkspace(parser, { headers, profile: options.profile ?? fixtureProfile() });
  if (options.roots !== undefined) {
    created.exportIndex = new WorkspaceExportIndex(options.roots, {
      moduleOf: async (file) => {
        const membership = await created.locator.membershipOf(file);
        return membership?.kind === 'module' ? membership.modules[0]!.objectName : path.basename(file, '.c');
      },
      readText: (file) => Promise.resolve(readFileSync(file, 'utf8')),
    });
  }
  return created;
}

/** `line:code` for every `expect: code` comment, 1-based lines. */
function expectations(text: string): string[] {
  return text
    .split('\n')
    .flatMap((line, index) => [...line.matchAll(/expect: ([a-z-]+)/g)].map((m) => `${index + 1}:${m[1]}`));
}

const SYMBOL_CODES = new Set([
  'undefined-symbol',
  'symbol-not-exported',
  'gpl-only-symbol',
  'missing-namespace-import',
  'duplicate-export',
  'workspace-dependency',
  'non-gpl-license',
]);

describe('symbol checks on annotated fixtures', () => {
  const files = readdirSync(FIXTURES, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.c'));
  for (const file of files) {
    it(`${file}: exactly the expected symbol diagnostics`, async () => {
      const full = path.join(FIXTURES, file);
      const analysis = await (await workspace()).analyze(full);
      const found = analysis.diagnostics
        .filter((d) => d.path === full && SYMBOL_CODES.has(d.diagnostic.code))
        .map((d) => `${d.diagnostic.range.start.line + 1}:${d.diagnostic.code}`);
      assert.deepEqual(found.sort(), expectations(readFileSync(full, 'utf8')).sort());
    });
  }

  it("words the diagnostics as modpost and the loader do, with the profile's release", async () => {
    const full = path.join(FIXTURES, 'gpl/gpl_user.c');
    const messages = (await (await workspace()).analyze(full)).diagnostics.map((d) => d.diagnostic.message);
    const find = (start: string): string | undefined => messages.find((m) => m.startsWith(start));
    assert.match(
      find('"lkmtest_registr"')!,
      /^"lkmtest_registr" \[gpl_user\.ko\] undefined! — .*Linux 6\.1\.0-lkmtest.*Did you mean lkmtest_register\b/,
    );
    assert.match(find('"lkmtest_internal"')!, /vmlinux has the function lkmtest_internal, but .* does not export it/);
    assert.ok(find('module gpl_user uses symbol lkmtest_ns_call from namespace LKMTEST, but does not import it.'));
  });

  it('says gcc stops at a call the .config leaves out when nothing declares the name', async () => {
    const full = path.join(FIXTURES, 'recovery/recovery_user.c');
    const messages = (await (await workspace()).analyze(full)).diagnostics.map((d) => d.diagnostic.message);
    assert.match(
      messages.find((m) => m.startsWith('"lkmtest_unregster"'))!,
      /leaves this call out, but gcc stops at it first: implicit declaration of function 'lkmtest_unregster'.*Did you mean lkmtest_unregister\b/,
    );
    assert.match(
      messages.find((m) => m.startsWith('"lkmtest_unregistr"'))!,
      /insmod would fail/,
    );
  });

  it('quick fixes: the suggestion replaces the name, the import goes in with 6.1 syntax', async () => {
    const full = path.join(FIXTURES, 'gpl/gpl_user.c');
    const text = readFileSync(full, 'utf8');
    const diagnostics = (await (await workspace()).analyze(full)).diagnostics.map((d) => d.diagnostic);
    const undefinedFix = diagnostics.find((d) => d.code === 'undefined-symbol')!.fixes!.find((f) => f.preferred)!;
    assert.match(applyEdits(text, undefinedFix.edits), /\tlkmtest_register\(\); \/\* expect: undefined-symbol/);
    const importFix = diagnostics.find((d) => d.code === 'missing-namespace-import')!.fixes![0]!;
    const fixed = applyEdits(text, importFix.edits);
    assert.match(fixed, /MODULE_DESCRIPTION\("symbol checks: a GPL module"\);\nMODULE_IMPORT_NS\(LKMTEST\);/);
  });

  it('writes MODULE_IMPORT_NS("NS") for kernels from 6.13', async () => {
    const full = path.join(FIXTURES, 'gpl/gpl_user.c');
    const analysis = await (await workspace({ profile: fixtureProfile('6.13.0') })).analyze(full);
    const fix = analysis.diagnostics.find((d) => d.diagnostic.code === 'missing-namespace-import')!.diagnostic
      .fixes![0]!;
    assert.equal(fix.title, 'Add MODULE_IMPORT_NS("LKMTEST")');
  });

  it('a symbol another workspace module exports is a note to load that module first, not an error', async () => {
    const consumer = path.join(SAMPLES, 'consumer/consumer.c');
    const analysis = await (await workspace({ roots: [SAMPLES] })).analyze(consumer);
    const symbolDiagnostics = analysis.diagnostics.filter((d) => SYMBOL_CODES.has(d.diagnostic.code));
    assert.ok(symbolDiagnostics.length > 0);
    for (const { diagnostic } of symbolDiagnostics) {
      assert.equal(diagnostic.code, 'workspace-dependency', diagnostic.message);
      assert.equal(diagnostic.severity, 'information');
      assert.match(
        diagnostic.message,
        /exported by provider, a module of this workspace — load provider before consumer/,
      );
    }
  });

  it('without headers nothing is certain: no undefined-symbol errors', async () => {
    const parser = await sharedParser();
    const bare = new ModuleWorkspace(parser, { profile: fixtureProfile() });
    const analysis = await bare.analyze(path.join(FIXTURES, 'gpl/gpl_user.c'));
    assert.deepEqual(
      analysis.diagnostics.filter((d) => d.diagnostic.code === 'undefined-symbol').map((d) => d.diagnostic.message),
      [],
    );
  });
});

describe('name suggestions', () => {
  it('counts a swap of neighbours as one edit, and gives up past the bound', () => {
    assert.equal(boundedDistance('kmalloc', 'kmlaloc', 2), 1);
    assert.equal(boundedDistance('kmalloc', 'kfree', 2), 3);
    assert.equal(boundedDistance('abc', 'abc', 0), 0);
  });

  it('offers the closest names first, and none for short names far from everything', () => {
    const names = ['kmalloc', 'kzalloc', 'kfree', 'vmalloc', 'kmalloc_array'];
    assert.equal(suggestNames('kmallco', names)[0], 'kmalloc');
    assert.deepEqual(suggestNames('kzallc', names)[0], 'kzalloc');
    assert.deepEqual(suggestNames('xyz', names), []);
  });
});
