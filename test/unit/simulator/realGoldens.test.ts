// The simulator against the real kernel's transcripts (test/fixtures/vm/golden/, recorded on a fresh
// boot of Debian's 6.1.0-56-amd64 by test/vm/fidelity.test.ts and scripts/vm/run-scenario.sh): the
// goldens are the expected output, compared line by line with log timestamps and module addresses
// masked; every line that differs must be a named known difference (test/vm/fidelityScenarios.ts).
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { compareTranscripts, describeComparison, describeUnexplained } from '../../vm/fidelityCompare';
import { GOLDEN_DIR, SCENARIOS, SIMULATOR_DIFFERENCES, simulateFresh } from '../../vm/fidelityScenarios';

describe('simulator: the real-kernel goldens as expected output (test/fixtures/vm/golden)', () => {
  for (const scenario of SCENARIOS) {
    const golden = path.join(GOLDEN_DIR, `${scenario.name}.txt`);
    it(`${scenario.file} gives golden/${scenario.name}.txt but for named known differences`, async function () {
      if (!existsSync(golden)) this.skip();
      const { transcript } = await simulateFresh(scenario);
      const c = compareTranscripts(
        path.basename(scenario.file),
        readFileSync(golden, 'utf8'),
        transcript,
        SIMULATOR_DIFFERENCES,
      );
      if (process.env['LKM_FIDELITY_REPORT'] === '1') console.log(`      ${describeComparison(c)}`);
      assert.deepEqual(c.unexplained, [], describeUnexplained(c));
      assert.ok(c.equal / c.compared > 0.9, describeComparison(c));
    });
  }
});
