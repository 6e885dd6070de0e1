import { strict as assert } from 'node:assert';
import { parseKernelConfig } from '../../server/src/kernel/kbuild/kernelConfig';
import { falseUnder } from '../../server/src/kernel/model/configConditions';

describe('conditions gcc folds to false under a .config', () => {
  const config = parseKernelConfig('CONFIG_ON=y\nCONFIG_MOD=m\n# CONFIG_OFF is not set\n');
  const stubs = new Set(['ubifs_authenticated']);
  const alwaysFalse = (name: string) => stubs.has(name);

  it('a failing config test, a literal false, or a stub returning false, as any && operand', () => {
    assert.ok(falseUnder('(IS_ENABLED(CONFIG_OFF) && have_simd())', config));
    assert.ok(falseUnder('(IS_ENABLED(CONFIG_OFF)) && c->authenticated', config));
    assert.ok(falseUnder('!IS_ENABLED(CONFIG_MOD)', config));
    assert.ok(falseUnder('(0)', config));
    assert.ok(falseUnder('NULL', config));
    assert.ok(falseUnder('(ubifs_authenticated(c))', config, alwaysFalse));
    assert.ok(falseUnder('ret == 0 && (IS_BUILTIN(CONFIG_MOD) && x)', config));
  });

  it('nothing else: ||, ?:, a negated stub, a true test, an unknown config, an unwrapped call with more after it', () => {
    assert.ok(!falseUnder('IS_ENABLED(CONFIG_OFF) || x', config));
    assert.ok(!falseUnder('IS_ENABLED(CONFIG_OFF) ? a : b', config));
    assert.ok(!falseUnder('!ubifs_authenticated(c)', config, alwaysFalse));
    assert.ok(!falseUnder('IS_ENABLED(CONFIG_MOD)', config));
    assert.ok(!falseUnder('IS_ENABLED(CONFIG_OFF)', undefined));
    assert.ok(!falseUnder('ubifs_authenticated(c) + 1', config, alwaysFalse));
    assert.ok(!falseUnder('(a) && (b)', config));
  });
});
