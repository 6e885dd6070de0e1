import { strict as assert } from 'node:assert';
import { ParsedSource, describeEdit } from '../../server/src/kernel/parsing/parsedSource';
import { SAMPLE_FILES, readText } from '../support/fixtures';
import { sharedParser } from '../support/parser';

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

const SNIPPETS = [
  '__init',
  ' ',
  '\n',
  ';',
  '(',
  ')',
  '{',
  '}',
  'module_exit(x);',
  'MODULE_LICENSE("GPL")',
  '/*',
  '*/',
  '"',
  'é€😀',
];

describe('incremental re-parsing', () => {
  it('describes an edit by the common prefix and suffix, with rows and columns', () => {
    assert.deepEqual(describeEdit('ab\ncd', 'ab\nXcd'), {
      startIndex: 3,
      oldEndIndex: 3,
      newEndIndex: 4,
      startPosition: { row: 1, column: 0 },
      oldEndPosition: { row: 1, column: 0 },
      newEndPosition: { row: 1, column: 1 },
    });
    assert.equal(describeEdit('same', 'same'), undefined);
  });

  it('gives the same tree as a fresh parse after hundreds of random edits', async () => {
    const parser = await sharedParser();
    const next = random(42);
    for (const file of [SAMPLE_FILES.chardev, SAMPLE_FILES.params]) {
      let text = readText(file);
      const incremental = ParsedSource.parse(parser, text);
      try {
        for (let step = 0; step < 150; step++) {
          const start = Math.floor(next() * text.length);
          const removed = Math.floor(next() * 8);
          const inserted = next() < 0.7 ? SNIPPETS[Math.floor(next() * SNIPPETS.length)]! : '';
          text = text.slice(0, start) + inserted + text.slice(start + removed);
          incremental.update(text);
          const fresh = ParsedSource.parse(parser, text);
          try {
            assert.equal(
              incremental.tree.rootNode.toString(),
              fresh.tree.rootNode.toString(),
              `step ${step} of ${file}`,
            );
            assert.equal(incremental.text, text);
          } finally {
            fresh.dispose();
          }
        }
      } finally {
        incremental.dispose();
      }
    }
  });

  it('re-reads a function correctly when an edit completes the annotation `__init`', async () => {
    const parser = await sharedParser();
    const parsed = ParsedSource.parse(parser, 'static int __ini foo_init(void) { return 0; }\n');
    try {
      parsed.update('static int __init foo_init(void) { return 0; }\n');
      assert.equal(parsed.tree.rootNode.hasError, false);
      assert.equal(parsed.tree.rootNode.child(0)?.type, 'function_definition');
    } finally {
      parsed.dispose();
    }
  });
});
