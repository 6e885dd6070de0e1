/**
 * A minimal KernelProfile read from Module.symvers text (`0xCRC<TAB>symbol<TAB>owner<TAB>EXPORT_SYMBOL[_GPL]<TAB>namespace`),
 * for the simulator's exported-symbol table when no richer profile is at hand. Lines that do not
 * have that shape are skipped.
 */
import type { ExportedSymbol, KernelProfile } from '../symbols/kernelProfile';

export function profileFromSymvers(text: string, file: string, release?: string): KernelProfile {
  const exports = new Map<string, ExportedSymbol>();
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const [crc, name, ownerPath, kind, namespace] = line.split('\t');
    if (
      crc === undefined ||
      name === undefined ||
      ownerPath === undefined ||
      kind === undefined ||
      !/^0x[0-9a-fA-F]+$/.test(crc)
    ) {
      skipped++;
      continue;
    }
    if (exports.has(name)) continue;
    const owner =
      ownerPath === 'vmlinux' ? 'vmlinux' : ownerPath.slice(ownerPath.lastIndexOf('/') + 1).replace(/-/g, '_');
    exports.set(name, {
      name,
      owner,
      ownerPath,
      gplOnly: kind.endsWith('_GPL'),
      ...(namespace !== undefined && namespace.trim() !== '' ? { namespace: namespace.trim() } : {}),
      crc: Number.parseInt(crc, 16),
    });
  }
  const names = [...exports.keys()];
  const gplOnly = [...exports.values()].filter((e) => e.gplOnly).length;
  return {
    ...(release !== undefined ? { release } : {}),
    sources: [
      {
        kind: 'module-symvers',
        path: file,
        entries: exports.size,
        warnings: skipped > 0 ? [`${file}: ${skipped} lines are not Module.symvers lines`] : [],
      },
    ],
    exportsKnown: true,
    addressesHidden: false,
    hasDataSymbols: false,
    counts: {
      exports: exports.size,
      gplOnly,
      namespaced: [...exports.values()].filter((e) => e.namespace !== undefined).length,
      symbols: 0,
    },
    exported: (name) => exports.get(name),
    symbol: () => undefined,
    exportedNames: () => names,
  };
}
