import { strict as assert } from 'node:assert';
import { IncrementalFacts } from '../../server/src/kernel/model/incrementalFacts';
import { extractFacts, type SourceFacts } from '../../server/src/kernel/model/sourceFacts';
import { ParsedSource } from '../../server/src/kernel/parsing/parsedSource';
import { SAMPLE_FILES, SOURCE_FIXTURES, readText } from '../support/fixtures';
import { sharedParser } from '../support/parser';

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

/** Facts with every list in document order, so two extractions compare by content. */
function normalized(facts: SourceFacts): unknown {
  const byStart = <T extends { start: number }>(items: readonly T[]): T[] =>
    [...items].sort((a, b) => a.start - b.start);
  return {
    macros: byStart(facts.macros),
    functions: byStart(facts.functions),
    declarations: byStart(facts.declarations),
    includes: byStart(facts.includes),
    defines: byStart(facts.defines),
    enumerators: byStart(facts.enumerators),
    fileScopeUses: byStart(facts.fileScopeUses),
    branches: byStart(facts.branches),
    spdxLicense: facts.spdxLicense,
  };
}

const TYPED = [
  'x',
  '__init ',
  ';',
  '}',
  '{',
  'foo(1);',
  '\n',
  'MODULE_LICENSE("GPL");\n',
  '/*',
  '#ifdef X\n',
  '#endif\n',
];

describe('incremental facts', () => {
  it('equal a full extraction after every one of hundreds of random edits', async () => {
    const parser = await sharedParser();
    const next = random(7);
    let reread = 0;
    let nodes = 0;
    for (const file of [SAMPLE_FILES.chardev, SAMPLE_FILES.params, SOURCE_FIXTURES.noSemicolons]) {
      let text = readText(file);
      const parsed = ParsedSource.parse(parser, text);
      const facts = new IncrementalFacts();
      facts.extract(parser, parsed);
      try {
        for (let step = 0; step < 150; step++) {
          const at = Math.floor(next() * text.length);
          const removed = next() < 0.3 ? Math.floor(next() * 6) : 0;
          text = text.slice(0, at) + TYPED[Math.floor(next() * TYPED.length)]! + text.slice(at + removed);
          parsed.update(text);
          const incremental = facts.extract(parser, parsed);
          reread += facts.lastReread;
          nodes += parsed.tree.rootNode.namedChildCount;
          // Against a full extraction of the same tree: tree-sitter's incremental and fresh trees may
          // differ inside error recovery, which is not what this test is about.
          assert.deepEqual(
            normalized(incremental),
            normalized(extractFacts(parser, parsed)),
            `step ${step} of ${file}`,
          );
        }
      } finally {
        parsed.dispose();
      }
    }
    assert.ok(reread < nodes, `re-read ${reread} of ${nodes} top-level nodes`);
  });

  it('re-reads only the function being typed in, keystroke after keystroke', async () => {
    const parser = await sharedParser();
    const original = readText(SAMPLE_FILES.chardev);
    const parsed = ParsedSource.parse(parser, original);
    const facts = new IncrementalFacts();
    try {
      facts.extract(parser, parsed);
      const inside = original.indexOf('return simple_read_from_buffer');
      const typed = 'pr_info("reading %zu bytes\\n", len);\n\t';
      let worst = 0;
      for (let length = 1; length <= typed.length; length++) {
        parsed.update(original.slice(0, inside) + typed.slice(0, length) + original.slice(inside));
        facts.extract(parser, parsed);
        worst = Math.max(worst, facts.lastReread);
      }
      const nodes = parsed.tree.rootNode.namedChildCount;
      assert.ok(worst <= 3, `a keystroke re-read up to ${worst} of ${nodes} top-level nodes`);
      const read = facts.extract(parser, parsed).functions.find((f) => f.name === 'chardev_read')!;
      assert.ok(read.events.some((e) => e.kind === 'call' && e.name === 'pr_info'));
    } finally {
      parsed.dispose();
    }
  });
});
