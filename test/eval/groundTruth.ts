/**
 * The ground truth: what each built module image (.ko) of the Debian kernel package holds, read
 * with the workbench's own ELF reader.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { readModuleImage } from '../../server/src/kernel/elf/moduleImage';

export interface KoExport {
  readonly name: string;
  readonly gplOnly: boolean;
  readonly namespace?: string;
}

/** What one .ko says about its module: the facts the source analysis is scored against. */
export interface KoTruth {
  /** The path under lib/modules/<release>/, as modules.order writes it: `kernel/fs/ext4/ext4.ko`. */
  readonly koPath: string;
  /** KBUILD_MODNAME from struct module. */
  readonly name: string;
  readonly license?: string;
  readonly hasInit: boolean;
  readonly hasExit: boolean;
  readonly exports: readonly KoExport[];
  /** Exported symbols defined in an init or exit section (modpost warns about those). */
  readonly initSectionExports: readonly string[];
  /** A `description=` entry in .modinfo (MODULE_DESCRIPTION). */
  readonly hasDescription: boolean;
  /** Parameters (`parmtype=`) without a `parm=` description (MODULE_PARM_DESC). */
  readonly parametersWithoutDescription: readonly string[];
  readonly parameters: readonly string[];
  /** What the module takes from the kernel and other modules (for the misspelled-call hook). */
  readonly undefinedSymbols: readonly string[];
}

export interface KernelImage {
  readonly release: string;
  /** lib/modules/<release>/ */
  readonly modulesDir: string;
  readonly configPath: string;
  /** Paths relative to modulesDir, from modules.order (or a walk of kernel/ when it is missing). */
  readonly koPaths: readonly string[];
  /** .ko files found on disk but not in modules.order, and the other way round. */
  readonly notInOrder: readonly string[];
  readonly missingOnDisk: readonly string[];
}

/** Finds the release, its config and the list of module images in an extracted linux-image package. */
export async function openKernelImage(imageRoot: string): Promise<KernelImage> {
  const releases = (await fs.readdir(path.join(imageRoot, 'lib/modules'))).sort();
  const release = releases[releases.length - 1];
  if (release === undefined) throw new Error(`no lib/modules/<release>/ under ${imageRoot}`);
  const modulesDir = path.join(imageRoot, 'lib/modules', release);
  const configPath = path.join(imageRoot, 'boot', `config-${release}`);
  const onDisk = (await walk(path.join(modulesDir, 'kernel')))
    .filter((f) => f.endsWith('.ko'))
    .map((f) => path.relative(modulesDir, f).split(path.sep).join('/'))
    .sort();
  let ordered: string[];
  try {
    ordered = (await fs.readFile(path.join(modulesDir, 'modules.order'), 'utf8'))
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.endsWith('.ko'));
  } catch {
    ordered = onDisk;
  }
  const present = new Set(onDisk);
  const listed = new Set(ordered);
  return {
    release,
    modulesDir,
    configPath,
    koPaths: [...ordered.filter((p) => present.has(p)), ...onDisk.filter((p) => !listed.has(p))],
    notInOrder: onDisk.filter((p) => !listed.has(p)),
    missingOnDisk: ordered.filter((p) => !present.has(p)),
  };
}

/** Reads one .ko; the reader throws ModuleImageError for what the loader would refuse. */
export async function readKoTruth(modulesDir: string, koPath: string): Promise<KoTruth> {
  const image = readModuleImage(await fs.readFile(path.join(modulesDir, koPath)));
  const sectionOf = new Map(image.definedSymbols.filter((s) => s.global).map((s) => [s.name, s.section]));
  return {
    koPath,
    name: image.name,
    ...(image.license !== undefined ? { license: image.license } : {}),
    hasInit: image.hasInit,
    hasExit: image.hasExit,
    exports: image.exports.map((e) => ({
      name: e.name,
      gplOnly: e.gplOnly,
      ...(e.namespace !== undefined ? { namespace: e.namespace } : {}),
    })),
    initSectionExports: image.exports
      .filter((e) => /^\.(init|exit)\./.test(sectionOf.get(e.name) ?? ''))
      .map((e) => e.name),
    hasDescription: image.modinfo.some((e) => e.key === 'description'),
    parametersWithoutDescription: image.parameters.filter((p) => p.description === undefined).map((p) => p.name),
    parameters: image.parameters.map((p) => p.name),
    undefinedSymbols: image.undefinedSymbols,
  };
}

async function walk(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(full)));
    else if (entry.isFile()) found.push(full);
  }
  return found;
}
