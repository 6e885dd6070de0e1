import { strict as assert } from 'node:assert';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { assemblyWords, unreadMembers } from '../../server/src/kernel/analysis/assemblyMembers';
import { SYMBOL_CHECK_FIXTURES } from '../support/fixtures';

const DIR = path.join(SYMBOL_CHECK_FIXTURES, 'assembly');
const read = (file: string): Promise<string | undefined> => fs.readFile(file, 'utf8').catch(() => undefined);

describe('assembly members of a module', () => {
  it('lists the members without a .c source, as paths beside the Kbuild file', () => {
    const kbuild = {
      kbuildPath: path.join(DIR, 'Makefile'),
      sources: [path.join(DIR, 'lkmtest_glue.c')],
      members: [{ object: 'lkmtest_glue.o' }, { object: 'lkmtest-cipher-asm.o' }],
    };
    assert.deepEqual(unreadMembers(kbuild), [path.join(DIR, 'lkmtest-cipher-asm.o')]);
  });

  it('reads the words of the assembly and the headers it includes from beside it', async () => {
    const words = await assemblyWords([path.join(DIR, 'lkmtest-cipher-asm.o')], read);
    assert.ok(words !== undefined);
    assert.ok(words.has('lkmtest_cipher_encrypt'));
    assert.ok(words.has('lkmtest_cipher_decrypt'), 'from lkmtest-cipher-regs.h');
    // Register pasting (`val##d`), a macro's local labels and `\@` define no symbol the C links to.
    assert.ok(!words.has('crypto_register_alg'));
  });

  it('gives up where global symbols are pasted, or a member has no assembly to read', async () => {
    assert.equal(await assemblyWords([path.join(DIR, 'lkmtest-pasted-asm.o')], read), undefined);
    assert.equal(await assemblyWords([path.join(DIR, 'lkmtest-generated.o')], read), undefined);
  });

  it('reads a generated member from what the build makes it from: shipped copy, perlasm, Makefile recipe', async () => {
    const shipped = await assemblyWords([path.join(DIR, 'lkmtest-regs-print.o')], read);
    assert.ok(shipped?.has('lkmtest_regs_print'));
    const perlasm = await assemblyWords([path.join(DIR, 'lkmtest-poly-asm.o')], read);
    assert.ok(perlasm !== undefined && perlasm.has('lkmtest_poly_blocks') && perlasm.has('lkmtest_poly_emit'));
    assert.ok(!perlasm.has('lkmtest_poly_blcks'));
    const recipe = await assemblyWords([path.join(DIR, 'lkmtest-certs.o')], read);
    assert.ok(recipe !== undefined && recipe.has('lkmtest_certs') && recipe.has('lkmtest_certs_len'));
    assert.ok(!recipe.has('lkmtest_cert_len'));
  });

  it('gives up on a generator that glues a variable to a global name, or a recipe reading files it cannot name', async () => {
    assert.equal(await assemblyWords([path.join(DIR, 'lkmtest-glued-asm.o')], read), undefined);
    assert.equal(await assemblyWords([path.join(DIR, 'lkmtest-keys.o')], read), undefined);
  });

  it('reads an .asn1.o member from its grammar: the decoder and the actions it names', async () => {
    const words = await assemblyWords([path.join(SYMBOL_CHECK_FIXTURES, 'asn1', 'lkmtest_keys.asn1.o')], read);
    assert.ok(words !== undefined);
    assert.ok(words.has('lkmtest_keys_decoder'));
    assert.ok(words.has('lkmtest_note_key'));
    assert.ok(!words.has('lkmtest_regiser'));
  });
});
