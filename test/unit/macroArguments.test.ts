import { strict as assert } from 'node:assert';
import { argumentPassesThrough, enclosingArguments } from '../../server/src/kernel/model/macroArguments';
import { textualMacroDefinitions, type MacroShape } from '../../server/src/kernel/model/textualNames';

describe('macro arguments', () => {
  it('finds the argument lists around a name, innermost first, within its statement', () => {
    const text = 'x = 1; f(a, g("(", X), b);';
    assert.deepEqual(enclosingArguments(text, text.indexOf('X')), [
      { callee: 'g', index: 1, args: ['"("', 'X'] },
      { callee: 'f', index: 1, args: ['a', 'g("(", X)', 'b'] },
    ]);
    assert.deepEqual(enclosingArguments(text, text.indexOf('x')), []);
  });

  it('tells macros that compile an argument from those that drop, stringify or hand it on blindly', () => {
    const text = [
      '#define pr(fmt, ...) printk(fmt, ##__VA_ARGS__)',
      '#define warn(cond, format...) ({ int r = !!(cond); if (likely(r)) pr(format); r; })',
      '#define likely(x) __builtin_expect(!!(x), 1)',
      '#define no_pr(fmt, ...) ({ if (0) printk(fmt, ##__VA_ARGS__); 0; })',
      '#define name(x) #x',
      '#define paste(x) x ## _ops',
      '#define once(func, ...) func(__VA_ARGS__)',
      '#define size(x) sizeof(x)',
    ].join('\n');
    const macros = new Map<string, readonly MacroShape[]>(
      textualMacroDefinitions(text).map((definition) => [definition.name, [definition.shape]]),
    );
    const passes = (macro: string, index: number): boolean =>
      argumentPassesThrough(
        macro,
        index,
        (n) => macros.get(n) ?? [],
        (n) => macros.has(n),
      );
    assert.equal(passes('pr', 1), true);
    assert.equal(passes('warn', 0), true);
    assert.equal(passes('warn', 2), true);
    for (const [macro, index] of [
      ['no_pr', 1],
      ['name', 0],
      ['paste', 0],
      ['once', 1],
      ['size', 0],
      ['unknown', 0],
    ] as const) {
      assert.equal(passes(macro, index), false, `${macro} #${index}`);
    }
  });

  it('a parameter called as a function is the name the caller gave it (printk_index_wrap(_printk, …))', () => {
    const text = [
      '#define wrap(p_func, fmt, ...) ({ emit(fmt); p_func(fmt, ##__VA_ARGS__); })',
      '#define emit(fmt) do { } while (0)',
      '#define pk(fmt, ...) wrap(_pk, fmt, ##__VA_ARGS__)',
      '#define pinfo(fmt, ...) pk(fmt, ##__VA_ARGS__)',
      '#define drop(...) do { } while (0)',
      '#define pdrop(fmt, ...) wrap(drop, fmt, ##__VA_ARGS__)',
    ].join('\n');
    const macros = new Map<string, readonly MacroShape[]>(
      textualMacroDefinitions(text).map((definition) => [definition.name, [definition.shape]]),
    );
    const passes = (macro: string, index: number, args: readonly string[] = []): boolean =>
      argumentPassesThrough(
        macro,
        index,
        (n) => macros.get(n) ?? [],
        (n) => macros.has(n),
        new Map(),
        0,
        args,
      );
    assert.equal(passes('pinfo', 1), true);
    assert.equal(passes('pk', 2), true);
    // A macro given in place of the function drops the arguments.
    assert.equal(passes('pdrop', 1), false);
    // Called directly, the caller's arguments decide.
    assert.equal(passes('wrap', 2, ['_pk', '"%d"', 'x']), true);
    assert.equal(passes('wrap', 2, ['drop', '"%d"', 'x']), false);
    assert.equal(passes('wrap', 2), false);
  });
});
