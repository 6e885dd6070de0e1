import {
  SHN_ABS,
  SHN_COMMON,
  SHN_LORESERVE,
  SHN_UNDEF,
  STB_LOCAL,
  STT_FILE,
  STT_FUNC,
  STT_OBJECT,
  STT_SECTION,
} from './elfConstants';
import { findAllocSection, readElfSections, type ElfImage } from './elfSections';
import { readSymbolTable, type ElfSymbol } from './elfSymbols';
import { readExports, type ModuleExport } from './ksymtab';
import {
  getModinfo,
  modinfoEntries,
  modinfoStrings,
  moduleParameters,
  type ModinfoEntry,
  type ModuleParameterInfo,
} from './modinfo';
import { ModuleImageError, REFUSED } from './moduleImageError';
import { splitModuleSignature } from './moduleSignature';
import { parseModversions, type ModuleVersion } from './modversions';

export { ModuleImageError } from './moduleImageError';
export type { ModinfoEntry, ModuleExport, ModuleParameterInfo, ModuleVersion };

export interface ModuleSymbol {
  readonly name: string;
  /** The section it is defined in; `*ABS*` and `*COM*` for SHN_ABS and SHN_COMMON, empty for an invalid index. */
  readonly section: string;
  readonly type: 'function' | 'object' | 'other';
  /** Visible outside the object file: any binding but STB_LOCAL (global or weak). */
  readonly global: boolean;
  readonly size: number;
}

export interface ModuleSection {
  readonly name: string;
  /** sh_size; for SHT_NOBITS (.bss) the memory it takes, not file bytes. */
  readonly size: number;
  /** sh_flags (SHF_WRITE 0x1, SHF_ALLOC 0x2, SHF_EXECINSTR 0x4, …): every flag ELF64 defines, its low 32 bits. */
  readonly flags: number;
  readonly type: number;
}

/** What a Linux kernel module image (.ko) holds, read without an editor or a kernel. */
export interface ModuleImage {
  /** struct module's name in .gnu.linkonce.this_module (KBUILD_MODNAME), else the modinfo `name`. */
  readonly name: string;
  /** Every .modinfo `key=value` string in file order (license, description, parm, vermagic, …). */
  readonly modinfo: ModinfoEntry[];
  /** The first `vermagic` entry, the one the loader compares with the kernel's. */
  readonly vermagic?: string;
  /** The first `license` entry, the one the loader judges. */
  readonly license?: string;
  readonly exports: ModuleExport[];
  /** Names of the undefined global and weak symbols (what the module needs from the kernel), sorted, unique. */
  readonly undefinedSymbols: string[];
  /** __versions: the CRCs modpost recorded for the symbols used, plus module_layout (not a symbol of the module). */
  readonly versions: ModuleVersion[];
  /** A symbol init_module is defined (module_init, or a driver macro that expands to it). */
  readonly hasInit: boolean;
  /** A symbol cleanup_module is defined (module_exit, or a driver macro that expands to it). */
  readonly hasExit: boolean;
  /** Named symbols defined in the module, in symbol table order; section and file symbols are left out. */
  readonly definedSymbols: ModuleSymbol[];
  /** Every section header, indexed as in the file: sections[i] is section i, sections[0] the null section. */
  readonly sections: ModuleSection[];
  /** Parameters from `parm=` and `parmtype=` entries, in the order their names first appear. */
  readonly parameters: ModuleParameterInfo[];
  /** A well-formed module signature is appended (scripts/sign-file); it is not verified. */
  readonly signed: boolean;
}

/** The name the loader uses in messages before it has one: setup_load_info's fallback. */
const NO_NAME = '(missing .modinfo section or name field)';
/** struct module in 6.1: enum module_state state; struct list_head list; char name[MODULE_NAME_LEN = 56]. */
const STRUCT_MODULE_NAME_OFFSET = 24;
const MODULE_NAME_LEN = 56;
const UTF8 = new TextDecoder('utf-8');

/**
 * Reads a module image (.ko) as Linux 6.1's loader (kernel/module/main.c) sees it before it
 * allocates anything: elf_validity_check, then setup_load_info. Whatever they refuse is refused
 * here with the kernel's words, as a ModuleImageError; nothing else is ever thrown. Work and memory
 * are linear in the input: every count is bounded by section sizes already checked against it.
 */
export function readModuleImage(bytes: Uint8Array): ModuleImage {
  try {
    return read(bytes);
  } catch (error) {
    if (error instanceof ModuleImageError) throw error;
    // Every read is bounds-checked, so this is a bug of ours; still keep the promise about errors.
    throw new ModuleImageError('Invalid module format', `the image could not be read (${String(error)}).`, {
      cause: error,
    });
  }
}

function read(bytes: Uint8Array): ModuleImage {
  const { elfLength, signed } = splitModuleSignature(bytes);
  const image = readElfSections(bytes.subarray(0, elfLength));

  // setup_load_info: a name for messages from .modinfo, then the symbol table, then struct module.
  const modinfoSection = findAllocSection(image, '.modinfo');
  const strings = modinfoStrings(modinfoSection?.contents ?? new Uint8Array(0));
  const modinfo = modinfoEntries(strings);
  const modinfoName = getModinfo(strings, 'name');
  // `info->name ?: "(missing …)"`: an empty name is still a name there.
  const messageName = modinfoName ?? NO_NAME;
  const symtab = readSymbolTable(image);
  if (symtab === undefined) {
    throw new ModuleImageError(
      `${messageName}: module has no symbols (stripped?)`,
      `the image has no symbol table, which the loader needs to link it; ${REFUSED}`,
    );
  }
  const thisModule = findAllocSection(image, '.gnu.linkonce.this_module');
  if (thisModule === undefined) {
    throw new ModuleImageError(
      `${messageName}: No module found in object`,
      `the image has no .gnu.linkonce.this_module section (struct module, which modpost adds when it links a .ko), so it is an object file, not a module; ${REFUSED}`,
    );
  }
  const name = structModuleName(thisModule.contents) || (modinfoName ?? '');
  if (name === '') {
    throw new ModuleImageError(
      `${NO_NAME}: No module found in object`,
      `neither struct module nor .modinfo gives the module a name; ${REFUSED}`,
    );
  }

  const symbols = symtab.symbols.slice(1);
  const defined = symbols.filter((s) => s.shndx !== SHN_UNDEF && s.name !== '');
  const vermagic = getModinfo(strings, 'vermagic');
  const license = getModinfo(strings, 'license');
  return {
    name,
    modinfo,
    ...(vermagic !== undefined ? { vermagic } : {}),
    ...(license !== undefined ? { license } : {}),
    exports: readExports(image, symtab.symbols),
    undefinedSymbols: undefinedSymbols(symbols),
    versions: parseModversions(findAllocSection(image, '__versions')?.contents ?? new Uint8Array(0)),
    hasInit: defined.some((s) => s.name === 'init_module'),
    hasExit: defined.some((s) => s.name === 'cleanup_module'),
    definedSymbols: defined
      .filter((s) => s.type !== STT_SECTION && s.type !== STT_FILE)
      .map((s) => moduleSymbol(image, s)),
    sections: image.sections.map((s) => ({ name: s.name, size: Number(s.size), flags: s.flags, type: s.type })),
    parameters: moduleParameters(modinfo),
    signed,
  };
}

/** The name field of the on-disk struct module, up to its NUL (at most MODULE_NAME_LEN bytes). */
function structModuleName(contents: Uint8Array): string {
  const field = contents.subarray(STRUCT_MODULE_NAME_OFFSET, STRUCT_MODULE_NAME_OFFSET + MODULE_NAME_LEN);
  const nul = field.indexOf(0);
  return UTF8.decode(nul === -1 ? field : field.subarray(0, nul));
}

function undefinedSymbols(symbols: readonly ElfSymbol[]): string[] {
  const names = new Set<string>();
  for (const s of symbols) {
    if (s.shndx === SHN_UNDEF && s.bind !== STB_LOCAL && s.name !== '') names.add(s.name);
  }
  return [...names].sort();
}

function moduleSymbol(image: ElfImage, symbol: ElfSymbol): ModuleSymbol {
  return {
    name: symbol.name,
    section: sectionName(image, symbol.shndx),
    type: symbol.type === STT_FUNC ? 'function' : symbol.type === STT_OBJECT ? 'object' : 'other',
    global: symbol.bind !== STB_LOCAL,
    size: Number(symbol.size),
  };
}

function sectionName(image: ElfImage, shndx: number): string {
  if (shndx === SHN_ABS) return '*ABS*';
  if (shndx === SHN_COMMON) return '*COM*';
  if (shndx >= SHN_LORESERVE) return '';
  return image.sections[shndx]?.name ?? '';
}
