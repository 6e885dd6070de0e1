import { ByteReader, cString } from './byteReader';
import {
  EI_CLASS,
  EI_DATA,
  ELF64_EHDR_SIZE,
  ELF64_SHDR_SIZE,
  ELFCLASS32,
  ELFCLASS64,
  ELFDATA2LSB,
  ELFMAG,
  EM_X86_64,
  ET_REL,
  SHF_ALLOC,
  SHT_NOBITS,
  SHT_NULL,
  SHT_SYMTAB,
} from './elfConstants';
import { ModuleImageError, REFUSED } from './moduleImageError';

/** One section header, with its name and the file bytes it covers. */
export interface ElfSection {
  readonly index: number;
  /** From the section name table; empty when sh_name points outside it (possible for non-SHF_ALLOC sections). */
  readonly name: string;
  readonly type: number;
  /** sh_flags' low 32 bits: every flag ELF64 defines lives there. */
  readonly flags: number;
  readonly size: bigint;
  readonly link: number;
  readonly info: number;
  /**
   * The section's bytes in the file. Empty for SHT_NULL and SHT_NOBITS sections: the loader does not
   * check their offset and size against the file, so they have no trustworthy contents.
   */
  readonly contents: Uint8Array;
}

/** A relocatable x86_64 ELF image whose header and section table passed Linux 6.1's checks. */
export interface ElfImage {
  readonly reader: ByteReader;
  readonly sections: readonly ElfSection[];
}

/**
 * Reads the ELF header and section headers, refusing the image exactly where Linux 6.1's
 * elf_validity_check (kernel/module/main.c) does and with its words. After those checks every
 * section except SHT_NULL/SHT_NOBITS lies inside the file, and so does the section name table.
 */
export function readElfSections(bytes: Uint8Array): ElfImage {
  const reader = new ByteReader(bytes);
  const len = reader.length;
  if (len < ELF64_EHDR_SIZE) {
    throw new ModuleImageError(
      `Invalid ELF header len ${len}`,
      `the file has ${len} bytes, fewer than the 64 of an ELF header; ${REFUSED}`,
    );
  }
  if (!ELFMAG.every((byte, i) => bytes[i] === byte)) {
    throw new ModuleImageError(
      'Invalid ELF header magic: != \\x7fELF',
      `the file is not an ELF object (it does not start with 0x7f "ELF"); ${REFUSED}`,
    );
  }
  // The kernel reads the header as its own Elf64_Ehdr, little endian, whatever e_ident says.
  const eType = reader.u16(16) ?? 0;
  if (eType !== ET_REL) {
    throw new ModuleImageError(
      `Invalid ELF header type: ${eType} != ${ET_REL}`,
      `a module is a relocatable object (ET_REL, what kbuild links as .ko), not an executable, shared object or core; ${REFUSED}`,
    );
  }
  const eMachine = reader.u16(18) ?? 0;
  if (eMachine !== EM_X86_64) {
    throw new ModuleImageError(
      `Invalid architecture in ELF header: ${eMachine}`,
      `the module was built for ${machineName(eMachine)}, not x86_64 (machine ${EM_X86_64}); ${REFUSED}`,
    );
  }
  const elfClass = bytes[EI_CLASS] ?? 0;
  const elfData = bytes[EI_DATA] ?? 0;
  if (reader.u16(58) !== ELF64_SHDR_SIZE) {
    const why =
      elfClass === ELFCLASS64
        ? `e_shentsize is ${reader.u16(58) ?? 0}, not the 64 bytes of an Elf64_Shdr`
        : `the image is a ${elfClass === ELFCLASS32 ? '32-bit (ELFCLASS32)' : `class ${elfClass}`} ELF object, which the kernel reads as ELF64 and finds no 64-byte section headers in`;
    throw new ModuleImageError('Invalid ELF section header size', `${why}; ${REFUSED}`);
  }
  // Not a check of the 6.1 loader (it trusts e_ident), but a 32-bit or big-endian object read as
  // ELF64 little endian is nonsense: refuse it plainly instead of reporting garbage.
  if (elfClass !== ELFCLASS64 || elfData !== ELFDATA2LSB) {
    const what =
      elfClass !== ELFCLASS64
        ? `its class is ${elfClass} (ELFCLASS64 is ${ELFCLASS64})`
        : `its data encoding is ${elfData} (little endian, ELFDATA2LSB, is ${ELFDATA2LSB})`;
    throw new ModuleImageError(
      'Invalid module format',
      `the image is not a 64-bit little-endian ELF object: ${what}; an x86_64 kernel cannot use it, and insmod reports "Invalid module format" (ENOEXEC).`,
    );
  }

  const shoff = reader.u64(40) ?? 0n;
  const shnum = reader.u16(60) ?? 0;
  const shstrndx = reader.u16(62) ?? 0;
  if (shoff >= BigInt(len) || BigInt(shnum * ELF64_SHDR_SIZE) > BigInt(len) - shoff) {
    throw new ModuleImageError(
      'Invalid ELF section header overflow',
      `the section header table (${shnum} entries at offset ${shoff}) runs past the end of the ${len}-byte file; ${REFUSED}`,
    );
  }
  if (shstrndx === 0 || shstrndx >= shnum) {
    throw new ModuleImageError(
      `Invalid ELF section name index: ${shstrndx} || e_shstrndx (${shstrndx}) >= e_shnum (${shnum})`,
      `the section name table index is not a valid section; ${REFUSED}`,
    );
  }

  const table = Number(shoff);
  const raw: RawSection[] = [];
  for (let i = 0; i < shnum; i++) raw.push(readRawSection(reader, table + i * ELF64_SHDR_SIZE));

  const strhdr = raw[shstrndx]!;
  if (!fitsInFile(strhdr, len)) {
    throw new ModuleImageError(
      `Invalid ELF section hdr(type ${strhdr.type})`,
      `the section name table lies outside the file; ${REFUSED}`,
    );
  }
  const secstrings = reader.slice(Number(strhdr.offset), Number(strhdr.size));
  if (secstrings.length === 0) {
    throw new ModuleImageError('empty section name table', `the section name table is empty; ${REFUSED}`);
  }
  if (secstrings[secstrings.length - 1] !== 0) {
    throw new ModuleImageError(
      "ELF Spec violation: section name table isn't null terminated",
      `the section name table does not end with a NUL byte; ${REFUSED}`,
    );
  }
  const first = raw[0]!;
  if (first.type !== SHT_NULL || first.size !== 0n || first.addr !== 0n) {
    throw new ModuleImageError(
      `ELF Spec violation: section 0 type(${first.type | 0})!=SH_NULL or non-zero len or addr`,
      `section 0 must be the empty SHT_NULL section; ${REFUSED}`,
    );
  }

  for (let i = 1; i < shnum; i++) {
    const shdr = raw[i]!;
    if (shdr.type === SHT_NULL || shdr.type === SHT_NOBITS) continue;
    if (shdr.type === SHT_SYMTAB && (shdr.link === 0 || shdr.link >= shnum)) {
      throw new ModuleImageError(
        `Invalid ELF sh_link!=SHN_UNDEF(${shdr.link | 0}) or (sh_link(${shdr.link | 0}) >= hdr->e_shnum(${shnum})`,
        `the symbol table (section ${i}) does not name a valid string table; ${REFUSED}`,
      );
    }
    if (!fitsInFile(shdr, len)) {
      throw new ModuleImageError(
        `Invalid ELF section in module (section ${i} type ${shdr.type})`,
        `section ${i} (offset ${shdr.offset}, size ${shdr.size}) runs past the end of the ${len}-byte file; ${REFUSED}`,
      );
    }
    if ((shdr.flags & SHF_ALLOC) !== 0 && shdr.name >= secstrings.length) {
      throw new ModuleImageError(
        `Invalid ELF section name in module (section ${i} type ${shdr.type})`,
        `the name of section ${i} lies outside the section name table; ${REFUSED}`,
      );
    }
  }

  const sections = raw.map((shdr, index): ElfSection => {
    const trusted = index !== 0 && shdr.type !== SHT_NULL && shdr.type !== SHT_NOBITS;
    return {
      index,
      name: cString(secstrings, shdr.name) ?? '',
      type: shdr.type,
      flags: shdr.flags,
      size: shdr.size,
      link: shdr.link,
      info: shdr.info,
      contents: trusted ? reader.slice(Number(shdr.offset), Number(shdr.size)) : new Uint8Array(0),
    };
  });
  return { reader, sections };
}

const MACHINES: ReadonlyMap<number, string> = new Map([
  [3, 'i386'],
  [8, 'MIPS'],
  [20, 'PowerPC'],
  [21, 'PowerPC64'],
  [22, 's390'],
  [40, 'ARM'],
  [183, 'AArch64'],
  [243, 'RISC-V'],
  [258, 'LoongArch'],
]);

function machineName(machine: number): string {
  const name = MACHINES.get(machine);
  return name === undefined ? `machine ${machine}` : `${name} (machine ${machine})`;
}

/**
 * The kernel's find_sec: the first section after 0 with SHF_ALLOC and this name. Sections without
 * SHF_ALLOC are invisible to it, which is how the loader ignores them.
 */
export function findAllocSection(image: ElfImage, name: string): ElfSection | undefined {
  return image.sections.find((s) => s.index !== 0 && (s.flags & SHF_ALLOC) !== 0 && s.name === name);
}

interface RawSection {
  readonly name: number;
  readonly type: number;
  readonly flags: number;
  readonly addr: bigint;
  readonly offset: bigint;
  readonly size: bigint;
  readonly link: number;
  readonly info: number;
}

/** One Elf64_Shdr; the caller has checked that the whole table lies in the file. */
function readRawSection(reader: ByteReader, at: number): RawSection {
  return {
    name: reader.u32(at) ?? 0,
    type: reader.u32(at + 4) ?? 0,
    flags: reader.u32(at + 8) ?? 0,
    addr: reader.u64(at + 16) ?? 0n,
    offset: reader.u64(at + 24) ?? 0n,
    size: reader.u64(at + 32) ?? 0n,
    link: reader.u32(at + 40) ?? 0,
    info: reader.u32(at + 44) ?? 0,
  };
}

/** validate_section_offset: sh_offset + sh_size, without wrapping, ends inside the file. */
function fitsInFile(shdr: RawSection, len: number): boolean {
  return shdr.offset + shdr.size <= BigInt(len);
}
