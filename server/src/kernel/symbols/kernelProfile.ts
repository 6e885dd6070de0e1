/**
 * A kernel profile: what one target kernel exports and has, combined from symbol snapshots
 * (Module.symvers, /proc/kallsyms, System.map, .ko files). Editor-free; the checks, hover and
 * completion read it, and the simulated kernel takes its exported-symbol table from it.
 */

/** One export as Module.symvers records it (or as a __ksymtab entry shows it). */
export interface ExportedSymbol {
  readonly name: string;
  /** `vmlinux`, or the module's name (`snd` for sound/core/snd). */
  readonly owner: string;
  /** Module.symvers' owner column as written (`sound/core/snd`, `vmlinux`), when known. */
  readonly ownerPath?: string;
  /** EXPORT_SYMBOL_GPL / EXPORT_SYMBOL_NS_GPL. */
  readonly gplOnly: boolean;
  readonly namespace?: string;
  /** The modversions CRC, when a Module.symvers gave one. */
  readonly crc?: number;
  /**
   * False when the snapshot cannot tell EXPORT_SYMBOL from EXPORT_SYMBOL_GPL (vmlinux's `__ksymtab_`
   * entries in a kallsyms with hidden addresses); `gplOnly` is then false. Absent: known.
   */
  readonly gplOnlyKnown?: boolean;
}

/** One line of /proc/kallsyms or System.map. */
export interface KernelSymbol {
  readonly name: string;
  /** The nm type letter: T/t text, D/d data, B/b bss, R/r read-only, W/w weak, … Upper case is global. */
  readonly type: string;
  /** The address as 16 hex digits; absent when the snapshot hides addresses (all zeros). */
  readonly address?: string;
  /** The module that holds it, for `[module]` lines of kallsyms. */
  readonly module?: string;
}

/**
 * Which exports `exported()` can know of: every module's (Module.symvers), only those of vmlinux and
 * the modules loaded when a kallsyms was taken, only vmlinux's (System.map), or none.
 */
export type ExportsCoverage = 'all-modules' | 'loaded-modules' | 'vmlinux-only' | 'none';

export type SnapshotKind = 'module-symvers' | 'kallsyms' | 'system-map' | 'ko' | 'bundled';

/** A file a profile was read from, for showing which profile is active. */
export interface ProfileSource {
  readonly kind: SnapshotKind;
  /** The file read, or the bundled profile's name. */
  readonly path: string;
  /** Lines or entries taken from it. */
  readonly entries: number;
  /** Problems that did not stop the read: skipped lines, hidden addresses, … each naming file and line. */
  readonly warnings: readonly string[];
}

export interface ProfileCounts {
  readonly exports: number;
  readonly gplOnly: number;
  readonly namespaced: number;
  /** Symbols known from kallsyms/System.map (0 with only a Module.symvers). */
  readonly symbols: number;
}

export interface KernelProfile {
  /** The kernel release (`6.1.0-56-amd64`), when a setting or a snapshot gave it. */
  readonly release?: string;
  readonly sources: readonly ProfileSource[];
  /**
   * Whether `exported()` is authoritative: true with a Module.symvers, or a kallsyms that holds
   * `__ksymtab_` entries. With a plain kallsyms, export status is unknown and global symbols are
   * only candidates.
   */
  readonly exportsKnown: boolean;
  /** How far `exportsKnown` reaches; absent in profiles made by hand (tests). */
  readonly exportsCoverage?: ExportsCoverage;
  /** A kallsyms snapshot read with every address zero (kptr_restrict). */
  readonly addressesHidden: boolean;
  /** Whether the symbol table includes data symbols (CONFIG_KALLSYMS_ALL, or a System.map). */
  readonly hasDataSymbols: boolean;
  readonly counts: ProfileCounts;
  exported(name: string): ExportedSymbol | undefined;
  /** The first global symbol of that name, else the first one (static functions may share a name). */
  symbol(name: string): KernelSymbol | undefined;
  /** Every symbol of that name, in snapshot order; optional for profiles made by hand (tests). */
  symbolsNamed?(name: string): readonly KernelSymbol[];
  /** Every exported name, in a stable order (for completion and did-you-mean). */
  exportedNames(): readonly string[];
}
