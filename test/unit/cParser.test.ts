import { strict as assert } from 'node:assert';
import { CParser, isWasmFault } from '../../server/src/kernel/parsing/cParser';
import { ParsedSource } from '../../server/src/kernel/parsing/parsedSource';

describe('CParser', () => {
  it('recovers onto a new wasm instance, and documents parsed before re-parse from scratch', async () => {
    const parser = await CParser.load();
    const parsed = ParsedSource.parse(parser, 'int a;\n');
    const before = parser.generation;
    await Promise.all([parser.recover(), parser.recover()]);
    assert.equal(parser.generation, before + 1, 'two concurrent recoveries share one');
    parsed.update('int a;\nint b;\n');
    assert.equal(parsed.tree.rootNode.namedChildCount, 2);
    assert.equal(parsed.tree.rootNode.hasError, false);
    parsed.dispose();
  });

  it('tells a wasm fault from other errors', () => {
    const fault = new Error('memory access out of bounds');
    fault.name = 'RuntimeError';
    assert.equal(isWasmFault(fault), true);
    assert.equal(isWasmFault(new TypeError('x')), false);
    assert.equal(isWasmFault('RuntimeError'), false);
  });
});
