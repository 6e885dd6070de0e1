import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { moduleFromKo } from '../../../server/src/kernel/simulator/koModule';
import type { LoadableParameter } from '../../../server/src/kernel/simulator/loadableModule';
import {
  getParameter,
  initialValues,
  nextArg,
  parseModuleArgs,
  setParameter,
} from '../../../server/src/kernel/simulator/params';
import { dmesg, FIXTURES, sh, testMachine } from './helpers';

const param = (p: Partial<LoadableParameter> & Pick<LoadableParameter, 'name' | 'type'>): LoadableParameter => ({
  perm: 0o644,
  initial: [],
  from: 'source',
  ...p,
});
const value = (p: LoadableParameter) => initialValues([p]).get(p.name)!;

describe('simulator: kernel/params.c', () => {
  it('next_arg: name=value, a bare name, double quotes around the value or the whole argument', () => {
    assert.deepEqual(nextArg('count=5 name=x'), { param: 'count', val: '5', rest: 'name=x' });
    assert.deepEqual(nextArg('loud'), { param: 'loud', val: undefined, rest: '' });
    assert.deepEqual(nextArg('name="a b" count=-3'), { param: 'name', val: 'a b', rest: 'count=-3' });
    assert.deepEqual(nextArg('"name=a b"   x=1'), { param: 'name', val: 'a b', rest: 'x=1' });
    assert.deepEqual(nextArg('=5'), { param: '=5', val: undefined, rest: '' });
  });

  it('integers: base 0 (0x, leading 0), one trailing newline, ranges per type (ERANGE)', () => {
    const cases: [LoadableParameter['type'], string, number, string?][] = [
      ['int', '42', 0, '42'],
      ['int', '0x10', 0, '16'],
      ['int', '010', 0, '8'],
      ['int', '-3', 0, '-3'],
      ['int', '+7', 0, '7'],
      ['int', '5\n', 0, '5'],
      ['int', 'abc', 22],
      ['int', '', 22],
      ['int', '5 ', 22],
      ['int', '2147483648', 34],
      ['int', '-2147483648', 0, '-2147483648'],
      ['uint', '-1', 22],
      ['uint', '4294967295', 0, '4294967295'],
      ['byte', '256', 34],
      ['short', '70000', 34],
      ['ushort', '65535', 0, '65535'],
      ['long', '-9223372036854775808', 0, '-9223372036854775808'],
      ['ulong', '18446744073709551615', 0, '18446744073709551615'],
      ['ullong', '18446744073709551616', 34],
      ['hexint', '255', 0, '0x0000ff'],
      ['hexint', '0', 0, '00000000'],
    ];
    for (const [type, text, errno, shown] of cases) {
      const v = value(param({ name: 'p', type }));
      const r = setParameter(v, text);
      assert.equal(r.errno, errno, `${type} ${JSON.stringify(text)}`);
      if (shown !== undefined) assert.equal(getParameter(v), `${shown}\n`, `${type} ${JSON.stringify(text)}`);
    }
  });

  it('bool, invbool: y/Y/1/n/N/0/on/off, and no value means true; anything else EINVAL', () => {
    const b = value(param({ name: 'b', type: 'bool' }));
    assert.equal(getParameter(b), 'N\n');
    for (const [text, shown] of [
      ['y', 'Y'],
      ['0', 'N'],
      ['on', 'Y'],
      ['off', 'N'],
      ['Yes', 'Y'],
      [undefined, 'Y'],
    ] as const) {
      assert.equal(setParameter(b, text).errno, 0);
      assert.equal(getParameter(b), `${shown}\n`);
    }
    assert.equal(setParameter(b, 'maybe').errno, 22);
  });

  it('invbool reads back as it was written (set stores the inverse, get prints the inverse of what is stored)', () => {
    const inv = value(param({ name: 'i', type: 'invbool' }));
    assert.equal(getParameter(inv), 'Y\n'); // a zeroed bool: stored false, printed !false
    for (const [text, shown] of [
      ['1', 'Y'],
      ['n', 'N'],
      ['on', 'Y'],
      ['0', 'N'],
      [undefined, 'Y'],
    ] as const) {
      assert.equal(setParameter(inv, text).errno, 0);
      assert.equal(getParameter(inv), `${shown}\n`, String(text));
    }
    assert.equal(setParameter(inv, '2').errno, 22);
    assert.equal(getParameter(inv), 'Y\n');
  });

  it('charp arrays: a NULL element prints (null); without a count variable get() prints all max elements', () => {
    const fixed = value(param({ name: 'names', type: 'charp', array: { max: 3, count: 3, fixed: true } }));
    assert.equal(getParameter(fixed), '(null),(null),(null)\n');
    assert.equal(setParameter(fixed, 'x').errno, 0);
    assert.equal(getParameter(fixed), 'x,(null),(null)\n');
    assert.equal(setParameter(fixed, ',').errno, 0);
    assert.equal(getParameter(fixed), ',,(null)\n');
    // allparams.ko (built by kbuild): static char *p_names[2]; module_param_array(p_names, charp, NULL, 0444);
    const file = path.join(FIXTURES, 'vm/scenarios/extended/modules/allparams.ko');
    const module = moduleFromKo(new Uint8Array(readFileSync(file)), file);
    const values = initialValues(module.parameters);
    assert.equal(getParameter(values.get('p_names')!), '(null),(null)\n');
    assert.equal(getParameter(values.get('p_ints')!), '1,2,3\n');
    assert.equal(getParameter(values.get('p_invbool')!), 'Y\n');
    assert.equal(setParameter(values.get('p_names')!, 'only').errno, 0);
    assert.equal(getParameter(values.get('p_names')!), 'only,(null)\n');
    const counted = value(param({ name: 'ports', type: 'int', array: { max: 3, count: 0 } }));
    assert.equal(getParameter(counted), '\n');
    assert.equal(setParameter(counted, '4').errno, 0);
    assert.equal(getParameter(counted), '4\n');
  });

  it('charp keeps what it is given (a newline too), at most 1024 characters; string fits its buffer or ENOSPC', () => {
    const c = value(param({ name: 'c', type: 'charp' }));
    assert.equal(getParameter(c), '(null)\n');
    setParameter(c, 'other\n');
    assert.equal(getParameter(c), 'other\n\n');
    assert.equal(setParameter(c, 'x'.repeat(1025)).errno, 28);
    const s = value(param({ name: 'tag', type: 'string', maxLength: 16, initial: ['demo'] }));
    const r = setParameter(s, 'abcdefghijklmnopqrstuvwxyz');
    assert.equal(r.errno, 28);
    assert.deepEqual(r.messages, [{ level: 3, text: "tag: string doesn't fit in 15 chars." }]);
    assert.equal(getParameter(s), 'demo\n');
  });

  it('arrays: comma-separated up to max, the count follows; too many is EINVAL with "can only take"', () => {
    const a = value(param({ name: 'ports', type: 'int', array: { max: 4, count: 2 }, initial: ['10', '20'] }));
    assert.equal(getParameter(a), '10,20\n');
    assert.equal(setParameter(a, '7,8,9').errno, 0);
    assert.equal(getParameter(a), '7,8,9\n');
    const r = setParameter(a, '1,2,3,4,5');
    assert.equal(r.errno, 22);
    assert.deepEqual(r.messages, [{ level: 3, text: 'ports: can only take 4 arguments' }]);
    assert.equal(setParameter(a, '1,x').errno, 22);
  });

  it('parse_args: every argument is tried, the last error wins, unknown ones are warned about, `-` equals `_`', () => {
    const values = initialValues([
      param({ name: 'count', type: 'int', initial: ['1'] }),
      param({ name: 'debug_level', type: 'short', initial: ['-1'] }),
      param({ name: 'ports', type: 'int', array: { max: 2, count: 0 } }),
    ]);
    const r = parseModuleArgs('m', 'count=abc debug-level=3 bogus=1 ports=1,2,3 dyndbg=+p', values);
    assert.equal(r.errno, 22);
    assert.deepEqual(
      r.messages.map((m) => `<${m.level}>${m.text}`),
      [
        "<3>m: `abc' invalid for parameter `count'",
        "<4>m: unknown parameter 'bogus' ignored",
        '<3>ports: can only take 2 arguments',
        "<3>m: `1' invalid for parameter `ports'",
      ],
    );
    assert.equal(getParameter(values.get('debug_level')!), '3\n');
    assert.deepEqual(
      parseModuleArgs('m', 'count', values).messages.map((m) => m.text),
      ["m: `' invalid for parameter `count'"],
    );
    assert.deepEqual(
      parseModuleArgs('m', 'count=2 -- x y', values).messages.map((m) => m.text),
      ["m: parameters 'x y' after `--' ignored"],
    );
  });

  it('insmod with parameters, sysfs files with the modes of the .ko: rw is writable, ro is refused at open', () => {
    const machine = testMachine();
    assert.equal(sh(machine, 'insmod /mods/params.ko count=2 \'name="a b"\' ports=7,8,9 tag=abc').exit, 0);
    assert.deepEqual(dmesg(machine).slice(2), []);
    const cat = (p: string) => sh(machine, `cat /sys/module/params/parameters/${p}`).stdout;
    assert.equal(cat('count'), '2\n');
    assert.equal(cat('name'), 'a b\n');
    assert.equal(cat('ports'), '7,8,9\n');
    assert.equal(cat('tag'), 'abc\n');
    assert.equal(cat('delay_ms'), '100\n');
    assert.equal(cat('debug_level'), '-1\n');
    assert.equal(cat('loud'), 'N\n');
    assert.deepEqual(sh(machine, 'echo 42 > /sys/module/params/parameters/count'), { stdout: '', stderr: '', exit: 0 });
    assert.equal(
      sh(machine, 'echo notanumber > /sys/module/params/parameters/count').stderr,
      'sh: write error: Invalid argument\n',
    );
    assert.equal(
      sh(machine, 'echo other > /sys/module/params/parameters/name').stderr,
      "sh: can't create /sys/module/params/parameters/name: Permission denied\n",
    );
    assert.equal(
      sh(machine, 'echo 70000 > /sys/module/params/parameters/debug_level').stderr,
      'sh: write error: Numerical result out of range\n',
    );
    assert.equal(cat('count'), '42\n');
  });

  it('insmod: the errno of the last bad parameter decides what insmod says', () => {
    const machine = testMachine();
    const says = (args: string) => sh(machine, `insmod /mods/params.ko ${args}`).stderr;
    assert.equal(
      says('tag=abcdefghijklmnopqrstuvwxyz'),
      'insmod: ERROR: could not insert module /mods/params.ko: No space left on device\n',
    );
    assert.equal(
      says('debug_level=70000'),
      'insmod: ERROR: could not insert module /mods/params.ko: Numerical result out of range\n',
    );
    assert.equal(says('loud=maybe'), 'insmod: ERROR: could not insert module /mods/params.ko: Invalid parameters\n');
    assert.equal(sh(machine, 'cat /proc/modules').stdout, '');
  });
});
