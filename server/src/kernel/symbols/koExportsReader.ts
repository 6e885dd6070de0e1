import { readModuleImage } from '../elf/moduleImage';
import { ExportTable } from './exportTable';
import type { ExportSnapshot } from './moduleSymversReader';
import { SnapshotError } from './snapshotError';
import { withReader, type SnapshotInput } from './snapshotLines';

/** No module is this big (the largest of Debian 6.1, amdgpu.ko, is about 20 MB unsigned and unstripped). */
const MAX_KO_BYTES = 512 * 1024 * 1024;

export interface KoSnapshot extends ExportSnapshot {
  readonly kind: 'ko';
  /** The module's name (struct module's). */
  readonly moduleName: string;
  /** vermagic's first word: the kernel release the module was built for. */
  readonly release?: string;
}

/** A .ko's own exports (EXPORT_SYMBOL* in it), through the ELF reader; a refused image is a SnapshotError. */
export function readKoExports(input: SnapshotInput): KoSnapshot {
  const bytes = input.bytes ?? readAll(input);
  let image;
  try {
    image = readModuleImage(bytes);
  } catch (error) {
    throw new SnapshotError(input.file, 0, `not a usable module image: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const exports = new ExportTable();
  for (const exported of image.exports) {
    exports.add({
      name: exported.name,
      ownerPath: image.name,
      gplOnly: exported.gplOnly,
      ...(exported.namespace !== undefined ? { namespace: exported.namespace } : {}),
    });
  }
  const release = image.vermagic?.split(' ')[0];
  return {
    kind: 'ko',
    file: input.file,
    lines: exports.size,
    exports,
    warnings: [],
    moduleName: image.name,
    ...(release ? { release } : {}),
  };
}

function readAll(input: SnapshotInput): Uint8Array {
  return withReader(input, (read) => {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(1024 * 1024);
      const count = read(chunk, 0, chunk.length);
      if (count === 0) break;
      total += count;
      if (total > MAX_KO_BYTES) throw new SnapshotError(input.file, 0, 'is too large to be a kernel module');
      chunks.push(chunk.subarray(0, count));
    }
    return Buffer.concat(chunks, total);
  });
}
