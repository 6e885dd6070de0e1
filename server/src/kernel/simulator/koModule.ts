/**
 * A .ko image as the simulated kernel loads it: the ELF reader's ModuleImage, plus what only the
 * loader looks at: section alignments (for the layout), symbol values (for kallsyms), undefined
 * symbols in table order, __kcrctab CRCs, and the __param table (types, permissions, initial values
 * read through the relocations, as the loader's relocation would see them).
 */
import { STANDARD_PARAMETER_TYPES } from '../model/moduleParameters';
import { R_X86_64_64, SHT_NOBITS, STB_WEAK } from '../elf/elfConstants';
import { ByteReader, cString } from '../elf/byteReader';
import { SHN_LORESERVE, SHN_UNDEF, STB_LOCAL, STT_FILE, STT_FUNC, STT_OBJECT, STT_SECTION } from '../elf/elfConstants';
import { relocationsFor, type ElfRelocation } from '../elf/elfRelocations';
import { findAllocSection, readElfSections, type ElfImage, type ElfSection } from '../elf/elfSections';
import { readSymbolTable, type ElfSymbol } from '../elf/elfSymbols';
import { ModuleImageError, readModuleImage, type ModuleImage } from '../elf/moduleImage';
import type {
  LoadableExport,
  LoadableModule,
  LoadableParameter,
  LoadableSection,
  LoadableSymbol,
  ParameterType,
} from './loadableModule';

/** struct kernel_param in 6.1 on x86_64: name, mod, ops, perm (u16), level, flags, arg. */
const KERNEL_PARAM_SIZE = 40;
const MODULE_SIGNATURE_MARKER = '~Module signature appended~\n';

const parsedImages = new WeakMap<Uint8Array, LoadableModule | ModuleImageError>();

/**
 * moduleFromKo, remembered per byte array (the same file loaded again is not read again). A refused
 * image comes back as the ModuleImageError instead of being thrown.
 */
export function moduleFromKoCached(bytes: Uint8Array, filePath: string): LoadableModule | ModuleImageError {
  let parsed = parsedImages.get(bytes);
  if (parsed === undefined) {
    try {
      parsed = moduleFromKo(bytes, filePath);
    } catch (error) {
      if (!(error instanceof ModuleImageError)) throw error;
      parsed = error;
    }
    parsedImages.set(bytes, parsed);
  }
  if (parsed instanceof ModuleImageError || parsed.path === filePath) return parsed;
  return { ...parsed, path: filePath };
}

/**
 * Reads a .ko for the simulator. Throws ModuleImageError (with the loader's words) for what the
 * 6.1 loader refuses before it allocates anything.
 */
export function moduleFromKo(bytes: Uint8Array, filePath: string): LoadableModule {
  const image = readModuleImage(bytes);
  const elf = readElfSections(bytes.subarray(0, elfLength(bytes, image)));
  const table = readSymbolTable(elf);
  const symbols = table?.symbols ?? [];
  const alignments = sectionAlignments(elf);
  const sections: LoadableSection[] = image.sections.map((s, i) => ({
    name: s.name,
    size: s.size,
    flags: s.flags,
    type: s.type,
    align: Math.max(1, alignments[i] ?? 1),
  }));
  const defined: LoadableSymbol[] = [];
  for (const s of symbols.slice(1)) {
    if (s.shndx === SHN_UNDEF || s.name === '' || s.type === STT_SECTION || s.type === STT_FILE) continue;
    if (s.shndx >= SHN_LORESERVE) continue;
    defined.push({
      name: s.name,
      section: elf.sections[s.shndx]?.name ?? '',
      value: Number(s.value),
      size: Number(s.size),
      global: s.bind !== STB_LOCAL,
      kind: s.type === STT_FUNC ? 'function' : s.type === STT_OBJECT ? 'object' : 'other',
    });
  }
  const seen = new Set<string>();
  const imports = [];
  for (const s of symbols.slice(1)) {
    if (s.shndx !== SHN_UNDEF || s.bind === STB_LOCAL || s.name === '' || seen.has(s.name)) continue;
    seen.add(s.name);
    imports.push({ name: s.name, weak: s.bind === STB_WEAK, certain: true });
  }
  const hasVersions = findAllocSection(elf, '__versions') !== undefined;
  return {
    name: image.name,
    origin: 'ko',
    path: filePath,
    modinfo: image.modinfo,
    ...(image.vermagic !== undefined ? { vermagic: image.vermagic } : {}),
    ...(image.license !== undefined ? { license: image.license } : {}),
    exports: exportsWithCrcs(elf, image),
    imports,
    ...(hasVersions ? { versions: image.versions } : {}),
    builtAgainstTarget: false,
    hasInit: image.hasInit,
    hasExit: image.hasExit,
    sections,
    symbols: defined,
    symbolTable: {
      entries: symbols.length,
      stringBytes: table ? (elf.sections[elf.sections[table.sectionIndex]?.link ?? 0]?.contents.length ?? 0) : 0,
    },
    parameters: parametersOf(elf, symbols, image),
    signed: image.signed,
    approximations: [],
  };
}

/** The ELF part of the file: a module signature and its marker are cut off the end. */
function elfLength(bytes: Uint8Array, image: ModuleImage): number {
  if (!image.signed) return bytes.length;
  const marker = new TextEncoder().encode(MODULE_SIGNATURE_MARKER);
  const reader = new ByteReader(bytes);
  // struct module_signature (12 bytes) precedes the marker; sig_len is big-endian at its end.
  const at = bytes.length - marker.length - 12;
  const b = (i: number) => reader.u8(at + i) ?? 0;
  const sigLen = ((b(8) << 24) | (b(9) << 16) | (b(10) << 8) | b(11)) >>> 0;
  const length = at - sigLen;
  return length > 0 ? length : bytes.length;
}

/** sh_addralign of every section header (ElfSection does not carry it). */
function sectionAlignments(elf: ElfImage): number[] {
  const reader = elf.reader;
  const shoff = Number(reader.u64(0x28) ?? 0n);
  const shentsize = reader.u16(0x3a) ?? 64;
  return elf.sections.map((_, i) => Number(reader.u64(shoff + i * shentsize + 48) ?? 1n));
}

function exportsWithCrcs(elf: ImageLike, image: ModuleImage): LoadableExport[] {
  const crcs = new Map<string, number>();
  for (const [ksymtab, kcrctab, gplOnly] of [
    ['__ksymtab', '__kcrctab', false],
    ['__ksymtab_gpl', '__kcrctab_gpl', true],
  ] as const) {
    const names = image.exports.filter((e) => e.gplOnly === gplOnly).map((e) => e.name);
    const table = findAllocSection(elf, ksymtab);
    const crcSection = findAllocSection(elf, kcrctab);
    if (table === undefined || crcSection === undefined) continue;
    // Entries are read in table order; only when every entry was resolved do indices line up.
    if (names.length !== Math.floor(table.contents.length / 12)) continue;
    const reader = new ByteReader(crcSection.contents);
    names.forEach((name, i) => {
      const crc = reader.u32(i * 4);
      if (crc !== undefined) crcs.set(name, crc);
    });
  }
  return image.exports.map((e) => {
    const crc = crcs.get(e.name);
    return crc === undefined ? { ...e } : { ...e, crc };
  });
}

type ImageLike = ElfImage;

interface Pointer {
  readonly section: ElfSection;
  readonly offset: number;
  readonly symbol: ElfSymbol;
}

/** Where the 8-byte pointer at `offset` in `section` points once relocated (R_X86_64_64). */
function pointerAt(
  elf: ElfImage,
  symbols: readonly ElfSymbol[],
  relocations: Map<number, ElfRelocation[]>,
  section: ElfSection,
  offset: number,
): Pointer | undefined {
  let list = relocations.get(section.index);
  if (list === undefined) {
    list = relocationsFor(elf, section.index);
    relocations.set(section.index, list);
  }
  const relocation = list.find((r) => Number(r.offset) === offset && r.type === R_X86_64_64);
  if (relocation === undefined) return undefined;
  const symbol = symbols[relocation.symbolIndex];
  if (symbol === undefined) return undefined;
  if (symbol.shndx === SHN_UNDEF) return { section, offset: -1, symbol };
  const target = elf.sections[symbol.shndx];
  if (target === undefined) return undefined;
  return { section: target, offset: Number(symbol.value + relocation.addend), symbol };
}

const WIDTH: Partial<Record<ParameterType, { bytes: number; signed: boolean }>> = {
  byte: { bytes: 1, signed: false },
  short: { bytes: 2, signed: true },
  ushort: { bytes: 2, signed: false },
  int: { bytes: 4, signed: true },
  uint: { bytes: 4, signed: false },
  hexint: { bytes: 4, signed: false },
  bint: { bytes: 4, signed: true },
  long: { bytes: 8, signed: true },
  ulong: { bytes: 8, signed: false },
  ullong: { bytes: 8, signed: false },
  bool: { bytes: 1, signed: false },
  invbool: { bytes: 1, signed: false },
};

function readInteger(section: ElfSection, offset: number, type: ParameterType): bigint | undefined {
  const width = WIDTH[type];
  if (width === undefined) return undefined;
  // .bss has no file bytes: zero.
  if (section.type === SHT_NOBITS) return 0n;
  let value = 0n;
  for (let i = width.bytes - 1; i >= 0; i--) {
    const byte = section.contents[offset + i];
    if (byte === undefined) return undefined;
    value = (value << 8n) | BigInt(byte);
  }
  if (width.signed && value >= 1n << BigInt(width.bytes * 8 - 1)) value -= 1n << BigInt(width.bytes * 8);
  return value;
}

/** A value as the type's get() prints it (without the newline). */
export function formatParameterValue(type: ParameterType, value: bigint): string {
  switch (type) {
    case 'bool':
    case 'bint':
      return value !== 0n ? 'Y' : 'N';
    case 'invbool':
      return value !== 0n ? 'N' : 'Y';
    case 'hexint':
      return `0x${value.toString(16).padStart(6, '0')}`;
    default:
      return value.toString();
  }
}

function parametersOf(elf: ElfImage, symbols: readonly ElfSymbol[], image: ModuleImage): LoadableParameter[] {
  const section = findAllocSection(elf, '__param');
  const descriptions = new Map(image.parameters.map((p) => [p.name, p]));
  if (section === undefined) {
    return image.parameters.map((p) => ({
      name: p.name,
      type: typeFromModinfo(p.type),
      perm: 0,
      initial: [],
      ...(p.description !== undefined ? { description: p.description } : {}),
      from: 'modinfo',
    }));
  }
  const relocations = new Map<number, ElfRelocation[]>();
  const reader = new ByteReader(section.contents);
  const count = Math.floor(section.contents.length / KERNEL_PARAM_SIZE);
  const parameters: LoadableParameter[] = [];
  /** A char * as param_get_charp prints it: the string it points to, "(null)" for NULL (no relocation). */
  const charpAt = (where: ElfSection, offset: number): string => {
    const target = pointerAt(elf, symbols, relocations, where, offset);
    return target && target.offset >= 0 ? (cString(target.section.contents, target.offset) ?? '(null)') : '(null)';
  };
  for (let i = 0; i < count; i++) {
    const at = i * KERNEL_PARAM_SIZE;
    const namePointer = pointerAt(elf, symbols, relocations, section, at);
    const name =
      namePointer && namePointer.offset >= 0 ? cString(namePointer.section.contents, namePointer.offset) : undefined;
    if (name === undefined || name === '') continue;
    const ops = pointerAt(elf, symbols, relocations, section, at + 16)?.symbol.name ?? '';
    const perm = reader.u16(at + 24) ?? 0;
    const arg = pointerAt(elf, symbols, relocations, section, at + 32);
    const info = descriptions.get(name);
    const base = {
      name,
      perm,
      ...(info?.description !== undefined ? { description: info.description } : {}),
      from: 'elf' as const,
    };
    if (ops === 'param_array_ops' && arg !== undefined && arg.offset >= 0) {
      const array = new ByteReader(arg.section.contents);
      const max = array.u32(arg.offset) ?? 0;
      const elemsize = array.u32(arg.offset + 4) ?? 0;
      const numPointer = pointerAt(elf, symbols, relocations, arg.section, arg.offset + 8);
      const elemOps = pointerAt(elf, symbols, relocations, arg.section, arg.offset + 16)?.symbol.name ?? '';
      const elem = pointerAt(elf, symbols, relocations, arg.section, arg.offset + 24);
      const type = typeFromOps(elemOps);
      const countValue =
        numPointer !== undefined && numPointer.offset >= 0
          ? Number(readInteger(numPointer.section, numPointer.offset, 'uint') ?? 0n)
          : max;
      const initial: string[] = [];
      for (let e = 0; e < Math.min(countValue, max); e++) {
        if (type === 'charp') {
          initial.push(elem && elem.offset >= 0 ? charpAt(elem.section, elem.offset + e * elemsize) : '(null)');
          continue;
        }
        const value =
          elem && elem.offset >= 0 ? readInteger(elem.section, elem.offset + e * elemsize, type) : undefined;
        initial.push(value === undefined ? '' : formatParameterValue(type, value));
      }
      const fixed = numPointer === undefined;
      parameters.push({ ...base, type, array: { max, count: Math.min(countValue, max), fixed }, initial });
      continue;
    }
    if (ops === 'param_ops_string' && arg !== undefined && arg.offset >= 0) {
      const maxLength = new ByteReader(arg.section.contents).u32(arg.offset) ?? 0;
      const buffer = pointerAt(elf, symbols, relocations, arg.section, arg.offset + 8);
      const text =
        buffer && buffer.offset >= 0
          ? buffer.section.type === SHT_NOBITS
            ? ''
            : (cString(buffer.section.contents, buffer.offset) ?? '')
          : '';
      parameters.push({ ...base, type: 'string', maxLength, initial: [text] });
      continue;
    }
    const type = typeFromOps(ops);
    let initial: string[] = [];
    if (arg !== undefined && arg.offset >= 0) {
      if (type === 'charp') {
        initial = [charpAt(arg.section, arg.offset)];
      } else {
        const value = readInteger(arg.section, arg.offset, type);
        if (value !== undefined) initial = [formatParameterValue(type, value)];
      }
    }
    parameters.push({ ...base, type, initial });
  }
  return parameters;
}

function typeFromOps(ops: string): ParameterType {
  const match = /^param_ops_(\w+)$/.exec(ops);
  return match ? typeFromModinfo(match[1]) : 'unknown';
}

const TYPES = new Set<ParameterType>([...STANDARD_PARAMETER_TYPES, 'string']);

export function typeFromModinfo(type: string | undefined): ParameterType {
  const t = (type ?? '').replace(/^array of /, '');
  return TYPES.has(t as ParameterType) ? (t as ParameterType) : 'unknown';
}
