import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { checkPaths } from '../../server/src/kernel/analysis/checkFiles';
import { REPOSITORY_ROOT, readText } from '../support/fixtures';
import { sharedParser } from '../support/parser';

/**
 * test/fixtures/kbuild/ holds what real kbuild and modpost (Linux 6.1) said for each sample
 * (scripts/record-kbuild-golden.sh). For every build-time check we implement, we must report it
 * exactly where modpost did, in modpost's words, and nowhere else.
 */
const MODPOST_WORDS: Record<string, RegExp> = {
  'missing-license': /^ERROR: modpost: (missing MODULE_LICENSE\(\) in )\S*?([^/\s]+\.o)$/,
};

const GOLDEN_DIR = path.join(REPOSITORY_ROOT, 'test/fixtures/kbuild');
const goldenFiles = readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.txt'));

describe('agreement with real kbuild and modpost (Linux 6.1)', () => {
  it('has a golden record for every sample', () => {
    const samples = readdirSync(path.join(REPOSITORY_ROOT, 'samples'), { recursive: true })
      .map(String)
      .filter((file) => path.basename(file) === 'Makefile')
      .map((file) => `${path.dirname(file).split(path.sep).join('_')}.txt`)
      .sort();
    assert.deepEqual([...goldenFiles].sort(), samples);
  });

  for (const golden of goldenFiles) {
    const lines = readText(path.join(GOLDEN_DIR, golden)).split('\n');
    const sample = /make -C (\S+)/.exec(lines[0]!)![1]!;
    it(`${sample}: same build-time verdicts as modpost`, async () => {
      const reports = await checkPaths(await sharedParser(), [path.join(REPOSITORY_ROOT, sample)]);
      const ours = reports.flatMap((r) => r.diagnostics);
      for (const [code, words] of Object.entries(MODPOST_WORDS)) {
        const theirs = lines.flatMap((line) => {
          const match = words.exec(line);
          return match ? [`${match[1]}${match[2]}`] : [];
        });
        const mine = ours.filter((d) => d.code === code).map((d) => d.message.split(' — ')[0]);
        assert.deepEqual(mine, theirs, `${code} in ${sample}`);
      }
    });
  }
});
