import { strict as assert } from 'node:assert';
import { checkMissingLicense } from '../../server/src/kernel/checks/licenseChecks';
import { moduleLicenseForSpdx } from '../../server/src/kernel/checks/licenses';
import { SAMPLE_FILES, SOURCE_FIXTURES, readText } from '../support/fixtures';
import { moduleOf } from '../support/parser';

/** Applies single-position insertions, as an editor applies a quick fix. */
function applyInsertions(
  text: string,
  edits: readonly { range: { start: { line: number; character: number } }; newText: string }[],
): string {
  const lines = text.split('\n');
  for (const edit of [...edits].reverse()) {
    const { line, character } = edit.range.start;
    const current = lines[line]!;
    lines[line] = current.slice(0, character) + edit.newText + current.slice(character);
  }
  return lines.join('\n');
}

describe('missing-license', () => {
  it("reports modpost's words on module_init, with a plain sentence after them", async () => {
    const module = await moduleOf(readText(SAMPLE_FILES.missingLicense), SAMPLE_FILES.missingLicense);
    const [reported, ...rest] = checkMissingLicense(module);
    assert.equal(rest.length, 0);
    const { diagnostic } = reported!;
    assert.equal(reported!.path, SAMPLE_FILES.missingLicense);
    assert.equal(diagnostic.code, 'missing-license');
    assert.equal(diagnostic.severity, 'error');
    assert.equal(diagnostic.source, 'lkm');
    assert.match(diagnostic.message, /^missing MODULE_LICENSE\(\) in nolicense\.o — \S.*\.$/);
    const text = readText(SAMPLE_FILES.missingLicense);
    const line = text.split('\n')[diagnostic.range.start.line]!;
    assert.equal(line.slice(diagnostic.range.start.character, diagnostic.range.end.character), 'module_init');
  });

  it('offers a fix that inserts MODULE_LICENSE("GPL") after the last module macro', async () => {
    const text = readText(SAMPLE_FILES.missingLicense);
    const module = await moduleOf(text, SAMPLE_FILES.missingLicense);
    const fixes = checkMissingLicense(module)[0]!.diagnostic.fixes!;
    assert.equal(fixes.length, 1);
    assert.equal(fixes[0]!.title, 'Add MODULE_LICENSE("GPL");');
    assert.equal(fixes[0]!.preferred, true);
    const fixed = applyInsertions(text, fixes[0]!.edits);
    assert.match(fixed, /MODULE_DESCRIPTION\("A module that forgot its licence"\);\nMODULE_LICENSE\("GPL"\);\n$/);
    assert.deepEqual(checkMissingLicense(await moduleOf(fixed)), []);
  });

  it('prefers the licence its SPDX line names, and still offers GPL', async () => {
    const text = readText(SOURCE_FIXTURES.noSemicolons).replace(/MODULE_LICENSE\(DRV_LICENSE\)\n/, '');
    const fixes = checkMissingLicense(await moduleOf(text))[0]!.diagnostic.fixes!;
    assert.deepEqual(
      fixes.map((f) => [f.title, f.preferred]),
      [
        ['Add MODULE_LICENSE("Dual BSD/GPL"); (from SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause)', true],
        ['Add MODULE_LICENSE("GPL");', false],
      ],
    );
  });

  it('maps SPDX identifiers to the kernel licence strings', () => {
    assert.equal(moduleLicenseForSpdx('GPL-2.0'), 'GPL');
    assert.equal(moduleLicenseForSpdx('GPL-2.0-or-later'), 'GPL');
    assert.equal(moduleLicenseForSpdx('(GPL-2.0 OR MIT)'), 'Dual MIT/GPL');
    assert.equal(moduleLicenseForSpdx('BSD-3-Clause OR GPL-2.0'), 'Dual BSD/GPL');
    assert.equal(moduleLicenseForSpdx('MIT'), undefined);
  });

  it('is silent for modules with a licence, for driver wrappers with one, and for non-modules', async () => {
    for (const file of [
      SAMPLE_FILES.hello,
      SAMPLE_FILES.platform,
      SOURCE_FIXTURES.noSemicolons,
      SOURCE_FIXTURES.conditional,
    ]) {
      assert.deepEqual(checkMissingLicense(await moduleOf(readText(file), file)), [], file);
    }
    assert.deepEqual(checkMissingLicense(await moduleOf(readText(SOURCE_FIXTURES.notAModule))), []);
    assert.deepEqual(checkMissingLicense(await moduleOf('')), []);
  });

  it('anchors on a driver wrapper when there is no module_init', async () => {
    const text = readText(SOURCE_FIXTURES.driverWrapper);
    const [reported] = checkMissingLicense(await moduleOf(text));
    const { start, end } = reported!.diagnostic.range;
    assert.equal(text.split('\n')[start.line]!.slice(start.character, end.character), 'module_platform_driver');
  });
});
