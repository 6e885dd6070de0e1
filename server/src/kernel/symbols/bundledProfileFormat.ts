import { brotliCompressSync, brotliDecompressSync, constants as zlib } from 'node:zlib';
import { ExportTable } from './exportTable';
import { SnapshotError } from './snapshotError';
import { nameHash, SymbolTable } from './symbolTable';

/**
 * The bundled profile's file: brotli-compressed JSON, column-wise so that it compresses well and
 * loads without a line parser. Exports keep Module.symvers' order (grouped by owner, so owners are
 * run-length coded) and CRCs; symbols keep System.map's order (by address, so addresses are small
 * deltas). About 0.6 MB for Debian's 6.1 (24,683 exports, 94,280 symbols).
 */
export const PROFILE_FORMAT = 'lkm-kernel-profile';
export const PROFILE_FORMAT_VERSION = 1;

/** Where the data came from, for provenance and for `npm run profile:update` to tell what changed. */
export interface BundledInput {
  readonly kind: 'module-symvers' | 'system-map';
  /** The Debian package and its version (`linux-headers-6.1.0-56-amd64`, `6.1.192-2`). */
  readonly package: string;
  readonly packageVersion: string;
  /** The file's path inside the package. */
  readonly file: string;
  readonly sha256: string;
  readonly entries: number;
}

export interface BundledHeader {
  readonly format: typeof PROFILE_FORMAT;
  readonly version: typeof PROFILE_FORMAT_VERSION;
  readonly release: string;
  /** What a user reads about it: `Debian's Linux 6.1.0-56-amd64 (6.1.192-2)`. */
  readonly description: string;
  readonly inputs: readonly BundledInput[];
  readonly hasDataSymbols: boolean;
}

interface EncodedExports {
  /** Names joined by newlines. */
  readonly names: string;
  readonly owners: readonly string[];
  /** [owner index, how many exports in a row] pairs, flattened. */
  readonly ownerRuns: readonly number[];
  /** One character per export: `1` GPL-only, `0` not. */
  readonly gplOnly: string;
  readonly namespaces: readonly string[];
  /** [export index, namespace index] pairs, flattened, for namespaced exports only. */
  readonly namespaceOf: readonly number[];
  /** Eight hex digits per export. */
  readonly crcs: string;
}

interface EncodedSymbols {
  readonly names: string;
  /** One type letter per symbol. */
  readonly types: string;
  /** [high 32 bits, how many symbols in a row] pairs, flattened. */
  readonly highRuns: readonly number[];
  /** Low 32 bits, each as the difference from the previous symbol's. */
  readonly lowDeltas: readonly number[];
  readonly modules: readonly string[];
  /** [module index, how many in a row] pairs, flattened (0 is vmlinux). */
  readonly moduleRuns: readonly number[];
}

interface EncodedProfile extends BundledHeader {
  readonly exports: EncodedExports;
  readonly symbols: EncodedSymbols;
}

export interface DecodedProfile {
  readonly header: BundledHeader;
  readonly exports: ExportTable;
  readonly symbols: SymbolTable;
}

export function encodeBundledProfile(header: BundledHeader, exports: ExportTable, symbols: SymbolTable): Buffer {
  const encoded: EncodedProfile = {
    ...header,
    exports: encodeExports(exports),
    symbols: encodeSymbols(symbols),
  };
  return brotliCompressSync(Buffer.from(JSON.stringify(encoded)), {
    params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_LGWIN]: 24 },
  });
}

function runs(count: number, valueAt: (index: number) => number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const value = valueAt(i);
    if (out.length > 0 && out[out.length - 2] === value) out[out.length - 1]!++;
    else out.push(value, 1);
  }
  return out;
}

function encodeExports(table: ExportTable): EncodedExports {
  const entries = Array.from({ length: table.size }, (_, i) => table.entryAt(i));
  const owners: string[] = [];
  const ownerIds = new Map<string, number>();
  const namespaces: string[] = [];
  const namespaceIds = new Map<string, number>();
  const id = (ids: Map<string, number>, values: string[], value: string): number => {
    if (!ids.has(value)) ids.set(value, values.push(value) - 1);
    return ids.get(value)!;
  };
  const namespaceOf: number[] = [];
  entries.forEach((e, i) => {
    if (e.namespace !== undefined) namespaceOf.push(i, id(namespaceIds, namespaces, e.namespace));
  });
  return {
    names: entries.map((e) => e.name).join('\n'),
    owners,
    ownerRuns: runs(entries.length, (i) => id(ownerIds, owners, entries[i]!.ownerPath)),
    gplOnly: entries.map((e) => (e.gplOnly ? '1' : '0')).join(''),
    namespaces,
    namespaceOf,
    crcs: entries.map((e) => (e.crc ?? 0).toString(16).padStart(8, '0')).join(''),
  };
}

function encodeSymbols(table: SymbolTable): EncodedSymbols {
  const names: string[] = [];
  let types = '';
  const lowDeltas: number[] = [];
  let previousLow = 0;
  for (let i = 0; i < table.size; i++) {
    names.push(table.name(i));
    types += String.fromCharCode(table.typeCode(i));
    lowDeltas.push(table.addressLow(i) - previousLow);
    previousLow = table.addressLow(i);
  }
  return {
    names: names.join('\n'),
    types,
    highRuns: runs(table.size, (i) => table.addressHigh(i)),
    lowDeltas,
    modules: table.modules.slice(1),
    moduleRuns: runs(table.size, (i) => table.moduleIndex(i)),
  };
}

/** Reads a bundled profile file's bytes; a damaged or foreign file is a SnapshotError naming it. */
export function decodeBundledProfile(bytes: Uint8Array, file: string): DecodedProfile {
  let encoded: EncodedProfile;
  try {
    encoded = JSON.parse(brotliDecompressSync(bytes).toString('utf8')) as EncodedProfile;
  } catch (error) {
    throw new SnapshotError(file, 0, `is not a bundled kernel profile (${(error as Error).message})`, { cause: error });
  }
  if (encoded?.format !== PROFILE_FORMAT || encoded.version !== PROFILE_FORMAT_VERSION) {
    throw new SnapshotError(file, 0, `is not a version ${PROFILE_FORMAT_VERSION} ${PROFILE_FORMAT} file`);
  }
  try {
    const { exports, symbols, ...header } = encoded;
    return { header, exports: decodeExports(exports), symbols: decodeSymbols(symbols) };
  } catch (error) {
    throw new SnapshotError(file, 0, `is a damaged bundled kernel profile (${(error as Error).message})`, {
      cause: error,
    });
  }
}

/** Expands [value, count] pairs into a function of the index, checking they cover `count` entries. */
function expandRuns(pairs: readonly number[], count: number, what: string): Uint32Array {
  const values = new Uint32Array(count);
  let at = 0;
  for (let p = 0; p + 1 < pairs.length; p += 2) {
    const end = at + pairs[p + 1]!;
    if (end > count) break;
    values.fill(pairs[p]!, at, end);
    at = end;
  }
  if (at !== count) throw new Error(`${what} cover ${at} entries, not ${count}`);
  return values;
}

function decodeExports(encoded: EncodedExports): ExportTable {
  const names = encoded.names.split('\n');
  const owners = expandRuns(encoded.ownerRuns, names.length, 'export owners');
  const namespaceOf = new Map<number, string>();
  for (let p = 0; p + 1 < encoded.namespaceOf.length; p += 2) {
    namespaceOf.set(encoded.namespaceOf[p]!, encoded.namespaces[encoded.namespaceOf[p + 1]!]!);
  }
  if (encoded.gplOnly.length !== names.length || encoded.crcs.length !== names.length * 8) {
    throw new Error('export columns differ in length');
  }
  const table = new ExportTable();
  for (let i = 0; i < names.length; i++) {
    const namespace = namespaceOf.get(i);
    table.add({
      name: names[i]!,
      ownerPath: encoded.owners[owners[i]!]!,
      gplOnly: encoded.gplOnly.charCodeAt(i) === 0x31,
      ...(namespace !== undefined ? { namespace } : {}),
      crc: parseInt(encoded.crcs.slice(i * 8, i * 8 + 8), 16),
    });
  }
  return table;
}

function decodeSymbols(encoded: EncodedSymbols): SymbolTable {
  const table = new SymbolTable();
  const text = encoded.names;
  const count = encoded.types.length;
  const highs = expandRuns(encoded.highRuns, count, 'address runs');
  const modules = expandRuns(encoded.moduleRuns, count, 'module runs');
  const moduleIds = [0, ...encoded.modules.map((m) => table.moduleId(m) ?? 0)];
  if (encoded.lowDeltas.length !== count) throw new Error('symbol columns differ in length');
  const textIndex = table.addText(text)!;
  let low = 0;
  let start = 0;
  for (let i = 0; i < count; i++) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    low = (low + encoded.lowDeltas[i]!) >>> 0;
    table.add(
      textIndex,
      start,
      end,
      nameHash(text, start, end),
      encoded.types.charCodeAt(i),
      highs[i]!,
      low,
      moduleIds[modules[i]!] ?? 0,
    );
    start = end + 1;
  }
  if (start !== text.length + 1) throw new Error('symbol names and types differ in number');
  return table;
}
