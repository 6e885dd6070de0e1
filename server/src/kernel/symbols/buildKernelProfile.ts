import * as path from 'node:path';
import { ExportTable } from './exportTable';
import type { SymbolSnapshot } from './kallsymsReader';
import type { ExportsCoverage, KernelProfile, ProfileSource } from './kernelProfile';
import type { KoSnapshot } from './koExportsReader';
import type { ExportSnapshot } from './moduleSymversReader';
import type { Snapshot } from './readSnapshot';
import { TableProfile } from './tableProfile';

/** A release in a snapshot's path: `System.map-6.1.0-56-amd64`, `/usr/src/linux-headers-<r>/`, `/lib/modules/<r>/`. */
const RELEASE_IN_PATH = /(?:System\.map-|linux-headers-|\/lib\/modules\/)(\d+\.\d+[^/\s]*)/;

export function releaseFromPath(file: string): string | undefined {
  return RELEASE_IN_PATH.exec(file)?.[1];
}

/**
 * Combines snapshots of one kernel into a profile. Exports come from Module.symvers (every module's),
 * else from the `__ksymtab_` entries of a kallsyms (vmlinux and the modules loaded) or System.map
 * (vmlinux only); a .ko adds its own. Symbols come from the first kallsyms, else the first System.map.
 * The release is the one given, else a .ko's vermagic, else one a file path names.
 */
export function buildKernelProfile(snapshots: readonly Snapshot[], options: { release?: string } = {}): KernelProfile {
  const symvers = snapshots.filter((s): s is ExportSnapshot => s.kind === 'module-symvers');
  const kos = snapshots.filter((s): s is KoSnapshot => s.kind === 'ko');
  const symbolSnapshots = snapshots.filter(
    (s): s is SymbolSnapshot => s.kind === 'kallsyms' || s.kind === 'system-map',
  );
  const symbols = symbolSnapshots.find((s) => s.kind === 'kallsyms') ?? symbolSnapshots[0];
  const notes = new Map<Snapshot, string[]>();
  const note = (snapshot: Snapshot, message: string): void => {
    notes.set(snapshot, [...(notes.get(snapshot) ?? []), `${snapshot.file}: ${message}`]);
  };
  for (const unused of symbolSnapshots) {
    if (unused !== symbols) note(unused, `not used for symbols: ${symbols!.file} already gives them`);
  }

  let coverage: ExportsCoverage;
  let exportSources: readonly { exports: ExportTable; file: string }[];
  if (symvers.length > 0) {
    coverage = 'all-modules';
    exportSources = [...symvers, ...kos];
  } else if (symbols !== undefined && symbols.exports.size > 0) {
    coverage = symbols.kind === 'kallsyms' ? 'loaded-modules' : 'vmlinux-only';
    exportSources = [symbols, ...kos];
  } else {
    coverage = 'none';
    exportSources = kos;
  }
  const exports = mergeExports(exportSources, (source, duplicates) =>
    note(
      snapshots.find((s) => s.file === source)!,
      `${duplicates} of its exports are already exported by an earlier snapshot; those are ignored`,
    ),
  );

  const release =
    options.release ??
    kos.find((k) => k.release !== undefined)?.release ??
    snapshots.map((s) => releaseFromPath(path.resolve(s.file))).find((r) => r !== undefined);
  const sources: ProfileSource[] = snapshots.map((s) => ({
    kind: s.kind,
    path: s.file,
    entries: 'symbols' in s ? s.symbols.size : s.exports.size,
    warnings: [...s.warnings, ...(notes.get(s) ?? [])],
  }));
  return new TableProfile({
    ...(release !== undefined ? { release } : {}),
    sources,
    exports,
    exportsCoverage: coverage,
    ...(symbols !== undefined ? { symbols: symbols.symbols } : {}),
    hasDataSymbols: symbols?.hasDataSymbols ?? false,
  });
}

/** One table as is; several merged, earlier ones first (a later duplicate is reported, not kept). */
function mergeExports(
  sources: readonly { exports: ExportTable; file: string }[],
  onDuplicates: (file: string, duplicates: number) => void,
): ExportTable {
  if (sources.length === 1) return sources[0]!.exports;
  const merged = new ExportTable();
  for (const source of sources) {
    const duplicates = merged.addAll(source.exports);
    if (duplicates > 0) onDuplicates(source.file, duplicates);
  }
  return merged;
}
