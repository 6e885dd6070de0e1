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
  '__ini',
  't',
  '__attribute__((',
  '__aligned(',
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

/** Every node's type and extent, so two trees compare equal only when they are the same tree. */
function shape(parsed: ParsedSource): string[] {
  const nodes: string[] = [];
  const cursor = parsed.tree.walk();
  try {
    for (;;) {
      nodes.push(`${cursor.nodeType}@${cursor.startIndex}-${cursor.endIndex}`);
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return nodes;
      }
    }
  } finally {
    cursor.delete();
  }
}

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

  /**
   * NOTE: inside error-recovery regions tree-sitter's incremental and fresh parses may legitimately
   * differ, so a broken intermediate text is compared only where the fresh tree has no error.
   * Every other step edits back to the valid original, and there the two must agree exactly: a
   * wrong edit description leaves stale node ranges that this catches.
   */
  it('gives the same tree as a fresh parse after hundreds of random edits and their undos', async () => {
    const parser = await sharedParser();
    const next = random(42);
    let exactComparisons = 0;
    for (const file of [SAMPLE_FILES.chardev, SAMPLE_FILES.params]) {
      const original = readText(file);
      const incremental = ParsedSource.parse(parser, original);
      try {
        for (let step = 0; step < 600; step++) {
          let text = original;
          if (step % 2 === 0) {
            const start = Math.floor(next() * original.length);
            const removed = Math.floor(next() * 8);
            const inserted = next() < 0.7 ? SNIPPETS[Math.floor(next() * SNIPPETS.length)]! : '';
            text = original.slice(0, start) + inserted + original.slice(start + removed);
          }
          incremental.update(text);
          const fresh = ParsedSource.parse(parser, text);
          try {
            assert.equal(incremental.text, text);
            if (!fresh.tree.rootNode.hasError) {
              assert.deepEqual(shape(incremental), shape(fresh), `step ${step} of ${file}`);
              exactComparisons++;
            }
          } finally {
            fresh.dispose();
          }
        }
      } finally {
        incremental.dispose();
      }
    }
    assert.ok(exactComparisons >= 600, `only ${exactComparisons} exact comparisons`);
  });

  it('re-parses text an edit blanks far before itself: closing an `__aligned(` list', async () => {
    const parser = await sharedParser();
    const before = 'struct s { int a; };\nstatic struct s buffer __aligned(sizeof(long) * 2 ;\nint after;\n';
    const after = before.replace('* 2 ;', '* 2) ;');
    const parsed = ParsedSource.parse(parser, before);
    const fresh = ParsedSource.parse(parser, after);
    try {
      parsed.update(after);
      assert.equal(fresh.tree.rootNode.hasError, false);
      assert.deepEqual(shape(parsed), shape(fresh));
    } finally {
      parsed.dispose();
      fresh.dispose();
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
