import { strict as assert } from 'node:assert';
import { hashSuperfast, KmodHash } from '../../../server/src/kernel/simulator/kmodHash';

describe("simulator: kmod 30's hash table (the orders depmod writes)", () => {
  it('hash_superfast: every tail length (0–3 bytes after the 4-byte blocks)', () => {
    // Values printed by kmod 30's shared/hash.c hash_superfast, compiled with gcc on x86-64.
    const reference: [string, number][] = [
      ['a', 291415938],
      ['ab', 1366002500],
      ['abc', 3535673738],
      ['abcd', 3671636187],
      ['abcde', 1374488366],
      ['abcdefghi', 1867964632],
      ['hello_soft', 729814767],
      ['ns_consumer', 1950217285],
      ['\u00e9', 3304826196], // a signed char in the tail
      ['x\u00e9', 3923720145],
    ];
    for (const [key, value] of reference) assert.equal(hashSuperfast(key), value, key);
    const names = ['hello', 'noexit', 'provider', 'propok', 'consumer', 'enodev', 'params'];
    const table = new KmodHash<string>(512);
    for (const n of [...names].sort()) table.add(n, n);
    // The order real depmod (kmod 30) wrote modules.dep in, on Debian's 6.1 (test/fixtures/vm/golden/reference.txt).
    assert.deepEqual(
      [...table.entries()].map(([k]) => k),
      ['hello', 'noexit', 'provider', 'propok', 'consumer', 'enodev', 'params'],
    );
  });

  it('the walk of extended/modules: the order of `ls extra` does not matter, the hash does', () => {
    const names = [
      'alias_mod',
      'allparams',
      'chain_a',
      'chain_b',
      'chain_c',
      'dup_a',
      'forceme',
      'hello_soft',
      'ns_consumer',
      'ns_provider',
      'posinit',
    ];
    const forward = new KmodHash<number>(512);
    const backward = new KmodHash<number>(512);
    names.forEach((n, i) => forward.add(n, i));
    [...names].reverse().forEach((n, i) => backward.add(n, i));
    const order = [...forward.entries()].map(([k]) => k);
    assert.deepEqual(
      order,
      [...backward.entries()].map(([k]) => k),
    );
    assert.deepEqual(order, [
      'ns_consumer',
      'chain_a',
      'hello_soft',
      'allparams',
      'forceme',
      'ns_provider',
      'chain_c',
      'chain_b',
      'alias_mod',
      'dup_a',
      'posinit',
    ]);
  });

  it('hash_add replaces the value of a key added again (a symbol exported twice belongs to the later module)', () => {
    const t = new KmodHash<string>(2048);
    t.add('dup_sym', 'dup_a');
    t.add('dup_sym', 'dup_b');
    assert.equal(t.find('dup_sym'), 'dup_b');
    assert.equal([...t.entries()].length, 1);
    assert.equal(t.addUnique('dup_sym', 'x'), false);
  });
});
