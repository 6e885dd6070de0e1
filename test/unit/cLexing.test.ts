import { strict as assert } from 'node:assert';
import { readArgumentList, stringLiteralValue } from '../../server/src/kernel/text/cLexing';

describe('C lexing for macro arguments', () => {
  it('splits arguments at top-level commas only', () => {
    const text = 'X(a, f(b, c), "d, e", \',\', /* , */ g[1,2])';
    const list = readArgumentList(text, 1);
    assert.deepEqual(
      list?.args.map((a) => a.text),
      ['a', 'f(b, c)', '"d, e"', "','", '/* , */ g[1,2]'],
    );
    assert.equal(list?.end, text.length);
    for (const arg of list.args) assert.equal(text.slice(arg.start, arg.end), arg.text);
  });

  it('reads an empty list and an unclosed one', () => {
    assert.deepEqual(readArgumentList('f()', 1)?.args, []);
    assert.equal(readArgumentList('f(a, (b', 1), undefined);
  });

  it('reads string literals and their concatenations', () => {
    assert.equal(stringLiteralValue('"GPL"'), 'GPL');
    assert.equal(stringLiteralValue('"GPL" " v2"'), 'GPL v2');
    assert.equal(stringLiteralValue('"Dual \\"BSD\\"/GPL"'), 'Dual "BSD"/GPL');
    assert.equal(stringLiteralValue('DRV_LICENSE'), undefined);
    assert.equal(stringLiteralValue('"GPL" DRV'), undefined);
  });
});
