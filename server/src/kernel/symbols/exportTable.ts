import type { ExportedSymbol } from './kernelProfile';

const INITIAL_CAPACITY = 1024;
const GPL_ONLY = 1;
const HAS_CRC = 2;
/** The snapshot cannot tell EXPORT_SYMBOL from EXPORT_SYMBOL_GPL (a module's __ksymtab_ entry in kallsyms). */
const GPL_UNKNOWN = 4;

export interface ExportEntry {
  readonly name: string;
  /** The owner as the snapshot writes it: `vmlinux`, `sound/core/snd`, or a .ko's module name. */
  readonly ownerPath: string;
  readonly gplOnly: boolean;
  /** False when the snapshot cannot tell; gplOnly is then false. */
  readonly gplOnlyKnown?: boolean;
  readonly namespace?: string;
  readonly crc?: number;
}

/** `sound/core/snd` → `snd`; `vmlinux` stays; a `.ko` suffix (some external Module.symvers) goes. */
export function ownerName(ownerPath: string): string {
  const base = ownerPath.slice(ownerPath.lastIndexOf('/') + 1);
  return base.endsWith('.ko') ? base.slice(0, -3) : base;
}

/**
 * Exports stored column-wise (Debian 6.1 has 24,683): owners and namespaces are numbered, CRCs sit
 * in a typed array, and ExportedSymbol objects are made only when asked for. The first export of a
 * name wins; later ones are counted as duplicates for the reader to report.
 */
export class ExportTable {
  /** Every exported name in the order read; unique. */
  readonly names: string[] = [];
  private crcs = new Uint32Array(INITIAL_CAPACITY);
  private flags = new Uint8Array(INITIAL_CAPACITY);
  private ownerOf = new Uint16Array(INITIAL_CAPACITY);
  private namespaceOf = new Uint16Array(INITIAL_CAPACITY);
  private readonly byName = new Map<string, number>();
  /** Owner paths by index, with their owner names beside them. */
  readonly ownerPaths: string[] = [];
  private readonly owners: string[] = [];
  private readonly ownerIds = new Map<string, number>();
  /** Namespaces by index; index 0 is "no namespace". */
  readonly namespaces: string[] = [''];
  private readonly namespaceIds = new Map<string, number>([['', 0]]);
  private lastOwnerPath: string | undefined;
  private lastOwner = 0;
  private gplOnlyCount = 0;
  private namespacedCount = 0;

  get size(): number {
    return this.names.length;
  }

  get gplOnly(): number {
    return this.gplOnlyCount;
  }

  get namespaced(): number {
    return this.namespacedCount;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Adds an export; false (and nothing added) when the name is already exported, or the table is full. */
  add(entry: ExportEntry): boolean {
    return this.addFields(
      entry.name,
      entry.ownerPath,
      entry.gplOnly,
      entry.gplOnlyKnown !== false,
      entry.namespace ?? '',
      entry.crc ?? -1,
    );
  }

  /**
   * add() without an object per export, for the readers: `namespace` '' for none, `crc` -1 for none.
   * Module.symvers lists each owner's exports together, so the last owner is remembered.
   */
  addFields(
    name: string,
    ownerPath: string,
    gplOnly: boolean,
    gplKnown: boolean,
    namespace: string,
    crc: number,
  ): boolean {
    if (this.byName.get(name) !== undefined) return false;
    const owner =
      ownerPath === this.lastOwnerPath ? this.lastOwner : this.id(this.ownerIds, this.ownerPaths, ownerPath);
    const namespaceId = namespace === '' ? 0 : this.id(this.namespaceIds, this.namespaces, namespace);
    if (owner === undefined || namespaceId === undefined) return false;
    if (owner === this.owners.length) this.owners.push(ownerName(ownerPath));
    this.lastOwnerPath = ownerPath;
    this.lastOwner = owner;
    const index = this.names.length;
    if (index === this.crcs.length) this.grow();
    this.names.push(name);
    this.byName.set(name, index);
    const gpl = gplOnly && gplKnown;
    this.crcs[index] = crc < 0 ? 0 : crc;
    this.flags[index] = (gpl ? GPL_ONLY : 0) | (crc >= 0 ? HAS_CRC : 0) | (gplKnown ? 0 : GPL_UNKNOWN);
    this.ownerOf[index] = owner;
    this.namespaceOf[index] = namespaceId;
    if (gpl) this.gplOnlyCount++;
    if (namespaceId !== 0) this.namespacedCount++;
    return true;
  }

  /** Adds every export of `other` not already here; returns how many were already here. */
  addAll(other: ExportTable): number {
    let duplicates = 0;
    for (let i = 0; i < other.size; i++) {
      if (!this.add(other.entryAt(i))) duplicates++;
    }
    return duplicates;
  }

  exported(name: string): ExportedSymbol | undefined {
    const index = this.byName.get(name);
    return index === undefined ? undefined : this.entryAt(index);
  }

  entryAt(index: number): ExportedSymbol & ExportEntry {
    const flags = this.flags[index]!;
    const ownerPath = this.ownerPaths[this.ownerOf[index]!]!;
    const namespace = this.namespaces[this.namespaceOf[index]!]!;
    // Built field by field: object spreads cost more than the lookup itself.
    const entry: { -readonly [K in keyof (ExportedSymbol & ExportEntry)]: (ExportedSymbol & ExportEntry)[K] } = {
      name: this.names[index]!,
      owner: this.owners[this.ownerOf[index]!]!,
      ownerPath,
      gplOnly: (flags & GPL_ONLY) !== 0,
    };
    if ((flags & GPL_UNKNOWN) !== 0) entry.gplOnlyKnown = false;
    if (namespace !== '') entry.namespace = namespace;
    if ((flags & HAS_CRC) !== 0) entry.crc = this.crcs[index]!;
    return entry;
  }

  private id(ids: Map<string, number>, values: string[], value: string): number | undefined {
    const known = ids.get(value);
    if (known !== undefined) return known;
    if (values.length > 0xffff) return undefined;
    values.push(value);
    ids.set(value, values.length - 1);
    return values.length - 1;
  }

  private grow(): void {
    const capacity = this.crcs.length * 2;
    const crcs = new Uint32Array(capacity);
    crcs.set(this.crcs);
    this.crcs = crcs;
    const flags = new Uint8Array(capacity);
    flags.set(this.flags);
    this.flags = flags;
    const owners = new Uint16Array(capacity);
    owners.set(this.ownerOf);
    this.ownerOf = owners;
    const namespaces = new Uint16Array(capacity);
    namespaces.set(this.namespaceOf);
    this.namespaceOf = namespaces;
  }
}
