import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { checkPaths } from '../../server/src/kernel/analysis/checkFiles';
import {
  decodeSourceBytes,
  firstInvalidUtf8Byte,
  inspectSourceText,
} from '../../server/src/kernel/analysis/sourceInput';
import { SAMPLE_FILES, SAMPLES, SOURCE_FIXTURES } from '../support/fixtures';
import { sharedParser } from '../support/parser';

const codesOf = (reports: Awaited<ReturnType<typeof checkPaths>>): string[][] =>
  reports.map((r) => r.diagnostics.map((d) => d.code));

describe('checking files and folders', () => {
  let scratch: string;
  before(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'lkm-check-'));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('checks every .c file under a folder, in a stable order', async () => {
    const reports = await checkPaths(await sharedParser(), [SAMPLES]);
    const files = reports.map((r) => path.relative(SAMPLES, r.path));
    assert.ok(files.includes('hello/hello.c'));
    assert.ok(files.includes('broken/missing-license/nolicense.c'));
    assert.deepEqual(files, [...files].sort());
    const missing = reports.filter((r) => r.diagnostics.some((d) => d.code === 'missing-license'));
    assert.deepEqual(
      missing.map((r) => path.relative(SAMPLES, r.path)),
      ['broken/missing-license/nolicense.c'],
    );
  });

  it('gives each bad input its own clear diagnostic and goes on', async () => {
    const noC = path.join(scratch, 'docs');
    mkdirSync(noC);
    writeFileSync(path.join(noC, 'notes.txt'), 'no C here');
    const inputs = [
      path.join(scratch, 'does-not-exist.c'),
      SOURCE_FIXTURES.binary,
      SOURCE_FIXTURES.empty,
      noC,
      path.join(noC, 'notes.txt'),
      SOURCE_FIXTURES.invalidUtf8,
      SAMPLE_FILES.missingLicense,
    ];
    const reports = await checkPaths(await sharedParser(), inputs);
    assert.deepEqual(codesOf(reports), [
      ['unreadable-file'],
      ['not-c-source'],
      [],
      ['no-c-sources'],
      ['not-c-source'],
      ['invalid-utf8', 'missing-license'],
      ['missing-license'],
    ]);
    assert.match(reports[0]!.diagnostics[0]!.message, /^cannot read: no such file or directory.*\(ENOENT\)\.$/i);
    assert.match(reports[1]!.diagnostics[0]!.message, /binary data \(a NUL byte at line 1, column 8\)/);
  });

  it('refuses a 10 MB file without reading it', async () => {
    const big = path.join(scratch, 'big.c');
    const unit = 'static int f(void) { return 0; }\n';
    writeFileSync(big, unit.repeat(Math.ceil((10 * 1024 * 1024) / unit.length)));
    const [refused] = await checkPaths(await sharedParser(), [big]);
    assert.deepEqual(codesOf([refused!]), [['file-too-large']]);
    assert.match(refused!.diagnostics[0]!.message, /the file is 10\.0 MB, over the limit of 4\.0 MB/);
  });

  it('analyses a file under a raised limit that the default would refuse', async () => {
    const large = path.join(scratch, 'large.c');
    const unit = 'static int f(void) { return 0; }\n';
    writeFileSync(large, `${unit.repeat(Math.ceil((1.2 * 1024 * 1024) / unit.length))}module_init(f);\n`);
    const limits = (megabytes: number) => ({ limits: { maxFileSizeBytes: megabytes * 1024 * 1024 } });
    const parser = await sharedParser();
    assert.deepEqual(codesOf(await checkPaths(parser, [large], limits(1))), [['file-too-large']]);
    assert.ok(codesOf(await checkPaths(parser, [large], limits(2)))[0]!.includes('missing-license'));
  });

  it('reports a named pipe instead of blocking on it', async () => {
    const fifo = path.join(scratch, 'pipe.c');
    execFileSync('mkfifo', [fifo]);
    const [report] = await checkPaths(await sharedParser(), [fifo]);
    assert.deepEqual(codesOf([report!]), [['unreadable-file']]);
    assert.match(report!.diagnostics[0]!.message, /not a regular file/);
  });

  it('does not follow symlinked folders, so a symlink cycle cannot loop', async () => {
    const loop = path.join(scratch, 'loop');
    mkdirSync(loop);
    writeFileSync(path.join(loop, 'a.c'), 'MODULE_LICENSE("GPL");\n');
    symlinkSync(loop, path.join(loop, 'again'));
    const reports = await checkPaths(await sharedParser(), [loop]);
    assert.deepEqual(
      reports.map((r) => path.relative(loop, r.path)),
      ['a.c'],
    );
  });

  it('reports a folder it cannot list', async () => {
    const [report] = await checkPaths(await sharedParser(), [path.join(SOURCE_FIXTURES.empty, 'inside')]);
    assert.deepEqual(codesOf([report!]), [['unreadable-file']]);
    assert.match(report!.diagnostics[0]!.message, /\((ENOTDIR|ENOENT)\)\.$/);
  });
});

describe('source input checks', () => {
  it('finds the first invalid UTF-8 byte and its line', () => {
    const bytes = Buffer.from('ok\nab\xffc', 'latin1');
    const { text, encodingProblem } = decodeSourceBytes(bytes);
    assert.equal(text, 'ok\nab\ufffdc');
    assert.match(encodingProblem!.message, /^invalid UTF-8 at byte 5:/);
    assert.deepEqual(encodingProblem!.range.start, { line: 1, character: 2 });
  });

  it('names the first byte of a truncated sequence, not the byte after it', () => {
    assert.equal(firstInvalidUtf8Byte(Buffer.from([0x41, 0xe2, 0x82, 0x41])), 1);
    assert.equal(firstInvalidUtf8Byte(Buffer.from([0xed, 0xa0, 0x80])), 0); // a UTF-16 surrogate
    assert.equal(firstInvalidUtf8Byte(Buffer.from([0xc0, 0x80])), 0); // overlong NUL
    assert.equal(firstInvalidUtf8Byte(Buffer.from('ok 😀', 'utf8')), 7);
  });

  it('accepts valid multi-byte UTF-8', () => {
    assert.equal(decodeSourceBytes(Buffer.from('/* café 😀 */', 'utf8')).encodingProblem, undefined);
  });

  it('measures the size in UTF-8 bytes, not characters', () => {
    const limits = { maxFileSizeBytes: 10 };
    assert.equal(inspectSourceText('é'.repeat(5), limits), undefined);
    assert.equal(inspectSourceText('é'.repeat(6), limits)?.code, 'file-too-large');
  });
});
