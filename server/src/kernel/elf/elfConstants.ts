/**
 * The ELF numbers a Linux x86_64 module image uses (include/uapi/linux/elf.h and the System V ABI),
 * named as the kernel names them.
 */

export const ELFMAG = [0x7f, 0x45, 0x4c, 0x46] as const; // "\177ELF"
export const EI_CLASS = 4;
export const EI_DATA = 5;
export const ELFCLASS32 = 1;
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;

export const ET_REL = 1;
export const EM_X86_64 = 62;

/** sizeof(Elf64_Ehdr), sizeof(Elf64_Shdr), sizeof(Elf64_Sym), sizeof(Elf64_Rela). */
export const ELF64_EHDR_SIZE = 64;
export const ELF64_SHDR_SIZE = 64;
export const ELF64_SYM_SIZE = 24;
export const ELF64_RELA_SIZE = 24;

export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_RELA = 4;
export const SHT_NOBITS = 8;

export const SHF_WRITE = 0x1;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;

export const SHN_UNDEF = 0;
export const SHN_LORESERVE = 0xff00;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;

export const STB_LOCAL = 0;
export const STB_WEAK = 2;

export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
export const STT_FILE = 4;

export const R_X86_64_64 = 1;
export const R_X86_64_PC32 = 2;
