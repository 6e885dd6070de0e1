import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ModuleImageError, readModuleImage, type ModuleImage } from '../../server/src/kernel/elf/moduleImage';
import { REPOSITORY_ROOT } from '../support/fixtures';

const KO_DIR = path.join(REPOSITORY_ROOT, 'test/fixtures/ko');
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(path.join(KO_DIR, `${name}.ko`)));

/** A section header of a sound fixture, where it sits in the file, and what it says. */
interface Header {
  readonly index: number;
  readonly name: string;
  /** File offset of this Elf64_Shdr. */
  readonly at: number;
  readonly type: number;
  readonly offset: number;
  readonly size: number;
  readonly info: number;
}

const viewOf = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The section headers of a sound image, read independently of the reader under test. */
function headersOf(bytes: Uint8Array): Header[] {
  const view = viewOf(bytes);
  const shoff = Number(view.getBigUint64(40, true));
  const shnum = view.getUint16(60, true);
  const shstrndx = view.getUint16(62, true);
  const strings = Number(view.getBigUint64(shoff + shstrndx * 64 + 24, true));
  const headers: Header[] = [];
  for (let index = 0; index < shnum; index++) {
    const at = shoff + index * 64;
    const nameAt = strings + view.getUint32(at, true);
    headers.push({
      index,
      name: Buffer.from(bytes.subarray(nameAt, bytes.indexOf(0, nameAt))).toString('latin1'),
      at,
      type: view.getUint32(at + 4, true),
      offset: Number(view.getBigUint64(at + 24, true)),
      size: Number(view.getBigUint64(at + 32, true)),
      info: view.getUint32(at + 44, true),
    });
  }
  return headers;
}

function header(headers: readonly Header[], name: string): Header {
  const found = headers.find((h) => h.name === name);
  assert.ok(found, `no section ${name}`);
  return found;
}

/** A copy of a fixture, changed by `edit`. */
function edited(
  name: string,
  edit: (bytes: Uint8Array, view: DataView, headers: readonly Header[]) => void,
): Uint8Array {
  const bytes = fixture(name);
  edit(bytes, viewOf(bytes), headersOf(bytes));
  return bytes;
}

/** Section header field offsets inside an Elf64_Shdr. */
const SH = { name: 0, type: 4, flags: 8, addr: 16, offset: 24, size: 32, link: 40, info: 44 } as const;

function refusal(bytes: Uint8Array): ModuleImageError {
  try {
    readModuleImage(bytes);
  } catch (error) {
    assert.ok(error instanceof ModuleImageError, `not a ModuleImageError: ${String(error)}`);
    assert.equal(error.errno, 'ENOEXEC');
    assert.ok(error.message.startsWith(`${error.kernelMessage} — `), error.message);
    assert.equal(error.cause, undefined, 'an unexpected internal error was wrapped');
    return error;
  }
  assert.fail('the image was accepted');
}

const refusedWith = (bytes: Uint8Array): string => refusal(bytes).kernelMessage;

describe('ELF module images: refusals in the 6.1 loader’s words', () => {
  it('too short, not ELF, not relocatable, not x86_64', () => {
    assert.equal(refusedWith(new Uint8Array(0)), 'Invalid ELF header len 0');
    assert.equal(refusedWith(fixture('hello').subarray(0, 63)), 'Invalid ELF header len 63');
    assert.equal(
      refusedWith(new TextEncoder().encode('#include <linux/module.h>\n'.repeat(4))),
      'Invalid ELF header magic: != \\x7fELF',
    );
    assert.equal(
      refusedWith(edited('hello', (_, view) => view.setUint16(16, 2, true))),
      'Invalid ELF header type: 2 != 1',
    );
    assert.equal(
      refusedWith(edited('hello', (_, view) => view.setUint16(16, 3, true))),
      'Invalid ELF header type: 3 != 1',
    );
    const arm64 = refusal(edited('hello', (_, view) => view.setUint16(18, 183, true)));
    assert.equal(arm64.kernelMessage, 'Invalid architecture in ELF header: 183');
    assert.match(arm64.message, /AArch64/);
  });

  it('32-bit and big-endian objects', () => {
    // An ELF32 i386 relocatable header (as `as --32` writes it): the kernel stops at the machine.
    const i386 = new Uint8Array(64);
    i386.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
    viewOf(i386).setUint16(16, 1, true);
    viewOf(i386).setUint16(18, 3, true);
    viewOf(i386).setUint16(46, 40, true);
    assert.equal(refusedWith(i386), 'Invalid architecture in ELF header: 3');
    // The same header for x32 (ELF32, EM_X86_64): read as ELF64, e_shentsize is not 64.
    const x32 = i386.slice();
    viewOf(x32).setUint16(18, 62, true);
    const x32Refusal = refusal(x32);
    assert.equal(x32Refusal.kernelMessage, 'Invalid ELF section header size');
    assert.match(x32Refusal.message, /32-bit/);
    // A big-endian header: the kernel reads e_type as little endian, 0x0100.
    const bigEndian = edited('hello', (bytes, view) => {
      bytes[5] = 2;
      view.setUint16(16, 1, false);
    });
    assert.equal(refusedWith(bigEndian), 'Invalid ELF header type: 256 != 1');
    // Only e_ident says 32-bit or big endian: the kernel would not notice, the reader refuses plainly.
    const class32 = refusal(edited('hello', (bytes) => (bytes[4] = 1)));
    assert.equal(class32.kernelMessage, 'Invalid module format');
    assert.match(class32.message, /class is 1/);
    const msb = refusal(edited('hello', (bytes) => (bytes[5] = 2)));
    assert.equal(msb.kernelMessage, 'Invalid module format');
    assert.match(msb.message, /data encoding is 2/);
  });

  it('section header table: entry size, overflow, name table index', () => {
    assert.equal(
      refusedWith(edited('provider', (_, v) => v.setUint16(58, 40, true))),
      'Invalid ELF section header size',
    );
    const overflow = 'Invalid ELF section header overflow';
    assert.equal(refusedWith(edited('provider', (_, v) => v.setUint16(60, 0xffff, true))), overflow);
    assert.equal(refusedWith(edited('provider', (b, v) => v.setBigUint64(40, BigInt(b.length), true))), overflow);
    assert.equal(refusedWith(edited('provider', (_, v) => v.setBigUint64(40, 2n ** 64n - 1n, true))), overflow);
    const provider = fixture('provider');
    assert.equal(refusedWith(provider.subarray(0, provider.length - 1)), overflow, 'the last header cut short');
    assert.equal(
      refusedWith(edited('provider', (_, v) => v.setUint16(62, 0, true))),
      'Invalid ELF section name index: 0 || e_shstrndx (0) >= e_shnum (52)',
    );
    assert.equal(
      refusedWith(edited('provider', (_, v) => v.setUint16(62, 52, true))),
      'Invalid ELF section name index: 52 || e_shstrndx (52) >= e_shnum (52)',
    );
  });

  it('section name table: outside the file, empty, not NUL-terminated', () => {
    const at = (headers: readonly Header[]): number => header(headers, '.shstrtab').at;
    assert.equal(
      refusedWith(edited('provider', (_, v, h) => v.setBigUint64(at(h) + SH.offset, 2n ** 63n, true))),
      'Invalid ELF section hdr(type 3)',
    );
    assert.equal(
      refusedWith(edited('provider', (_, v, h) => v.setBigUint64(at(h) + SH.size, 0n, true))),
      'empty section name table',
    );
    const unterminated = edited('provider', (bytes, _, h) => {
      const strings = header(h, '.shstrtab');
      bytes[strings.offset + strings.size - 1] = 0x41;
    });
    assert.equal(refusedWith(unterminated), "ELF Spec violation: section name table isn't null terminated");
  });

  it('section 0, symbol table link, sections past the end, names of allocated sections', () => {
    assert.equal(
      refusedWith(edited('provider', (_, v, h) => v.setUint32(h[0]!.at + SH.type, 1, true))),
      'ELF Spec violation: section 0 type(1)!=SH_NULL or non-zero len or addr',
    );
    assert.equal(
      refusedWith(edited('provider', (_, v, h) => v.setUint32(h[0]!.at + SH.type, 0xffffffff, true))),
      'ELF Spec violation: section 0 type(-1)!=SH_NULL or non-zero len or addr',
      'printed with %d, as the kernel does',
    );
    assert.equal(
      refusedWith(edited('provider', (_, v, h) => v.setBigUint64(h[0]!.at + SH.size, 1n, true))),
      'ELF Spec violation: section 0 type(0)!=SH_NULL or non-zero len or addr',
    );
    assert.equal(
      refusedWith(edited('provider', (_, v, h) => v.setUint32(header(h, '.symtab').at + SH.link, 0, true))),
      'Invalid ELF sh_link!=SHN_UNDEF(0) or (sh_link(0) >= hdr->e_shnum(52)',
    );
    assert.equal(
      refusedWith(
        edited('provider', (_, v, h) => v.setBigUint64(header(h, '.symtab').at + SH.size, 2n ** 64n - 1n, true)),
      ),
      'Invalid ELF section in module (section 49 type 2)',
      'offset + size wraps around',
    );
    assert.equal(
      refusedWith(
        edited('provider', (b, v, h) => v.setBigUint64(header(h, '.modinfo').at + SH.offset, BigInt(b.length), true)),
      ),
      'Invalid ELF section in module (section 19 type 1)',
    );
    assert.equal(
      refusedWith(edited('provider', (_, v, h) => v.setUint32(header(h, '.text').at + SH.name, 0xfffff, true))),
      'Invalid ELF section name in module (section 3 type 1)',
    );
  });

  it('what the loader does not check is read, not refused', () => {
    const odd = readModuleImage(
      edited('provider', (_, v, h) => {
        // A non-allocated section's name may point anywhere; .bss (SHT_NOBITS) may claim any size.
        v.setUint32(header(h, '.comment').at + SH.name, 0xfffff, true);
        v.setBigUint64(header(h, '.bss').at + SH.size, 2n ** 40n, true);
        v.setBigUint64(header(h, '.bss').at + SH.offset, 2n ** 62n, true);
      }),
    );
    assert.equal(odd.sections[45]?.name, '');
    assert.equal(odd.sections[33]?.name, '.bss');
    assert.equal(odd.sections[33]?.size, 2 ** 40);
    assert.equal(odd.name, 'provider');
  });

  it('no symbol table, no struct module, no name at all', () => {
    const noSymtab = edited('provider', (_, v, h) => v.setUint32(header(h, '.symtab').at + SH.type, 1, true));
    assert.equal(refusedWith(noSymtab), 'provider: module has no symbols (stripped?)');
    const renameTo = (target: string, source: string) => (_: Uint8Array, v: DataView, h: readonly Header[]) =>
      v.setUint32(header(h, target).at + SH.name, v.getUint32(header(h, source).at + SH.name, true), true);
    const noStruct = edited('provider', renameTo('.gnu.linkonce.this_module', '.comment'));
    assert.equal(refusedWith(noStruct), 'provider: No module found in object');
    const neither = edited('provider', (b, v, h) => {
      renameTo('.gnu.linkonce.this_module', '.comment')(b, v, h);
      renameTo('.modinfo', '.comment')(b, v, h);
    });
    assert.equal(refusedWith(neither), '(missing .modinfo section or name field): No module found in object');
    const noSymtabNoName = edited('provider', (b, v, h) => {
      renameTo('.modinfo', '.comment')(b, v, h);
      v.setUint32(header(h, '.symtab').at + SH.type, 1, true);
    });
    assert.equal(
      refusedWith(noSymtabNoName),
      '(missing .modinfo section or name field): module has no symbols (stripped?)',
    );
  });

  it('the name: struct module first, then modinfo, else refused', () => {
    const nameField = (h: readonly Header[]): number => header(h, '.gnu.linkonce.this_module').offset + 24;
    const renamed = edited('provider', (b, _, h) => b.set(new TextEncoder().encode('other\0'), nameField(h)));
    assert.equal(readModuleImage(renamed).name, 'other');
    const blank = edited('provider', (b, _, h) => b.fill(0, nameField(h), nameField(h) + 56));
    assert.equal(readModuleImage(blank).name, 'provider');
    const full = edited('provider', (b, _, h) => b.fill(0x61, nameField(h), nameField(h) + 56));
    assert.equal(readModuleImage(full).name, 'a'.repeat(56), 'an unterminated name ends with its field');
    const nameless = edited('provider', (b, v, h) => {
      b.fill(0, nameField(h), nameField(h) + 56);
      v.setUint32(header(h, '.modinfo').at + SH.flags, 0, true);
    });
    assert.equal(refusedWith(nameless), '(missing .modinfo section or name field): No module found in object');
  });

  it('.modinfo: ignored without SHF_ALLOC, a last string cut off by the section end kept', () => {
    const unallocated = readModuleImage(
      edited('provider', (_, v, h) => v.setUint32(header(h, '.modinfo').at + SH.flags, 0, true)),
    );
    assert.deepEqual([unallocated.modinfo, unallocated.license, unallocated.vermagic], [[], undefined, undefined]);
    assert.equal(unallocated.name, 'provider');
    const cut = readModuleImage(
      edited('provider', (b, _, h) => {
        const modinfo = header(h, '.modinfo');
        b[modinfo.offset + modinfo.size - 1] = 0x58;
      }),
    );
    assert.equal(cut.vermagic, '6.1.0-56-amd64 SMP preempt mod_unload modversions X');
    const padded = readModuleImage(
      edited('params', (b, _, h) => {
        // Runs of NUL padding between strings are skipped; a string without '=' has an empty value,
        // and is no `license=` to the loader, which takes the first real one.
        const at = header(h, '.modinfo').offset;
        const description = 'description=Module parameters of several types';
        assert.equal(Buffer.from(b.subarray(at, at + description.length)).toString('latin1'), description);
        b.fill(0, at, at + description.length);
        b.set(new TextEncoder().encode('\0\0license\0\0\0x=y=z'), at);
      }),
    );
    assert.deepEqual(padded.modinfo.slice(0, 3), [
      { key: 'license', value: '' },
      { key: 'x', value: 'y=z' },
      { key: 'license', value: 'GPL' },
    ]);
    assert.equal(padded.license, 'GPL');
  });

  it('__versions: empty, a partial last entry, an unterminated name', () => {
    const sized = (size: bigint) =>
      readModuleImage(
        edited('consumer', (_, v, h) => v.setBigUint64(header(h, '__versions').at + SH.size, size, true)),
      );
    assert.deepEqual(sized(0n).versions, []);
    assert.deepEqual(sized(64n + 63n).versions, [{ name: '__fentry__', crc: 0xbdfb6dbb }]);
    const long = readModuleImage(
      edited('consumer', (b, v, h) => {
        const versions = header(h, '__versions');
        b.fill(0x61, versions.offset + 8, versions.offset + 64);
        v.setBigUint64(versions.offset, 2n ** 40n + 5n, true);
      }),
    );
    assert.deepEqual(long.versions[0], { name: 'a'.repeat(56), crc: 2 ** 40 + 5 });
    assert.equal(long.versions[1]?.name, 'prov_gpl_mul');
  });

  it('exports: names and namespaces are read through the PC32 relocations, as the loader sees them', () => {
    // The namespace field of prov_add's entry points at __kstrtabns_prov_add ("" after "prov_add").
    // Moving its addend by one makes it point at "prov_gpl_mul": a namespace, read from the relocation.
    const moved = edited('provider', (_, v, h) => {
      const rela = header(h, '.rela__ksymtab');
      for (let at = rela.offset; at < rela.offset + rela.size; at += 24) {
        if (v.getBigUint64(at, true) === 8n) v.setBigInt64(at + 16, 1n, true);
      }
    });
    assert.deepEqual(readModuleImage(moved).exports, [
      { name: 'prov_add', gplOnly: false, namespace: 'prov_gpl_mul' },
      { name: 'prov_gpl_mul', gplOnly: true },
    ]);
    // The name comes from __ksymtab_strings, not from the __ksymtab_<name> symbol...
    const renamed = edited('provider', (b, _, h) =>
      b.set(new TextEncoder().encode('prov_xyz'), header(h, '__ksymtab_strings').offset),
    );
    assert.deepEqual(
      readModuleImage(renamed).exports.map((e) => e.name),
      ['prov_xyz', 'prov_gpl_mul'],
    );
    // ...unless the tables have no relocations at all: then from the symbols, as modpost reads them.
    const unrelocated = edited('provider', (b, v, h) => {
      b.set(new TextEncoder().encode('prov_xyz'), header(h, '__ksymtab_strings').offset);
      for (const name of ['.rela__ksymtab', '.rela__ksymtab_gpl']) v.setUint32(header(h, name).at + SH.info, 3, true);
    });
    assert.deepEqual(readModuleImage(unrelocated).exports, [
      { name: 'prov_add', gplOnly: false },
      { name: 'prov_gpl_mul', gplOnly: true },
    ]);
  });

  it('exports: unterminated strings, empty tables, relocation sections over the same bytes', () => {
    const unterminated = edited('provider', (b, _, h) => {
      const strings = header(h, '__ksymtab_strings');
      b.fill(0x41, strings.offset, strings.offset + strings.size);
    });
    assert.deepEqual(readModuleImage(unterminated).exports, []);
    const noPlain = edited('provider', (_, v, h) => v.setBigUint64(header(h, '__ksymtab').at + SH.size, 0n, true));
    assert.deepEqual(readModuleImage(noPlain).exports, [{ name: 'prov_gpl_mul', gplOnly: true }]);
    const overlapping = edited('provider', (_, v, h) => {
      const source = header(h, '.rela__ksymtab');
      for (const rela of h.filter((s) => s.type === 4)) {
        v.setBigUint64(rela.at + SH.offset, BigInt(source.offset), true);
        v.setBigUint64(rela.at + SH.size, BigInt(source.size), true);
        v.setUint32(rela.at + SH.info, source.info, true);
      }
    });
    // Every relocation section now repeats prov_add's; __ksymtab_gpl has none left, so it is read by symbol.
    assert.deepEqual(readModuleImage(overlapping).exports, [
      { name: 'prov_add', gplOnly: false },
      { name: 'prov_gpl_mul', gplOnly: true },
    ]);
  });

  it('symbols: an unterminated string table leaves them nameless, not the image unreadable', () => {
    const image = readModuleImage(
      edited('provider', (b, _, h) => {
        const strtab = header(h, '.strtab');
        b.fill(0x41, strtab.offset, strtab.offset + strtab.size);
      }),
    );
    assert.deepEqual(
      [image.definedSymbols, image.undefinedSymbols, image.hasInit, image.hasExit],
      [[], [], false, false],
    );
    assert.deepEqual(
      image.exports.map((e) => e.name),
      ['prov_add', 'prov_gpl_mul'],
      'exports need symbol values, not names',
    );
  });

  it('an appended module signature is cut off before the ELF checks, as module_sig_check does', () => {
    const provider = fixture('provider');
    const marker = new TextEncoder().encode('~Module signature appended~\n');
    const signedWith = (signatureLength: number, declared: number, idType = 2): Uint8Array => {
      const descriptor = new Uint8Array(12);
      descriptor[2] = idType;
      viewOf(descriptor).setUint32(8, declared, false);
      return Buffer.concat([provider, new Uint8Array(signatureLength).fill(0x30), descriptor, marker]);
    };
    const signed = readModuleImage(signedWith(500, 500));
    assert.equal(signed.signed, true);
    assert.deepEqual(signed.exports, readModuleImage(provider).exports);
    // A signature that claims more than was appended cuts into the section headers at the end.
    assert.equal(refusedWith(signedWith(0, 100)), 'Invalid ELF section header overflow');
    // Not PKCS#7: only the marker is cut off, the image is read, and it is not counted as signed.
    assert.equal(readModuleImage(signedWith(500, 500, 1)).signed, false);
  });
});

/** mulberry32: a small seeded PRNG, so every run tries the same cases. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Outcome {
  readonly kind: 'image' | 'refused';
  readonly kernelMessage?: string;
}

/** Either a plausible module image or a ModuleImageError in the kernel's words; nothing else. */
function outcome(bytes: Uint8Array): Outcome {
  let image: ModuleImage;
  try {
    image = readModuleImage(bytes);
  } catch (error) {
    assert.ok(error instanceof ModuleImageError, `threw ${String(error)}`);
    assert.equal(error.errno, 'ENOEXEC');
    assert.ok(error.kernelMessage.length > 0, 'an empty kernel message');
    assert.equal(error.cause, undefined, `an internal error was wrapped: ${String(error.cause)}`);
    return { kind: 'refused', kernelMessage: error.kernelMessage };
  }
  assert.equal(typeof image.name, 'string');
  assert.ok(image.name.length > 0, 'an empty name');
  // Nothing read can outnumber what the bytes can hold.
  assert.ok(image.definedSymbols.length + image.undefinedSymbols.length <= bytes.length / 24, 'symbols');
  assert.ok(image.versions.length <= bytes.length / 64, 'versions');
  assert.ok(image.exports.length <= bytes.length / 12, 'exports');
  assert.ok(image.modinfo.length <= bytes.length / 2, 'modinfo');
  assert.ok(image.sections.length <= 0xffff, 'sections');
  return { kind: 'image' };
}

/** Counts outcomes, and the distinct refusals with their numbers blanked. */
class Tally {
  image = 0;
  refused = 0;
  readonly messages = new Set<string>();

  add(result: Outcome): void {
    this[result.kind]++;
    if (result.kernelMessage !== undefined) this.messages.add(result.kernelMessage.replace(/\b\d+\b/g, 'N'));
  }
}

describe('ELF module images: damaged input (deterministic fuzzing)', () => {
  const names = ['provider', 'consumer', 'params', 'noinit', 'platform'];
  const images = names.map((name) => ({ name, bytes: fixture(name), headers: headersOf(fixture(name)) }));

  it('truncated anywhere: kbuild puts the section headers last, so every cut is refused', () => {
    const random = prng(0x6b6f);
    const tally = new Tally();
    for (const { bytes } of images) {
      assert.equal(outcome(bytes).kind, 'image');
      const cuts = new Set<number>();
      for (let n = 0; n <= 80; n++) cuts.add(n);
      for (let n = 0; n < 200; n++) cuts.add(Math.floor(random() * bytes.length));
      cuts.add(bytes.length - 1);
      for (const cut of cuts) tally.add(outcome(bytes.subarray(0, cut)));
    }
    assert.equal(tally.image, 0);
    assert.deepEqual([...tally.messages].sort(), ['Invalid ELF header len N', 'Invalid ELF section header overflow']);
  });

  it('truncated with the section names and headers kept: the sections past the cut are refused', () => {
    const random = prng(0x7ab1e);
    const tally = new Tally();
    for (const { bytes, headers } of images) {
      const shoff = headers[0]!.at;
      const names = header(headers, '.shstrtab');
      const strings = bytes.subarray(names.offset, names.offset + names.size);
      const table = bytes.subarray(shoff, shoff + headers.length * 64);
      // The first `cut` bytes, then the section name table and the section headers, pointed at anew.
      const cutKeepingTables = (cut: number): Uint8Array => {
        const out = new Uint8Array(cut + strings.length + table.length);
        out.set(bytes.subarray(0, cut));
        out.set(strings, cut);
        out.set(table, cut + strings.length);
        viewOf(out).setBigUint64(40, BigInt(cut + strings.length), true);
        viewOf(out).setBigUint64(cut + strings.length + names.index * 64 + SH.offset, BigInt(cut), true);
        return out;
      };
      assert.equal(outcome(cutKeepingTables(shoff)).kind, 'image');
      for (let n = 0; n < 150; n++) tally.add(outcome(cutKeepingTables(64 + Math.floor(random() * (shoff - 64)))));
    }
    assert.ok(tally.refused >= 700, `refused ${tally.refused}`);
    assert.ok(tally.messages.has('Invalid ELF section in module (section N type N)'), [...tally.messages].join('\n'));
  });

  it('thousands of images with bytes changed where the reader looks', () => {
    const random = prng(0x1f0b);
    const tally = new Tally();
    for (let n = 0; n < 2500; n++) {
      const { bytes: original, headers } = images[n % images.length]!;
      const bytes = original.slice();
      const ranges = targets(bytes, headers);
      const changes = 1 + Math.floor(random() * 6);
      for (let c = 0; c < changes; c++) {
        const [from, to] = ranges[Math.floor(random() * ranges.length)]!;
        const at = from + Math.floor(random() * (to - from));
        bytes[at] = random() < 0.5 ? bytes[at]! ^ (1 << Math.floor(random() * 8)) : Math.floor(random() * 256);
      }
      try {
        tally.add(outcome(bytes));
      } catch (error) {
        throw new Error(`case ${n}: ${String(error)}`, { cause: error });
      }
    }
    // Both outcomes are common, and the refusals come from many different checks of the loader.
    assert.ok(tally.image > 500, `read ${tally.image}`);
    assert.ok(tally.refused > 500, `refused ${tally.refused}`);
    assert.ok(tally.messages.size >= 8, [...tally.messages].join('\n'));
  });

  it('random bytes, with and without a sound ELF header in front', () => {
    const random = prng(0xe1f);
    const elfHeader = images[0]!.bytes.subarray(0, 64);
    const tally = new Tally();
    for (let n = 0; n < 400; n++) {
      const bytes = new Uint8Array(Math.floor(random() * 4096));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
      if (n % 2 === 0 && bytes.length >= 64) {
        bytes.set(elfHeader);
        // Point the section header table somewhere inside the random bytes.
        viewOf(bytes).setBigUint64(40, BigInt(Math.floor(random() * bytes.length)), true);
        viewOf(bytes).setUint16(60, Math.floor(random() * 64), true);
        viewOf(bytes).setUint16(62, Math.floor(random() * 64), true);
      }
      tally.add(outcome(bytes));
    }
    assert.ok(tally.refused >= 390, `refused ${tally.refused}`);
    assert.ok(tally.messages.has('Invalid ELF header magic: != \\x7fELF'), [...tally.messages].join('\n'));
  });
});

/** Byte ranges worth damaging: the ELF header, the section headers and the sections the reader parses. */
function targets(bytes: Uint8Array, headers: readonly Header[]): [number, number][] {
  const parsed = new Set(['.symtab', '.strtab', '.shstrtab', '.modinfo', '__versions', '__ksymtab', '__ksymtab_gpl']);
  const ranges: [number, number][] = [
    [0, 64],
    [headers[0]!.at, bytes.length],
  ];
  for (const h of headers) {
    if (parsed.has(h.name) || h.name.startsWith('.rela__ksymtab') || h.name === '__ksymtab_strings') {
      ranges.push([h.offset, h.offset + h.size]);
    }
    if (h.name === '.gnu.linkonce.this_module') ranges.push([h.offset, h.offset + 96]);
  }
  return ranges.filter(([from, to]) => to > from);
}
