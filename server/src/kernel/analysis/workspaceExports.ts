import { promises as fs, type Dirent } from 'node:fs';
import * as path from 'node:path';
import type { WorkspaceExport } from '../checks/symbolChecks';

/** Folders never worth walking for module sources. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.vscode-test', 'dist', 'out', '.tmp_versions']);
const MAX_FILES = 20_000;
const EXPORT = /\bEXPORT_SYMBOL(_GPL)?(?:_NS(_GPL)?)?\s*\(\s*([A-Za-z_]\w*)\s*(?:,\s*"?([A-Za-z_]\w*)"?\s*)?\)/g;

export interface WorkspaceExportIndexOptions {
  /** The module a file belongs to (its Kbuild object name); a lone file is its own module. */
  readonly moduleOf: (file: string) => Promise<string>;
  /** Current text of a file (an open editor's, else the disk's). */
  readonly readText: (file: string) => Promise<string | undefined>;
}

/**
 * What the workspace's own modules export, read textually from every .c file under the roots
 * (a full parse of a kernel tree would cost minutes). Built on first use; a changed file is read
 * again on the next lookup, a new file is picked up when it is reported changed.
 */
export class WorkspaceExportIndex {
  private readonly byFile = new Map<string, readonly WorkspaceExport[]>();
  private readonly byName = new Map<string, WorkspaceExport[]>();
  private readonly dirty = new Set<string>();
  private built: Promise<void> | undefined;
  /** The walk stopped at MAX_FILES. */
  truncated = false;

  constructor(
    private readonly roots: readonly string[],
    private readonly options: WorkspaceExportIndexOptions,
  ) {}

  /** Brings the index up to date: the first call walks the roots, later ones re-read changed files. */
  async refresh(): Promise<void> {
    this.built ??= this.walk();
    await this.built;
    const changed = [...this.dirty];
    this.dirty.clear();
    for (const file of changed) await this.read(file);
    if (changed.length > 0) this.rebuildNames();
  }

  /** A file changed, appeared or went away. */
  changed(file: string): void {
    if (file.endsWith('.c') && this.roots.some((root) => isInside(root, file))) this.dirty.add(file);
  }

  lookup(name: string): readonly WorkspaceExport[] {
    return this.byName.get(name) ?? [];
  }

  names(): IterableIterator<string> {
    return this.byName.keys();
  }

  private async walk(): Promise<void> {
    const files: string[] = [];
    const queue = [...this.roots];
    while (queue.length > 0 && files.length < MAX_FILES) {
      const folder = queue.shift()!;
      let entries: Dirent[];
      try {
        entries = await fs.readdir(folder, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const entry of entries) {
        const full = path.join(folder, entry.name);
        if (entry.isDirectory() && !entry.name.startsWith('.') && !SKIPPED_FOLDERS.has(entry.name)) queue.push(full);
        else if (entry.isFile() && entry.name.endsWith('.c')) files.push(full);
      }
    }
    this.truncated = files.length >= MAX_FILES;
    for (const file of files.slice(0, MAX_FILES)) await this.read(file);
    this.rebuildNames();
  }

  private async read(file: string): Promise<void> {
    const text = await this.options.readText(file).catch(() => undefined);
    if (text === undefined || !text.includes('EXPORT_SYMBOL')) {
      this.byFile.delete(file);
      return;
    }
    const module = await this.options.moduleOf(file).catch(() => path.basename(file, '.c'));
    const found: WorkspaceExport[] = [];
    for (const match of text.matchAll(EXPORT)) {
      const namespace = match[4];
      found.push({
        name: match[3]!,
        module,
        gplOnly: match[1] !== undefined || match[2] !== undefined,
        ...(namespace !== undefined ? { namespace } : {}),
        file,
        offset: match.index + match[0].indexOf(match[3]!, match[0].indexOf('(')),
      });
    }
    this.byFile.set(file, found);
  }

  private rebuildNames(): void {
    this.byName.clear();
    for (const exports of this.byFile.values()) {
      for (const exported of exports) {
        const list = this.byName.get(exported.name) ?? [];
        list.push(exported);
        this.byName.set(exported.name, list);
      }
    }
  }
}

function isInside(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
