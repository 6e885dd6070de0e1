import { strict as assert } from 'node:assert';
import { blankAnnotations } from '../../server/src/kernel/text/annotationBlanking';
import { ParsedSource } from '../../server/src/kernel/parsing/parsedSource';
import { sharedParser } from '../support/parser';

describe('annotation blanking', () => {
  it('keeps every offset and line break', () => {
    const text = 'static int __init foo(void)\n{\n}\nstatic char b[4] __aligned(\n8) __initdata;\n';
    const { text: blanked, annotations } = blankAnnotations(text);
    assert.equal(blanked.length, text.length);
    assert.deepEqual(
      [...blanked].flatMap((c, i) => (c === '\n' ? [i] : [])),
      [...text].flatMap((c, i) => (c === '\n' ? [i] : [])),
    );
    assert.deepEqual(
      annotations.map((a) => [a.name, text.slice(a.start, a.end)]),
      [
        ['__init', '__init'],
        ['__aligned', '__aligned(\n8)'],
        ['__initdata', '__initdata'],
      ],
    );
  });

  it('leaves identifiers that only contain an annotation name alone', () => {
    const text = 'int my__init_count; int __initialised; void __exit_helper(void);';
    assert.equal(blankAnnotations(text).text, text);
  });

  it('lets `static int __init foo_init(void)` parse as a function named foo_init', async () => {
    const parser = await sharedParser();
    const parsed = ParsedSource.parse(parser, 'static int __init foo_init(void)\n{\n\treturn 0;\n}\n');
    try {
      const fn = parsed.tree.rootNode.child(0)!;
      assert.equal(fn.type, 'function_definition');
      assert.equal(fn.childForFieldName('declarator')?.childForFieldName('declarator')?.text, 'foo_init');
      assert.equal(parsed.tree.rootNode.hasError, false);
    } finally {
      parsed.dispose();
    }
  });

  it('does not blank half a file when an annotation argument list never closes', () => {
    const text = `int x __aligned(${'a'.repeat(5000)}`;
    assert.equal(blankAnnotations(text).text, text);
  });
});
