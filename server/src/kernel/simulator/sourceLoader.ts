/**
 * Reading modules from a disk for the simulator: a .ko's bytes (and the folder of its sources, when
 * they sit beside it), or a source folder analysed with the module model (one loadable module per
 * Kbuild module, or per lone .c file).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ModuleWorkspace } from '../analysis/moduleWorkspace';
import type { CParser } from '../parsing/cParser';
import type { KernelConfig } from './kernelConfig';
import type { LoadableModule } from './loadableModule';
import { moduleFromSource } from './sourceModule';

export class SourceModuleLoader {
  private readonly workspace: ModuleWorkspace;
  private readonly cache = new Map<string, LoadableModule[]>();

  constructor(
    parser: CParser,
    private readonly config: KernelConfig,
  ) {
    this.workspace = new ModuleWorkspace(parser);
  }

  /** The modules a folder's sources make (its Kbuild's obj-m, else each .c file alone). */
  async modulesIn(folder: string, otherExports?: ReadonlyMap<string, string>): Promise<LoadableModule[]> {
    const key = path.resolve(folder);
    const cached = this.cache.get(key);
    if (cached !== undefined && otherExports === undefined) return cached;
    const entries = await fs.readdir(key).catch(() => [] as string[]);
    const modules = new Map<string, LoadableModule>();
    for (const entry of entries.filter((e) => e.endsWith('.c')).sort()) {
      const analysis = await this.workspace.analyze(path.join(key, entry));
      if (!analysis.module.isModule || modules.has(analysis.module.name)) continue;
      modules.set(
        analysis.module.name,
        moduleFromSource(analysis.module, key, { config: this.config, ...(otherExports ? { otherExports } : {}) }),
      );
    }
    const list = [...modules.values()];
    this.cache.set(key, list);
    return list;
  }
}

/** Where a .ko's sources are: `<name>.c` or a folder `<name>/` beside it (the Kbuild folder it was built from). */
export async function sourcesBeside(koPath: string, name: string): Promise<string | undefined> {
  const dir = path.dirname(koPath);
  const exists = (p: string) =>
    fs.stat(p).then(
      (s) => s,
      () => undefined,
    );
  if ((await exists(path.join(dir, `${name}.c`)))?.isFile()) return dir;
  if ((await exists(path.join(dir, name)))?.isDirectory()) return path.join(dir, name);
  const kbuild = await fs.readFile(path.join(dir, 'Kbuild'), 'utf8').catch(() => undefined);
  if (kbuild !== undefined && new RegExp(`\\b${name}\\.o\\b`).test(kbuild)) return dir;
  return undefined;
}
