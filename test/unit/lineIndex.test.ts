import { strict as assert } from 'node:assert';
import { LineIndex } from '../../server/src/kernel/text/lineIndex';

describe('LineIndex', () => {
  it('maps offsets to positions and back', () => {
    const lines = new LineIndex('ab\ncd\r\n\nef');
    assert.deepEqual(lines.positionAt(0), { line: 0, character: 0 });
    assert.deepEqual(lines.positionAt(4), { line: 1, character: 1 });
    assert.deepEqual(lines.positionAt(8), { line: 3, character: 0 });
    assert.equal(lines.offsetAt({ line: 1, character: 1 }), 4);
    assert.equal(lines.lineText(1), 'cd');
  });
});
