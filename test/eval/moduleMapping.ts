/**
 * Maps each module image to the sources Kbuild builds it from, with Debian's own .config, so the
 * analysis sees exactly the files that were compiled into it.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readFromDisk } from '../../server/src/kernel/analysis/moduleWorkspace';
import {
  KbuildModuleLocator,
  type KbuildFileSystem,
  type LocatedModule,
} from '../../server/src/kernel/kbuild/moduleLocator';
import { parseKernelConfig, type KernelConfig } from '../../server/src/kernel/kbuild/kernelConfig';

/** How far above the .ko's own folder a Kbuild file may declare it (`obj-m += sub/foo.o`). */
const MAX_PARENT_LEVELS = 3;

export interface MappedModule {
  readonly koPath: string;
  readonly kbuild: LocatedModule;
  /** Members without a `.c` file: assembly, or C generated at build time. */
  readonly membersWithoutC: readonly string[];
}

export type MappingResult = { readonly mapped: MappedModule } | { readonly unmapped: string; readonly why: string };

export const diskFileSystem: KbuildFileSystem = {
  readFile: readFromDisk,
  exists: (file) =>
    fs.access(file).then(
      () => true,
      () => false,
    ),
};

export class ModuleMapper {
  private readonly locator: KbuildModuleLocator;
  private readonly kbuildOf = new Map<string, Promise<string | undefined>>();

  private constructor(
    private readonly sourceRoot: string,
    configText: string,
  ) {
    this.locator = new KbuildModuleLocator(diskFileSystem, { config: parseKernelConfig(configText) });
  }

  static async create(sourceRoot: string, configPath: string): Promise<ModuleMapper> {
    return new ModuleMapper(sourceRoot, await fs.readFile(configPath, 'utf8'));
  }

  /** `kernel/drivers/usb/storage/usb-storage.ko` → the Kbuild module `usb-storage` of drivers/usb/storage. */
  async map(koPath: string): Promise<MappingResult> {
    const relative = koPath.replace(/^kernel\//, '').replace(/\.ko$/, '');
    let dir = path.posix.dirname(relative);
    for (let level = 0; level <= MAX_PARENT_LEVELS; level++) {
      const kbuildPath = await this.kbuildIn(dir === '.' ? '' : dir);
      if (kbuildPath !== undefined) {
        const modules = await this.locator.modulesIn(kbuildPath);
        const wanted = path.posix.relative(dir === '.' ? '' : dir, relative);
        const kbuild = modules.find((m) => path.posix.normalize(m.objectName) === wanted);
        if (kbuild !== undefined) return { mapped: { koPath, kbuild, membersWithoutC: withoutC(kbuild) } };
      }
      if (dir === '.' || dir === '') break;
      dir = path.posix.dirname(dir);
    }
    return { unmapped: koPath, why: 'no Kbuild file up to 3 folders above declares it as a module with this config' };
  }

  /** The file kbuild reads in a folder of the tree: `Kbuild` when there is one, else `Makefile`. */
  private kbuildIn(relativeDir: string): Promise<string | undefined> {
    let cached = this.kbuildOf.get(relativeDir);
    if (cached === undefined) {
      cached = (async () => {
        for (const name of ['Kbuild', 'Makefile']) {
          const candidate = path.join(this.sourceRoot, relativeDir, name);
          if (await diskFileSystem.exists(candidate)) return candidate;
        }
        return undefined;
      })();
      this.kbuildOf.set(relativeDir, cached);
    }
    return cached;
  }
}

/** Members without a `.c` file beside the Kbuild file (assembly, generated C). */
function withoutC(kbuild: LocatedModule): string[] {
  const dir = path.dirname(kbuild.kbuildPath);
  const present = new Set(kbuild.sources);
  return kbuild.members
    .map((m) => m.object)
    .filter((object) => !present.has(path.join(dir, ...`${object.slice(0, -2)}.c`.split('/'))));
}

export type EditorVerdict = 'same' | 'other-module' | 'other-sources' | 'no-module' | 'no-sources';

/**
 * What the editor gets: ModuleWorkspace's locator has no .config, so it takes the first module a
 * file is a member of, over every configuration. Compares that with the exact mapping.
 */
export class EditorMappingProbe {
  private readonly locator = new KbuildModuleLocator(diskFileSystem);
  private readonly configured: KbuildModuleLocator | undefined;

  /** With the headers' .config, as ModuleWorkspace asks a configured locator first. */
  constructor(config?: KernelConfig) {
    this.configured = config === undefined ? undefined : new KbuildModuleLocator(diskFileSystem, { config });
  }

  async compare(mapped: MappedModule, sourceRoot: string): Promise<{ verdict: EditorVerdict; detail?: string }> {
    const first = mapped.kbuild.sources[0];
    if (first === undefined) return { verdict: 'no-sources' };
    const membership =
      (await this.configured?.membershipOf(first).catch(() => undefined)) ??
      (await this.locator.membershipOf(first).catch(() => undefined));
    const editor = membership?.kind === 'module' ? membership.modules[0] : undefined;
    const relative = (file: string) => path.relative(sourceRoot, file);
    if (editor === undefined) {
      const where = membership?.kind === 'built-in' ? `built in by ${relative(membership.kbuildPath)}` : 'in no module';
      return { verdict: 'no-module', detail: `${relative(first)} is ${where}` };
    }
    if (editor.kbuildPath !== mapped.kbuild.kbuildPath || editor.objectName !== mapped.kbuild.objectName) {
      return {
        verdict: 'other-module',
        detail: `${relative(first)} → ${editor.objectName} of ${relative(editor.kbuildPath)}, not ${mapped.kbuild.objectName}`,
      };
    }
    const extra = editor.sources.filter((s) => !mapped.kbuild.sources.includes(s)).map(relative);
    const missing = mapped.kbuild.sources.filter((s) => !editor.sources.includes(s)).map(relative);
    if (extra.length === 0 && missing.length === 0) return { verdict: 'same' };
    const list = (files: string[]) => files.slice(0, 4).join(' ') + (files.length > 4 ? ` … (${files.length})` : '');
    return {
      verdict: 'other-sources',
      detail: [extra.length > 0 ? `+${list(extra)}` : '', missing.length > 0 ? `−${list(missing)}` : '']
        .filter((x) => x !== '')
        .join('; '),
    };
  }
}
