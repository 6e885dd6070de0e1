import { strict as assert } from 'node:assert';
import { type KbuildFile, parseKbuild } from '../../server/src/kernel/kbuild/kbuildFile';
import { parseKernelConfig } from '../../server/src/kernel/kbuild/kernelConfig';

/** Deterministic pseudo-random bytes (xorshift), so a failure can be reproduced. */
function pseudoRandomText(length: number, seed = 0x2545f491): string {
  let state = seed;
  const codes = new Uint16Array(length);
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    codes[i] = (state >>> 0) % 256;
  }
  return new TextDecoder('latin1').decode(new Uint8Array(codes));
}

/**
 * Parses with and without a config. A quadratic slip shows as mocha's timeout, not as a
 * wall-clock assertion that a loaded machine would fail.
 */
function parseBoth(text: string): [KbuildFile, KbuildFile] {
  return [parseKbuild(text), parseKbuild(text, parseKernelConfig('CONFIG_A=y\nCONFIG_M=m\n'))];
}

const names = (file: KbuildFile) => file.modules.map((m) => m.objectName);

describe('parseKbuild on garbage', () => {
  it('reads binary data without throwing', () => {
    for (const file of parseBoth(pseudoRandomText(1_000_000))) {
      assert.ok(Array.isArray(file.modules));
    }
    const withNul = 'obj-m += a.o\0b.o\n\0\0\nobj-m += c.o\n';
    assert.deepEqual(names(parseBoth(withNul)[0]), ['a.o\0b', 'c']);
  });

  it('ends an unterminated continuation at the end of the text', () => {
    for (const file of parseBoth('obj-m += a.o \\\n  b.o \\')) assert.deepEqual(names(file), ['a', 'b']);
    for (const file of parseBoth('obj-m += a.o\nfoo-y := x.o \\')) assert.deepEqual(names(file), ['a']);
  });

  it('reads an enormous line', () => {
    const [loose] = parseBoth(`obj-m += ${'same.o '.repeat(300_000)}last.o\n`);
    assert.deepEqual(names(loose), ['same', 'last']);
    const [many] = parseBoth(`obj-m += ${Array.from({ length: 30_000 }, (_, i) => `m${i}.o`).join(' ')}\n`);
    assert.equal(many.modules.length, 30_000);
    assert.equal(many.modules[29_999]!.moduleName, 'm29999');
  });

  it('reads many lines', () => {
    const [loose, strict] = parseBoth('obj-$(CONFIG_M) += a.o\nfoo-$(CONFIG_X) += b.o\n'.repeat(30_000));
    assert.deepEqual(names(loose), ['a']);
    assert.deepEqual(
      strict.modules.map((m) => [m.objectName, m.config]),
      [['a', 'CONFIG_M']],
    );
  });

  it('stops recursive and self-referencing variables and reads on', () => {
    const text =
      'A = $(B)\nB = $(A)\nobj-m += $(A) x.o\nSELF = $(SELF) s.o\nobj-m += $(SELF) y.o\nifeq ($(A),y)\nobj-m += z.o\nendif\n';
    // make stops with "Recursive variable references itself"; here the cycle is cut and the rest kept.
    for (const file of parseBoth(text)) assert.deepEqual(names(file), ['x', 's', 'y', 'z']);
  });

  it('gives up on exponential expansions and still reads the plain lines', () => {
    let text = 'A0 = x.o\n';
    for (let i = 1; i < 64; i++) text += `A${i} = $(A${i - 1}) $(A${i - 1})\n`;
    text += 'obj-m += $(A63)\nobj-m += after.o\n';
    for (const file of parseBoth(text)) assert.deepEqual(names(file), ['after']);
    const foreach = `L := ${'w '.repeat(2000)}\nobj-m += $(foreach a,$(L),$(foreach b,$(L),$(foreach c,$(L),$(a)$(b)$(c).o)))\nobj-m += ok.o\n`;
    for (const file of parseBoth(foreach)) assert.deepEqual(names(file), ['ok']);
  });

  it('reads deeply nested and unclosed references', () => {
    const nested = `obj-m += ${'$('.repeat(100_000)}x${')'.repeat(100_000)} k.o\nobj-m += after.o\n`;
    for (const file of parseBoth(nested)) assert.deepEqual(names(file), ['after']);
    const unclosed = `obj-m += k.o ${'$('.repeat(100_000)}\nobj-m += after.o\n`;
    for (const file of parseBoth(unclosed)) assert.deepEqual(names(file), ['k', 'after']);
    const braces = 'obj-m += ${A k.o\nobj-m += b.o $}.o $(}.o c.o\n';
    for (const file of parseBoth(braces)) assert.deepEqual(names(file), ['b']);
  });

  it('reads long runs of comments, escapes, colons and backslashes', () => {
    for (const file of parseBoth(`${'#'.repeat(500_000)}\nobj-m += h.o\n${'\\#'.repeat(200_000)}\n`)) {
      assert.deepEqual(names(file), ['h']);
    }
    for (const file of parseBoth(`${':'.repeat(500_000)}\nobj-m += c.o\n${'='.repeat(500_000)}\n`)) {
      assert.deepEqual(names(file), ['c']);
    }
    for (const file of parseBoth(`${'\\'.repeat(500_001)}\nobj-m += b.o\n${'\\'.repeat(500_000)}\nobj-m += d.o\n`)) {
      assert.deepEqual(names(file), ['d']);
    }
  });

  it('reads deep and unbalanced conditionals', () => {
    const deep = `${'ifdef CONFIG_A\n'.repeat(50_000)}obj-m += deep.o\n${'endif\n'.repeat(60_000)}obj-m += out.o\n`;
    for (const file of parseBoth(deep)) assert.deepEqual(names(file), ['deep', 'out']);
    const elses = `ifdef CONFIG_A\nobj-m += a.o\n${'else\n'.repeat(10_000)}obj-m += e.o\n`;
    // make allows one else per conditional: the first one ends the undecided chain, later ones are never taken.
    for (const file of parseBoth(elses)) assert.deepEqual(names(file), ['a']);
  });

  it('reads a .config made of garbage', () => {
    const config = parseKernelConfig(`${pseudoRandomText(200_000)}\nCONFIG_OK=y\nCONFIG_STR="unterminated\n`);
    assert.equal(config.value('CONFIG_OK'), 'y');
    assert.equal(config.value('CONFIG_STR'), '"unterminated');
  });
});
