import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPOSITORY_ROOT } from '../../support/fixtures';

interface Pattern {
  name: string;
  regexp: string;
  file: number;
  message: number;
  severity?: number;
  line?: number;
  column?: number;
}

/** The problem patterns as package.json contributes them, compiled as VS Code compiles them. */
const patterns = (
  JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as {
    contributes: { problemPatterns: Pattern[] };
  }
).contributes.problemPatterns;

function pattern(name: string): Pattern & { compiled: RegExp } {
  const found = patterns.find((p) => p.name === name);
  assert.ok(found, `package.json contributes no problem pattern ${name}`);
  return { ...found, compiled: new RegExp(found.regexp) };
}

/** Every line real kbuild printed for the samples (test/fixtures/kbuild/, recorded from Debian's 6.1). */
const kbuildLines = readdirSync(path.join(REPOSITORY_ROOT, 'test/fixtures/kbuild'))
  .filter((file) => file.endsWith('.txt'))
  .flatMap((file) => readFileSync(path.join(REPOSITORY_ROOT, 'test/fixtures/kbuild', file), 'utf8').split('\n'))
  .filter((line) => line !== '' && !line.startsWith('#'));

describe('the kbuild problem matchers', () => {
  it('the modpost matcher takes every ERROR:/WARNING: modpost line, with the object or module it names', () => {
    const modpost = pattern('modpost');
    const lines = kbuildLines.filter((line) => / modpost: /.test(line));
    assert.ok(lines.length >= 10, `only ${lines.length} modpost lines in the fixtures`);
    const matched = lines.map((line) => {
      const match = modpost.compiled.exec(line);
      assert.ok(match, `no match: ${line}`);
      return [match[modpost.severity ?? 0], match[modpost.file], match[modpost.message]];
    });
    const byMessage = new Map(matched.map(([severity, file, message]) => [message, [severity, file]]));
    assert.deepEqual(byMessage.get('"no_such_symbol" [samples/broken/undefined-symbol/missing.ko] undefined!'), [
      'ERROR',
      'samples/broken/undefined-symbol/missing.ko',
    ]);
    assert.deepEqual(byMessage.get('missing MODULE_LICENSE() in samples/broken/missing-license/nolicense.o'), [
      'ERROR',
      'samples/broken/missing-license/nolicense.o',
    ]);
    assert.deepEqual(
      byMessage.get(
        'samples/broken/section-mismatch/mismatch.o: section mismatch in reference: mismatch_reset (section: .text.unlikely) -> mismatch_setup (section: .init.text)',
      ),
      ['WARNING', 'samples/broken/section-mismatch/mismatch.o'],
    );
    assert.deepEqual(byMessage.get("GPL-incompatible module propgpl.ko uses GPL-only symbol 'debugfs_remove'"), [
      'ERROR',
      'propgpl.ko',
    ]);
    assert.deepEqual(
      byMessage.get('module nsuser uses symbol dma_buf_get from namespace DMA_BUF, but does not import it.'),
      ['ERROR', 'nsuser'],
    );
    // The message is the whole text after "modpost: ", as the kernel printed it.
    for (const [, , message] of matched) assert.ok(lines.some((line) => line.endsWith(`modpost: ${message}`)));
  });

  it('the modpost matcher names the module of an export twice over, and ignores other lines', () => {
    const modpost = pattern('modpost');
    const twice = modpost.compiled.exec(
      "ERROR: modpost: dupexport: 'printk' exported twice. Previous export was in vmlinux",
    );
    assert.equal(twice?.[modpost.file], 'dupexport');
    assert.equal(modpost.compiled.exec('  MODPOST /ws/hello/Module.symvers'), null);
    assert.equal(modpost.compiled.exec('make[1]: *** [scripts/Makefile.modpost:126: Module.symvers] Error 1'), null);
  });

  it('the gcc matcher takes every compiler error and warning, with file, line and column', () => {
    const gcc = pattern('kbuild-gcc');
    const lines = kbuildLines.filter((line) => /: (error|warning): /.test(line) && !/ modpost: /.test(line));
    assert.ok(lines.length > 0, 'no compiler lines in the fixtures');
    for (const line of lines) {
      const match = gcc.compiled.exec(line);
      assert.ok(match, `no match: ${line}`);
      assert.match(match[gcc.file] ?? '', /\.[ch]$/);
      assert.match(match[gcc.line ?? 0] ?? '', /^\d+$/);
    }
    const absolute = gcc.compiled.exec("/home/u/hello/hello.c:12:5: error: implicit declaration of function 'printf'");
    assert.deepEqual(
      absolute && [absolute[gcc.file], absolute[gcc.line ?? 0], absolute[gcc.column ?? 0], absolute[gcc.severity ?? 0]],
      ['/home/u/hello/hello.c', '12', '5', 'error'],
    );
  });
});
