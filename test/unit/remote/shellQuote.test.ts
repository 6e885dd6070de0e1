import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import {
  moduleParameterWord,
  moduleParameterWords,
  shellCommand,
  shellQuote,
  checkModuleName,
} from '../../../server/src/kernel/remote/shellQuote';
import { RemoteError } from '../../../server/src/kernel/remote/remoteError';
import { nextArg } from '../../../server/src/kernel/simulator/params';
import {
  insmodCommand,
  modprobeCommand,
  rmmodCommand,
  DEFAULT_TOOLS,
} from '../../../server/src/kernel/remote/moduleOperations';

/** What `sh` makes of a command line: its argv, one per line (printf '%s\0'). */
function argvOf(line: string): string[] {
  const r = spawnSync('sh', ['-c', `set -- ${line}; for a in "$@"; do printf '%s\\0' "$a"; done`], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\0').slice(0, -1);
}

/** The kernel's view of the arguments insmod joins with spaces (kernel/params.c's next_arg). */
function kernelArgs(words: readonly string[]): [string, string | undefined][] {
  const out: [string, string | undefined][] = [];
  let rest = words.join(' ');
  while (rest !== '') {
    const a = nextArg(rest);
    out.push([a.param, a.val]);
    rest = a.rest;
  }
  return out;
}

const HOSTILE = [
  '',
  'plain',
  'two words',
  "it's",
  `it's "quoted"`,
  '$(touch /tmp/pwned)',
  '`id`',
  'x; rm -rf /',
  "'; touch /tmp/pwned; '",
  'a|b&c>d<e',
  '\\back\\slash*?[x]~',
  '$HOME ${PATH}',
  'tab\there',
  '!history',
  '"leading quote only at start',
  'ünïcödé',
];

describe('remote: shell quoting', () => {
  for (const word of HOSTILE) {
    it(`sh receives ${JSON.stringify(word)} as one word, unchanged`, () => {
      assert.deepEqual(argvOf(shellQuote(word)), [word]);
    });
  }

  it('plain words are left as they are', () => {
    assert.equal(shellQuote('/tmp/lkm-remote/hello.ko'), '/tmp/lkm-remote/hello.ko');
    assert.equal(shellQuote('count=3'), 'count=3');
    assert.equal(shellCommand(['insmod', 'a b']), "insmod 'a b'");
  });
});

describe('remote: module parameters as the kernel parses them', () => {
  for (const value of HOSTILE.filter((v) => !v.startsWith('"leading'))) {
    it(`name=${JSON.stringify(value)}: sh, then insmod's join, then next_arg give back exactly the value`, () => {
      const words = [moduleParameterWord('name', value), moduleParameterWord('count', '3')];
      const argv = argvOf(shellCommand(words));
      assert.deepEqual(kernelArgs(argv), [
        ['name', value],
        ['count', '3'],
      ]);
    });
  }

  it('a bare name is a bool set to true', () => {
    assert.equal(moduleParameterWord('loud', undefined), 'loud');
  });

  it('values with blanks are double-quoted for the kernel', () => {
    assert.equal(moduleParameterWord('tag', 'a b'), 'tag="a b"');
  });

  for (const value of ['say "a b', 'ends with a quote"', 'a "b c" d"']) {
    it(`refuses ${JSON.stringify(value)}: the kernel could not receive it unchanged`, () => {
      assert.throws(
        () => moduleParameterWord('name', value),
        (e: unknown) => e instanceof RemoteError && e.code === 'bad-parameter',
      );
    });
  }

  it('refuses names that are not parameter names', () => {
    for (const name of ['', 'a b', 'x;id', '$(id)', 'a=b']) {
      assert.throws(
        () => moduleParameterWord(name, '1'),
        (e: unknown) => e instanceof RemoteError && e.code === 'bad-parameter',
      );
    }
    assert.throws(() => checkModuleName('-f'), RemoteError);
    assert.throws(() => checkModuleName('../x'), RemoteError);
  });

  it('pairs keep their order; records too', () => {
    assert.deepEqual(
      moduleParameterWords([
        ['b', '1'],
        ['a', 'x y'],
      ]),
      ['b=1', 'a="x y"'],
    );
    assert.deepEqual(moduleParameterWords({ b: '1', a: undefined }), ['b=1', 'a']);
  });

  it('the command lines of insmod, rmmod, modprobe', () => {
    assert.equal(insmodCommand(DEFAULT_TOOLS, '/tmp/x.ko', { name: '$(id)' }), `insmod /tmp/x.ko 'name=$(id)'`);
    assert.equal(rmmodCommand(DEFAULT_TOOLS, 'hello', { force: true }), 'rmmod -f hello');
    assert.equal(
      modprobeCommand(DEFAULT_TOOLS, 'params', { parameters: { name: 'a b' } }),
      `modprobe params 'name="a b"'`,
    );
    assert.equal(
      modprobeCommand(DEFAULT_TOOLS, 'params', { remove: true, parameters: { x: '1' } }),
      'modprobe -r params',
    );
  });
});
