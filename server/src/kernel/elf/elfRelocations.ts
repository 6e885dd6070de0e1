import { ByteReader } from './byteReader';
import { ELF64_RELA_SIZE, SHT_RELA } from './elfConstants';
import type { ElfImage } from './elfSections';

/** One Elf64_Rela. */
export interface ElfRelocation {
  readonly offset: bigint;
  readonly type: number;
  readonly symbolIndex: number;
  readonly addend: bigint;
}

/**
 * The RELA relocations that apply to section `target`, in file order, from every SHT_RELA section
 * whose sh_info names it (as the loader's apply_relocations finds them). Symbol indices refer to the
 * module's one symbol table, which the loader uses whatever sh_link says.
 *
 * In a sound image relocation sections do not overlap, so together they are no larger than the
 * file. A crafted one may point thousands of section headers at the same bytes; reading stops once
 * the file's size in relocations has been read, which keeps the work linear in the input.
 */
export function relocationsFor(image: ElfImage, target: number): ElfRelocation[] {
  const relocations: ElfRelocation[] = [];
  let budget = image.reader.length;
  for (const section of image.sections) {
    if (section.type !== SHT_RELA || section.info !== target || section.index === 0) continue;
    if (section.contents.length > budget) break;
    budget -= section.contents.length;
    const reader = new ByteReader(section.contents);
    const count = Math.floor(section.contents.length / ELF64_RELA_SIZE);
    for (let i = 0; i < count; i++) {
      const at = i * ELF64_RELA_SIZE;
      relocations.push({
        offset: reader.u64(at) ?? 0n,
        type: reader.u32(at + 8) ?? 0,
        symbolIndex: reader.u32(at + 12) ?? 0,
        addend: reader.i64(at + 16) ?? 0n,
      });
    }
  }
  return relocations;
}
