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
  'missing-license': /^ERROR: modpost: missing MODULE_LICENSE\(\) in \S*?([^/\s]+\.o)$/,
  'export-without-definition': /^ERROR: modpost: "(\w+)" \[\S*?([^/\s]+\.ko)\] was exported without definition$/,
  'exported-init-symbol':
    /^WARNING: modpost: \S*?([^/\s]+\.o): EXPORT_SYMBOL used for init\/exit symbol: (\w+) \(section: (\S+)\)$/,
  'section-mismatch':
    /^WARNING: modpost: \S*?([^/\s]+\.o): section mismatch in reference: (\w+) \(section: (\.\w+)\S*\) -> (\w+) \(section: (\S+)\)$/,
  'userspace-api': /^ERROR: modpost: "(malloc|printf|free)" \[\S*?([^/\s]+\.ko)\] undefined!$/,
  'duplicate-init': /: error: redefinition of .init_module.$/,
  'invalid-param': /: error: negative width in bit-field/,
};

/** What identifies one report: modpost's captures, or just the code for compiler errors. */
function identity(match: RegExpExecArray): string {
  return match.slice(1).join(' ');
}
const GOLDEN_DIR = path.join(REPOSITORY_ROOT, 'test/fixtures/kbuild');
const goldenFiles = readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.txt'));

/** modpost prefixes its lines with the level, the compiler with the place: put them back on ours. */
const PREFIX: Record<string, string> = {
  'missing-license': 'ERROR: modpost: ',
  'export-without-definition': 'ERROR: modpost: ',
  'userspace-api': 'ERROR: modpost: ',
  'exported-init-symbol': 'WARNING: modpost: ',
  'section-mismatch': 'WARNING: modpost: ',
  'duplicate-init': 'x.c:1:1: error: ',
  'invalid-param': 'x.c:1:1: error: ',
};

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
          return match ? [identity(match)] : [];
        });
        // Our message starts with the same words (paths shortened to the object's name).
        const mine = ours
          .filter((d) => d.code === code && d.severity !== 'hint')
          .flatMap((d) => {
            const match = words.exec(`${PREFIX[code]}${d.message.split(' — ')[0]}`);
            return match ? [identity(match)] : [`unparsed: ${d.message}`];
          });
        assert.deepEqual(mine.sort(), theirs.sort(), `${code} in ${sample}`);
      }
    });
  }
});
