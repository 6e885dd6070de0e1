import { strict as assert } from 'node:assert';
import { SOURCE_FIXTURES, readText } from '../support/fixtures';
import { factsOf, moduleOf } from '../support/parser';

describe('source facts', () => {
  it('finds module macros that lack their semicolon, but none inside function bodies', async () => {
    const text = readText(SOURCE_FIXTURES.noSemicolons);
    const facts = await factsOf(text);
    assert.deepEqual(
      facts.macros.map((m) => [m.name, m.args.map((a) => a.text)]),
      [
        ['module_init', ['nosemi_init']],
        ['module_exit', ['nosemi_exit']],
        ['MODULE_LICENSE', ['DRV_LICENSE']],
        ['MODULE_AUTHOR', ['"A, B (and C)"']],
      ],
    );
    for (const macro of facts.macros) assert.equal(text.slice(macro.nameStart, macro.nameEnd), macro.name);
    assert.deepEqual(
      facts.functions.map((f) => [f.name, f.isStatic]),
      [
        ['nosemi_init', true],
        ['nosemi_exit', true],
      ],
    );
    assert.deepEqual(
      facts.includes.map((i) => [i.path, i.system]),
      [
        ['linux/module.h', true],
        ['local.h', false],
      ],
    );
    const define = '#define DRV_LICENSE "Dual BSD/GPL"';
    assert.deepEqual(facts.defines, [
      {
        name: 'DRV_LICENSE',
        value: '"Dual BSD/GPL"',
        start: text.indexOf(define),
        end: text.indexOf(define) + define.length + 1,
      },
    ]);
    assert.equal(facts.spdxLicense, 'GPL-2.0 OR BSD-3-Clause');
  });

  it('finds macros in every branch of #if/#ifdef', async () => {
    const facts = await factsOf(readText(SOURCE_FIXTURES.conditional));
    assert.deepEqual(
      facts.macros.map((m) => m.name),
      ['module_init', 'late_initcall', 'module_exit', 'MODULE_LICENSE'],
    );
  });

  it('reads functions whose annotations were blanked, with their real names', async () => {
    const facts = await factsOf(readText(SOURCE_FIXTURES.annotations));
    assert.deepEqual(
      facts.functions.map((f) => f.name),
      ['annot_init', 'annot_exit'],
    );
  });

  it('survives broken C and empty text', async () => {
    const broken = await factsOf('module_init(foo\nstatic int }{ (( "unterminated\nMODULE_LICENSE("GPL");');
    assert.ok(broken.macros.some((m) => m.name === 'MODULE_LICENSE'));
    const empty = await factsOf('');
    assert.deepEqual(empty.macros, []);
  });
});

describe('lone-file module model', () => {
  it('reads the licence from a literal, a concatenation or a #define', async () => {
    assert.equal((await moduleOf('MODULE_LICENSE("GPL");')).licenses[0]?.value, 'GPL');
    assert.equal((await moduleOf(readText(SOURCE_FIXTURES.conditional))).licenses[0]?.value, 'GPL v2');
    assert.equal((await moduleOf(readText(SOURCE_FIXTURES.noSemicolons))).licenses[0]?.value, 'Dual BSD/GPL');
  });

  it('counts driver wrappers as both init and exit', async () => {
    const module = await moduleOf(readText(SOURCE_FIXTURES.driverWrapper), '/x/driver-wrapper.c');
    assert.equal(module.name, 'driver-wrapper');
    assert.equal(module.isModule, true);
    assert.deepEqual([module.inits.length, module.exits.length], [1, 1]);
  });

  it('knows the names tracepoint and static-call exports make', async () => {
    const module = await moduleOf('EXPORT_TRACEPOINT_SYMBOL_GPL(demo_event);\nEXPORT_STATIC_CALL(demo_call);\n');
    assert.deepEqual(
      module.exports.map((e) => [e.name, e.gplOnly]),
      [
        ['__tracepoint_demo_event', true],
        ['__traceiter_demo_event', true],
        ['__SCK__tp_func_demo_event', true],
        ['__SCT__tp_func_demo_event', true],
        ['__SCK__demo_call', false],
        ['__SCT__demo_call', false],
      ],
    );
  });

  it('does not take exports and parameters alone for a module', async () => {
    assert.equal((await moduleOf(readText(SOURCE_FIXTURES.notAModule))).isModule, false);
  });
});
