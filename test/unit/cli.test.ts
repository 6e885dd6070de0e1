import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { main } from '../../server/src/cli/lkm';
import { REPOSITORY_ROOT, SAMPLE_FILES, SOURCE_FIXTURES, TWO_FILE_MODULE } from '../support/fixtures';

async function run(...argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await main(argv, {
    cwd: REPOSITORY_ROOT,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { status, stdout, stderr };
}

const relative = (file: string): string => path.relative(REPOSITORY_ROOT, file);

describe('lkm check', () => {
  it('prints gcc-style lines and exits 1 when there is an error', async () => {
    const { status, stdout, stderr } = await run('check', relative(SAMPLE_FILES.missingLicense));
    assert.equal(status, 1);
    assert.match(
      stdout,
      /^samples\/broken\/missing-license\/nolicense\.c:19:1: error: missing MODULE_LICENSE\(\) in nolicense\.o — .* \[missing-license\]\n$/,
    );
    // Before the summary: which kernel's symbols the module was checked against.
    assert.match(stderr, /^(lkm check: (note|symbols): .*\n)*1 error, 0 warnings in 1 file\n$/);
  });

  it('prints [] in JSON and exits 0 for a clean module', async () => {
    const { status, stdout } = await run('check', '--format', 'json', relative(SAMPLE_FILES.hello));
    assert.equal(status, 0);
    assert.equal(stdout, '[]\n');
  });

  it('prints LSP-shaped JSON objects with 0-based positions', async () => {
    const { stdout } = await run('check', '--format=json', relative(SAMPLE_FILES.missingLicense));
    const [entry, ...rest] = JSON.parse(stdout) as Record<string, unknown>[];
    assert.equal(rest.length, 0);
    assert.deepEqual(Object.keys(entry!).sort(), ['code', 'file', 'message', 'range', 'severity', 'source']);
    assert.deepEqual(entry!['range'], { start: { line: 18, character: 0 }, end: { line: 18, character: 11 } });
    assert.equal(entry!['severity'], 'error');
    assert.equal(entry!['source'], 'lkm');
  });

  it('prints SARIF 2.1.0 with rules, 1-based regions and the quick fix', async () => {
    const { stdout, status } = await run('check', '-f', 'sarif', relative(SAMPLE_FILES.missingLicense));
    assert.equal(status, 1);
    const log = JSON.parse(stdout) as {
      version: string;
      runs: { tool: { driver: { rules: { id: string }[] } }; results: Record<string, unknown>[] }[];
    };
    assert.equal(log.version, '2.1.0');
    const [sarifRun] = log.runs;
    const [result] = sarifRun!.results;
    const rules = sarifRun!.tool.driver.rules;
    assert.equal(result!['ruleId'], 'missing-license');
    assert.equal(rules[result!['ruleIndex'] as number]!.id, 'missing-license');
    assert.equal(result!['level'], 'error');
    assert.deepEqual((result!['locations'] as { physicalLocation: unknown }[])[0]!.physicalLocation, {
      artifactLocation: { uri: 'samples/broken/missing-license/nolicense.c', uriBaseId: 'SRCROOT' },
      region: { startLine: 19, startColumn: 1, endLine: 19, endColumn: 12 },
    });
    assert.equal((result!['fixes'] as unknown[]).length, 1);
  });

  it('goes on past bad inputs and reports each', async () => {
    const { status, stdout } = await run(
      'check',
      '--format',
      'json',
      'no/such/path',
      relative(SOURCE_FIXTURES.binary),
      relative(SAMPLE_FILES.hello),
    );
    assert.equal(status, 1);
    const codes = (JSON.parse(stdout) as { code: string }[]).map((d) => d.code);
    assert.deepEqual(codes, ['unreadable-file', 'not-c-source']);
  });

  it('checks a file as part of its Kbuild module', async () => {
    const { status, stdout } = await run('check', '--format', 'json', relative(TWO_FILE_MODULE.helper));
    assert.deepEqual([status, stdout], [0, '[]\n']);
  });

  it('skips files Kbuild builds into the kernel, and still checks the modules beside them', async () => {
    const folder = path.join(REPOSITORY_ROOT, 'test/fixtures/modules/builtin');
    const { stdout } = await run('check', '--format', 'json', '--no-kernel-headers', relative(folder));
    assert.deepEqual(
      (JSON.parse(stdout) as { file: string; code: string }[]).map((d) => [path.basename(d.file), d.code]),
      [
        ['extra.c', 'missing-license'],
        ['extra.c', 'init-without-exit'],
      ],
    );
  });

  it('exits 2 on bad usage, with the usage text', async () => {
    for (const argv of [
      ['check'],
      ['check', '--format', 'xml', 'x.c'],
      ['check', '--bogus', 'x.c'],
      ['check', '--max-file-size', 'lots', 'x.c'],
      ['frobnicate'],
      [],
    ]) {
      const { status, stderr, stdout } = await run(...argv);
      assert.equal(status, 2, argv.join(' '));
      assert.match(stderr + stdout, /usage: lkm/, argv.join(' '));
    }
  });

  it('answers --help and --version with status 0', async () => {
    assert.equal((await run('--help')).status, 0);
    assert.match((await run('check', '--help')).stdout, /^usage: lkm check/);
    assert.match((await run('--version')).stdout, /^lkm \S+\n$/);
  });
});
