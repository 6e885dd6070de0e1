import { ByteReader, cString } from './byteReader';
import { ELF64_SYM_SIZE, SHT_SYMTAB } from './elfConstants';
import type { ElfImage } from './elfSections';

/** One Elf64_Sym, with its name read from the linked string table. */
export interface ElfSymbol {
  readonly index: number;
  /** Empty when st_name is 0, points outside the string table, or the string is not NUL-terminated there. */
  readonly name: string;
  readonly bind: number;
  readonly type: number;
  readonly shndx: number;
  readonly value: bigint;
  readonly size: bigint;
}

export interface ElfSymbolTable {
  /** The section index of the table: the loader uses the first SHT_SYMTAB section (setup_load_info). */
  readonly sectionIndex: number;
  readonly symbols: readonly ElfSymbol[];
}

/**
 * The module's symbol table, as the loader picks it: the first SHT_SYMTAB section, its string table
 * named by sh_link. Undefined when there is none. The count is sh_size / 24, as the kernel counts,
 * whatever sh_entsize says; the section lies in the file, so the count is bounded by its size.
 */
export function readSymbolTable(image: ElfImage): ElfSymbolTable | undefined {
  const symtab = image.sections.find((s) => s.index !== 0 && s.type === SHT_SYMTAB);
  if (symtab === undefined) return undefined;
  const strtab = image.sections[symtab.link]?.contents ?? new Uint8Array(0);
  const reader = new ByteReader(symtab.contents);
  const count = Math.floor(symtab.contents.length / ELF64_SYM_SIZE);
  const symbols: ElfSymbol[] = [];
  for (let index = 0; index < count; index++) {
    const at = index * ELF64_SYM_SIZE;
    const info = reader.u8(at + 4) ?? 0;
    symbols.push({
      index,
      name: cString(strtab, reader.u32(at) ?? 0) ?? '',
      bind: info >> 4,
      type: info & 0xf,
      shndx: reader.u16(at + 6) ?? 0,
      value: reader.u64(at + 8) ?? 0n,
      size: reader.u64(at + 16) ?? 0n,
    });
  }
  return { sectionIndex: symtab.index, symbols };
}
