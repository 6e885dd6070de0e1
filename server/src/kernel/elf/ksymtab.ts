import { cString } from './byteReader';
import { R_X86_64_PC32, SHN_LORESERVE, SHN_UNDEF } from './elfConstants';
import { relocationsFor } from './elfRelocations';
import { findAllocSection, type ElfImage, type ElfSection } from './elfSections';
import type { ElfSymbol } from './elfSymbols';

export interface ModuleExport {
  readonly name: string;
  /** In __ksymtab_gpl (EXPORT_SYMBOL_GPL and EXPORT_SYMBOL_NS_GPL): only GPL-compatible modules may use it. */
  readonly gplOnly: boolean;
  /** The symbol namespace (EXPORT_SYMBOL_NS*); absent when the namespace string is empty. */
  readonly namespace?: string;
}

/**
 * 6.1 x86_64 has CONFIG_HAVE_ARCH_PREL32_RELOCATIONS: struct kernel_symbol is
 * { int value_offset; int name_offset; int namespace_offset; }, each field a place-relative
 * reference (`.long sym - .`, an R_X86_64_PC32 relocation in the .ko). The name and the namespace
 * are strings in __ksymtab_strings, the namespace right after the name ("" when there is none).
 */
const KERNEL_SYMBOL_SIZE = 12;
const NAME_SLOT = 1;
const NAMESPACE_SLOT = 2;

const TABLES = [
  { section: '__ksymtab', gplOnly: false },
  { section: '__ksymtab_gpl', gplOnly: true },
] as const;

/**
 * The symbols the module exports, __ksymtab's entries then __ksymtab_gpl's, each in table order
 * (modpost's linker script sorts them by name). An entry's name and namespace are read the way the
 * loader will see them once relocated: through the PC32 relocations of its name_offset and
 * namespace_offset fields. A table with no relocations at all (not something kbuild makes) is read
 * from its `__ksymtab_<name>` symbols and their `__kstrtabns_<name>` strings instead, as 6.1's
 * modpost reads exports. Entries whose name cannot be resolved are left out.
 */
export function readExports(image: ElfImage, symbols: readonly ElfSymbol[]): ModuleExport[] {
  const exports: ModuleExport[] = [];
  for (const table of TABLES) {
    const section = findAllocSection(image, table.section);
    if (section === undefined) continue;
    const count = Math.floor(section.contents.length / KERNEL_SYMBOL_SIZE);
    const entries =
      readEntriesByRelocation(image, section, count, symbols) ?? readEntriesBySymbol(image, section, count, symbols);
    for (const index of [...entries.keys()].sort((a, b) => a - b)) {
      const entry = entries.get(index)!;
      if (entry.name === undefined || entry.name === '') continue;
      exports.push({
        name: entry.name,
        gplOnly: table.gplOnly,
        ...(entry.namespace !== undefined && entry.namespace !== '' ? { namespace: entry.namespace } : {}),
      });
    }
  }
  return exports;
}

interface TableEntry {
  name?: string;
  namespace?: string;
}

/** Entries by index from the table's relocations; undefined when the table has none. */
function readEntriesByRelocation(
  image: ElfImage,
  section: ElfSection,
  count: number,
  symbols: readonly ElfSymbol[],
): Map<number, TableEntry> | undefined {
  const relocations = relocationsFor(image, section.index);
  if (relocations.length === 0) return undefined;
  const entries = new Map<number, TableEntry>();
  const end = BigInt(count * KERNEL_SYMBOL_SIZE);
  for (const relocation of relocations) {
    if (relocation.type !== R_X86_64_PC32 || relocation.offset >= end || relocation.offset % 4n !== 0n) continue;
    const index = Number(relocation.offset / BigInt(KERNEL_SYMBOL_SIZE));
    const slot = Number(relocation.offset % BigInt(KERNEL_SYMBOL_SIZE)) / 4;
    if (slot !== NAME_SLOT && slot !== NAMESPACE_SLOT) continue;
    // S + A - P stored at P: the loader's offset_to_ptr(P) gives back S + A, a place in S's section.
    const text = stringAt(image, symbols[relocation.symbolIndex], relocation.addend);
    if (text === undefined) continue;
    const entry = entries.get(index) ?? {};
    // A second relocation of one field makes the x86 loader fail ("Invalid relocation target"); keep the first.
    if (slot === NAME_SLOT) entry.name ??= text;
    else entry.namespace ??= text;
    entries.set(index, entry);
  }
  return entries;
}

/** Entries by index from `__ksymtab_<name>` symbols placed in the table (6.1 modpost's reading). */
function readEntriesBySymbol(
  image: ElfImage,
  section: ElfSection,
  count: number,
  symbols: readonly ElfSymbol[],
): Map<number, TableEntry> {
  const namespaces = new Map<string, ElfSymbol>();
  for (const symbol of symbols) {
    if (symbol.name.startsWith('__kstrtabns_')) namespaces.set(symbol.name.slice('__kstrtabns_'.length), symbol);
  }
  const entries = new Map<number, TableEntry>();
  const size = BigInt(KERNEL_SYMBOL_SIZE);
  for (const symbol of symbols) {
    if (symbol.shndx !== section.index || !symbol.name.startsWith('__ksymtab_')) continue;
    if (symbol.value % size !== 0n || symbol.value >= BigInt(count) * size) continue;
    const index = Number(symbol.value / size);
    if (entries.has(index)) continue;
    const name = symbol.name.slice('__ksymtab_'.length);
    const namespace = stringAt(image, namespaces.get(name), 0n);
    entries.set(index, namespace === undefined ? { name } : { name, namespace });
  }
  return entries;
}

/** The NUL-terminated string at symbol + addend, inside the symbol's section; undefined if there is none. */
function stringAt(image: ElfImage, symbol: ElfSymbol | undefined, addend: bigint): string | undefined {
  if (symbol === undefined || symbol.shndx === SHN_UNDEF || symbol.shndx >= SHN_LORESERVE) return undefined;
  const contents = image.sections[symbol.shndx]?.contents;
  if (contents === undefined) return undefined;
  const offset = symbol.value + addend;
  if (offset < 0n || offset >= BigInt(contents.length)) return undefined;
  return cString(contents, Number(offset));
}
