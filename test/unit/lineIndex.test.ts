import { strict as assert } from 'node:assert';
import { LineIndex } from '../../server/src/kernel/text/lineIndex';

describe('LineIndex', () => {
  it('maps offsets to positions, with \\n, \\r\\n and lone \\r line breaks as LSP counts them', () => {
    const lines = new LineIndex('ab\ncd\r\n\nef\rgh');
    assert.deepEqual(lines.positionAt(0), { line: 0, character: 0 });
    assert.deepEqual(lines.positionAt(4), { line: 1, character: 1 });
    assert.deepEqual(lines.positionAt(5), { line: 1, character: 2 });
    assert.deepEqual(lines.positionAt(8), { line: 3, character: 0 });
    assert.deepEqual(lines.positionAt(11), { line: 4, character: 0 });
    assert.deepEqual(lines.positionAt(99), { line: 4, character: 2 });
  });
});
