import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { checkModule } from '../../server/src/kernel/checks/moduleChecks';
import type { Diagnostic } from '../../server/src/kernel/checks/diagnostic';
import { applyEdits } from '../../server/src/kernel/text/textEdits';
import { REPOSITORY_ROOT, SAMPLES, readText } from '../support/fixtures';
import { moduleOf } from '../support/parser';

const FIXTURES = path.join(REPOSITORY_ROOT, 'test/fixtures/checks');
const fixtureFiles = readdirSync(FIXTURES).filter((f) => f.endsWith('.c'));
const sampleFiles = readdirSync(SAMPLES, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.c'))
  .map((f) => path.join(SAMPLES, f));

async function diagnosticsOf(text: string, file: string): Promise<Diagnostic[]> {
  const module = await moduleOf(text, file);
  return checkModule(module)
    .filter((d) => d.path === file)
    .map((d) => d.diagnostic);
}

/** `line:code` for every `expect: code` comment, 1-based lines. */
function expectations(text: string): string[] {
  return text
    .split('\n')
    .flatMap((line, index) => [...line.matchAll(/expect: ([a-z-]+)/g)].map((m) => `${index + 1}:${m[1]}`));
}

describe('checks on annotated fixtures', () => {
  for (const name of fixtureFiles) {
    it(`${name}: exactly the expected diagnostics`, async () => {
      const file = path.join(FIXTURES, name);
      const text = readText(file);
      const found = (await diagnosticsOf(text, file)).map((d) => `${d.range.start.line + 1}:${d.code}`);
      assert.deepEqual(found.sort(), expectations(text).sort());
    });
  }
});

describe('quick fixes', () => {
  let applied = 0;
  after(() => assert.ok(applied >= 15, `only ${applied} fixes were exercised`));

  for (const file of [...fixtureFiles.map((f) => path.join(FIXTURES, f)), ...sampleFiles]) {
    it(`${path.relative(REPOSITORY_ROOT, file)}: each preferred fix removes its diagnostic and adds no error`, async () => {
      const text = readText(file);
      const before = await diagnosticsOf(text, file);
      for (const diagnostic of before) {
        const fix = diagnostic.fixes?.find((f) => f.preferred);
        if (fix === undefined) continue;
        const fixed = applyEdits(text, fix.edits);
        applied++;
        const after = await diagnosticsOf(fixed, file);
        const count = (list: Diagnostic[], code: string): number => list.filter((d) => d.code === code).length;
        assert.equal(count(after, diagnostic.code), count(before, diagnostic.code) - 1, `${fix.title}\n${fixed}`);
        const newErrors = after.filter((d) => d.severity === 'error' && count(before, d.code) < count(after, d.code));
        assert.deepEqual(newErrors, [], fix.title);
      }
    });
  }
});
