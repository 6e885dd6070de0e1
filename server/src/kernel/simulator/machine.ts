/**
 * The simulated machine around the kernel: a small file system with the module files tools read
 * (anything a scenario refers to, and /lib/modules/<release> with depmod's output). Paths are kept as
 * written; the kernel's own files (/proc, /sys) are served by procfs.ts and sysfs.ts.
 */
import type { ModuleImageError } from '../elf/moduleImage';
import type { KernelState } from './kernelState';
import { moduleFromKoCached } from './koModule';
import type { LoadableModule } from './loadableModule';

export type DiskFile =
  /** A file's bytes; for a .ko, the folder of its sources when they were found beside it. */
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array; readonly sourceDir?: string }
  /** A module given as sources: it stands for the .ko kbuild would make of them. */
  | { readonly kind: 'source-module'; readonly module: LoadableModule }
  | { readonly kind: 'text'; readonly text: string };

export class Machine {
  readonly files = new Map<string, DiskFile>();

  /** The shell's working directory: relative paths are resolved against it. */
  cwd = '/';

  constructor(public kernel: KernelState) {}

  /** An absolute, normalized path. */
  resolve(path: string): string {
    return normalizePath(path.startsWith('/') ? path : `${this.cwd}/${path}`);
  }

  get release(): string {
    return this.kernel.config.release;
  }

  get modulesDir(): string {
    return `/lib/modules/${this.release}`;
  }

  file(path: string): DiskFile | undefined {
    return this.files.get(this.resolve(path));
  }

  writeFile(path: string, file: DiskFile): void {
    this.files.set(this.resolve(path), file);
  }

  isDirectory(path: string): boolean {
    const prefix = `${this.resolve(path).replace(/\/$/, '')}/`;
    for (const name of this.files.keys()) if (name.startsWith(prefix)) return true;
    return false;
  }

  /** Names directly inside a directory of the disk, sorted. */
  list(path: string): string[] {
    const prefix = `${this.resolve(path).replace(/\/$/, '')}/`;
    const names = new Set<string>();
    for (const name of this.files.keys()) {
      if (!name.startsWith(prefix)) continue;
      names.add(name.slice(prefix.length).split('/')[0]!);
    }
    return [...names].sort();
  }

  /** The module a file holds: read from its bytes, the loader's refusal, or undefined (not a module file). */
  moduleOf(path: string): LoadableModule | ModuleImageError | undefined {
    const file = this.file(path);
    if (file === undefined || file.kind === 'text') return undefined;
    if (file.kind === 'source-module') return file.module;
    const module = moduleFromKoCached(file.bytes, this.resolve(path));
    return file.sourceDir === undefined || !('modinfo' in module) ? module : { ...module, sourceDir: file.sourceDir };
  }
}

/** `/a/./b//c` → `/a/b/c`; relative paths stay relative. */
export function normalizePath(path: string): string {
  const absolute = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else if (part === '..' && absolute) continue;
    else parts.push(part);
  }
  return (absolute ? '/' : '') + parts.join('/');
}
