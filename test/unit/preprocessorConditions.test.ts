import { strict as assert } from 'node:assert';
import { parseKernelConfig } from '../../server/src/kernel/kbuild/kernelConfig';
import { compiledUnder, evaluateCondition } from '../../server/src/kernel/model/preprocessorConditions';
import { factsOf } from '../support/parser';

const config = parseKernelConfig(
  ['CONFIG_YES=y', 'CONFIG_MOD=m', '# CONFIG_NO is not set', 'CONFIG_HZ=250', 'CONFIG_NAME="x"'].join('\n'),
);

describe('#if conditions against a kernel .config', () => {
  const cases: [string, boolean | undefined][] = [
    ['defined(CONFIG_YES)', true],
    ['defined CONFIG_MOD', false],
    ['defined(CONFIG_MOD_MODULE)', true],
    ['IS_ENABLED(CONFIG_MOD)', true],
    ['IS_BUILTIN(CONFIG_MOD)', false],
    ['IS_MODULE(CONFIG_MOD)', true],
    ['IS_REACHABLE(CONFIG_NO)', false],
    ['!IS_ENABLED(CONFIG_NO) && defined(MODULE)', true],
    ['CONFIG_HZ >= 100', true],
    ['CONFIG_YES || SOMETHING_UNKNOWN', true],
    ['CONFIG_NO && SOMETHING_UNKNOWN', false],
    ['SOMETHING_UNKNOWN', undefined],
    ['LINUX_VERSION_CODE >= KERNEL_VERSION(5, 0, 0)', undefined],
    ['(CONFIG_YES', undefined],
  ];
  for (const [expression, expected] of cases) {
    it(`${expression} → ${String(expected)}`, () => assert.equal(evaluateCondition(expression, config), expected));
  }

  it('takes the first branch of a chain that holds, and skips the rest', async () => {
    const facts = await factsOf(
      '#ifdef CONFIG_NO\nmodule_init(a);\n#elif IS_ENABLED(CONFIG_MOD)\nmodule_init(b);\n#else\nmodule_init(c);\n#endif\n',
    );
    assert.deepEqual(
      facts.macros.map((m) => [m.args[0]!.text, compiledUnder(m.branches, facts.branches, config)]),
      [
        ['a', false],
        ['b', true],
        ['c', false],
      ],
    );
  });
});
