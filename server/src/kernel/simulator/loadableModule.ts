/**
 * The one shape the simulated kernel loads: what a .ko (read with the ELF reader) or a module's
 * sources (read with the module model) tell about a module. Everything is plain data, so a loaded
 * module can be saved and restored with the kernel.
 */
import type { ModinfoEntry, ModuleVersion } from '../elf/moduleImage';

export interface LoadableSection {
  readonly name: string;
  /** sh_size (for .bss the memory it takes). */
  readonly size: number;
  /** sh_flags: SHF_WRITE 0x1, SHF_ALLOC 0x2, SHF_EXECINSTR 0x4, SHF_STRINGS 0x20. */
  readonly flags: number;
  readonly type: number;
  /** sh_addralign (at least 1). */
  readonly align: number;
}

export interface LoadableSymbol {
  readonly name: string;
  /** The section it is defined in (by name). */
  readonly section: string;
  /** st_value: offset in its section. */
  readonly value: number;
  readonly size: number;
  readonly global: boolean;
  readonly kind: 'function' | 'object' | 'other';
}

export interface LoadableImport {
  readonly name: string;
  /** STB_WEAK: an unresolved weak symbol is fine. */
  readonly weak: boolean;
  /**
   * False for names read from sources that may as well be header macros or inlines: they count
   * only when some loaded code exports them (sources cannot tell; a .ko can).
   */
  readonly certain: boolean;
}

export interface LoadableExport {
  readonly name: string;
  readonly gplOnly: boolean;
  readonly namespace?: string;
  /** From __kcrctab (modversions), when the image has one. */
  readonly crc?: number;
}

/** kernel/params.c's standard types, plus `string` (module_param_string). */
export type ParameterType =
  | 'byte'
  | 'short'
  | 'ushort'
  | 'int'
  | 'uint'
  | 'long'
  | 'ulong'
  | 'ullong'
  | 'hexint'
  | 'charp'
  | 'bool'
  | 'invbool'
  | 'bint'
  | 'string'
  | 'unknown';

export interface LoadableParameter {
  readonly name: string;
  /** For an array, the element type. */
  readonly type: ParameterType;
  /**
   * module_param_array: at most `max` elements; `count` is the initial number of elements. `fixed`:
   * no count variable (num NULL), so get() always prints `max` elements.
   */
  readonly array?: { readonly max: number; readonly count: number; readonly fixed?: boolean };
  /** module_param_string: the buffer size (the string may hold maxLength - 1 characters). */
  readonly maxLength?: number;
  /** The sysfs mode (0 = no file in /sys/module/<m>/parameters). */
  readonly perm: number;
  /** The initial value as the parameter's get() prints it, without the newline; elements for arrays. */
  readonly initial: readonly string[];
  readonly description?: string;
  /** Where type, permissions and initial value were read: the .ko's __param table, or the sources. */
  readonly from: 'elf' | 'source' | 'modinfo';
}

export interface LoadableModule {
  /** KBUILD_MODNAME. */
  readonly name: string;
  readonly origin: 'ko' | 'source';
  /** The .ko file or the source folder it was read from. */
  readonly path: string;
  readonly modinfo: readonly ModinfoEntry[];
  readonly vermagic?: string;
  readonly license?: string;
  readonly exports: readonly LoadableExport[];
  /** Undefined symbols in symbol-table order (the order the loader resolves and reports them). */
  readonly imports: readonly LoadableImport[];
  /** __versions; undefined when there is no such section. */
  readonly versions?: readonly ModuleVersion[];
  /**
   * Built from sources against the target kernel: modpost would record the target's CRCs, so
   * symbol versions always agree.
   */
  readonly builtAgainstTarget: boolean;
  readonly hasInit: boolean;
  readonly hasExit: boolean;
  readonly sections: readonly LoadableSection[];
  /** Defined, named symbols in symbol-table order (no section or file symbols). */
  readonly symbols: readonly LoadableSymbol[];
  /** Sizes of the whole .symtab (entries) and .strtab (bytes): the init part holds them while init runs. */
  readonly symbolTable: { readonly entries: number; readonly stringBytes: number };
  readonly parameters: readonly LoadableParameter[];
  /** A module signature is appended (it is not verified: a signed module counts as trusted). */
  readonly signed: boolean;
  /** Where the model is approximate (sizes estimated from sources, imports guessed, …), in words. */
  readonly approximations: readonly string[];
  /** The folder of the module's C sources, when found (beside a .ko, or the source folder itself). */
  readonly sourceDir?: string;
}

/** The first value of a modinfo key. */
export function modinfoValue(module: Pick<LoadableModule, 'modinfo'>, key: string): string | undefined {
  return module.modinfo.find((e) => e.key === key)?.value;
}

export function modinfoValues(module: Pick<LoadableModule, 'modinfo'>, key: string): string[] {
  return module.modinfo.filter((e) => e.key === key).map((e) => e.value);
}

/** libkmod's modname_normalize: `-` becomes `_`, and the name stops at the first `.`. */
export function normalizeModuleName(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.indexOf('.');
  return (dot === -1 ? base : base.slice(0, dot)).replace(/-/g, '_');
}
