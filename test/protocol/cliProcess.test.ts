import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { REPOSITORY_ROOT, SAMPLE_FILES } from '../support/fixtures';

const BUILT_CLI = path.join(REPOSITORY_ROOT, 'dist/lkm.js');

function lkm(...argv: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BUILT_CLI, ...argv], { cwd: REPOSITORY_ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the built lkm CLI (dist/lkm.js)', () => {
  it('prints missing-license as JSON and exits 1 for a module without a licence', () => {
    const { status, stdout } = lkm(
      'check',
      '--format',
      'json',
      path.relative(REPOSITORY_ROOT, SAMPLE_FILES.missingLicense),
    );
    assert.equal(status, 1);
    assert.deepEqual(
      (JSON.parse(stdout) as { code: string }[]).map((d) => d.code),
      ['missing-license'],
    );
  });

  it('prints [] and exits 0 for hello', () => {
    const { status, stdout } = lkm('check', '--format', 'json', path.relative(REPOSITORY_ROOT, SAMPLE_FILES.hello));
    assert.deepEqual([status, stdout], [0, '[]\n']);
  });

  it('exits 2 on bad usage', () => {
    assert.equal(lkm('check', '--format', 'yaml', 'x.c').status, 2);
  });
});
