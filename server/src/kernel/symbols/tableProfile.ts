import type { ExportTable } from './exportTable';
import type {
  ExportedSymbol,
  ExportsCoverage,
  KernelProfile,
  KernelSymbol,
  ProfileCounts,
  ProfileSource,
} from './kernelProfile';
import type { SymbolTable } from './symbolTable';

export interface TableProfileParts {
  readonly release?: string;
  readonly sources: readonly ProfileSource[];
  readonly exports: ExportTable;
  readonly exportsCoverage: ExportsCoverage;
  readonly symbols?: SymbolTable;
  readonly hasDataSymbols: boolean;
}

/** A KernelProfile over the column tables the readers fill; objects are made per lookup, never up front. */
export class TableProfile implements KernelProfile {
  readonly release?: string;
  readonly sources: readonly ProfileSource[];
  readonly exportsKnown: boolean;
  readonly exportsCoverage: ExportsCoverage;
  readonly addressesHidden: boolean;
  readonly hasDataSymbols: boolean;
  readonly counts: ProfileCounts;
  private readonly exportTable: ExportTable;
  private readonly symbolTable: SymbolTable | undefined;

  constructor(private readonly parts: TableProfileParts) {
    if (parts.release !== undefined) this.release = parts.release;
    this.sources = parts.sources;
    this.exportTable = parts.exports;
    this.exportsCoverage = parts.exportsCoverage;
    this.exportsKnown = parts.exportsCoverage !== 'none';
    this.symbolTable = parts.symbols;
    this.addressesHidden = parts.symbols?.addressesHidden ?? false;
    this.hasDataSymbols = parts.symbols !== undefined && parts.hasDataSymbols;
    this.counts = {
      exports: parts.exports.size,
      gplOnly: parts.exports.gplOnly,
      namespaced: parts.exports.namespaced,
      symbols: parts.symbols?.size ?? 0,
    };
  }

  /** The same tables under another release (the one a user declared). */
  withRelease(release: string): TableProfile {
    return new TableProfile({ ...this.parts, release });
  }

  exported(name: string): ExportedSymbol | undefined {
    return this.exportTable.exported(name);
  }

  symbol(name: string): KernelSymbol | undefined {
    const table = this.symbolTable;
    if (table === undefined) return undefined;
    const index = table.find(name);
    return index === -1 ? undefined : table.symbolAt(index);
  }

  symbolsNamed(name: string): readonly KernelSymbol[] {
    const table = this.symbolTable;
    return table === undefined ? [] : table.findAll(name).map((index) => table.symbolAt(index));
  }

  exportedNames(): readonly string[] {
    return this.exportTable.names;
  }
}
