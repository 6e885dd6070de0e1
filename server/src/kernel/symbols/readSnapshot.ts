import { readKallsyms, type SymbolSnapshot } from './kallsymsReader';
import { readKoExports, type KoSnapshot } from './koExportsReader';
import { readModuleSymvers, type ExportSnapshot } from './moduleSymversReader';
import { detectSnapshotFormat, type SnapshotFileKind } from './snapshotFormat';
import type { SnapshotInput } from './snapshotLines';

export type Snapshot = SymbolSnapshot | ExportSnapshot | KoSnapshot;

/**
 * Reads any symbol snapshot, its format told from its content unless `kind` is given. Throws only
 * SnapshotError: the file cannot be read, or is not a snapshot at all (naming the first bad line).
 */
export function readSnapshot(input: SnapshotInput, kind: SnapshotFileKind = detectSnapshotFormat(input)): Snapshot {
  switch (kind) {
    case 'module-symvers':
      return readModuleSymvers(input);
    case 'ko':
      return readKoExports(input);
    case 'kallsyms':
    case 'system-map':
      return readKallsyms(input, kind);
  }
}
