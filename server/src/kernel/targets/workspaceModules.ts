/**
 * The modules a workspace can load: every built .ko, and every module of a source folder (a Kbuild
 * obj-m, or a lone .c file with module_init), with their parameters as modinfo would list them and
 * the other workspace modules they need loaded first.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CParser } from '../parsing/cParser';
import type { KernelConfig } from '../simulator/kernelConfig';
import { moduleFromKoCached } from '../simulator/koModule';
import type { LoadableModule, LoadableParameter } from '../simulator/loadableModule';
import { SourceModuleLoader } from '../simulator/sourceLoader';
import type { ModuleFile } from './kernelTarget';
import type { ModuleCandidate, ModuleParameterInfo } from './targetTypes';

/** A workspace is walked this deep and this wide at most: a kernel tree opened whole stays cheap. */
const MAX_DEPTH = 6;
const MAX_FOLDERS = 2000;
const MAX_SOURCE_FOLDERS = 100;
const SKIPPED = new Set(['node_modules', 'dist', 'out']);
/** A folder whose sources may hold a module (anything else is not analysed). */
const MODULE_HINT = /\bmodule_init\s*\(|\bmodule_exit\s*\(|\bMODULE_LICENSE\s*\(|\bmodule_\w+_driver\s*\(/;

export interface WorkspaceModule {
  readonly candidate: ModuleCandidate;
  readonly file: ModuleFile;
  readonly module: LoadableModule;
}

export async function findWorkspaceModules(
  roots: readonly string[],
  parser: CParser,
  config: KernelConfig,
): Promise<WorkspaceModule[]> {
  const sources = new SourceModuleLoader(parser, config);
  const found: { file: ModuleFile; module: LoadableModule }[] = [];
  let folders = 0;
  let sourceFolders = 0;
  const visit = async (folder: string, depth: number): Promise<void> => {
    if (++folders > MAX_FOLDERS) return;
    const entries = await fs.readdir(folder, { withFileTypes: true }).catch(() => []);
    const cFiles = entries.filter((e) => e.isFile() && e.name.endsWith('.c'));
    if (cFiles.length > 0 && sourceFolders < MAX_SOURCE_FOLDERS && (await mayHoldModule(folder, cFiles))) {
      sourceFolders++;
      for (const module of await sources.modulesIn(folder))
        found.push({ file: { kind: 'source', path: folder, name: module.name }, module });
    }
    for (const entry of entries.filter((e) => e.isFile() && e.name.endsWith('.ko'))) {
      const full = path.join(folder, entry.name);
      const bytes = await fs.readFile(full).catch(() => undefined);
      if (bytes === undefined) continue;
      const module = moduleFromKoCached(new Uint8Array(bytes), full);
      if ('modinfo' in module) found.push({ file: { kind: 'ko', path: full }, module });
    }
    if (depth >= MAX_DEPTH) return;
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isDirectory() && !entry.name.startsWith('.') && !SKIPPED.has(entry.name))
        await visit(path.join(folder, entry.name), depth + 1);
    }
  };
  for (const root of roots) await visit(path.resolve(root), 0);
  const modules = found.map((f) => f.module);
  return found.map(({ file, module }) => ({
    file,
    module,
    candidate: candidateOf(
      file,
      module,
      providersOf(
        module.imports.map((i) => i.name),
        modules,
        module.name,
      ),
    ),
  }));
}

/**
 * The modules that provide `symbols`, fewest first: when two modules export one name, the one that
 * provides more of the others wins (a module and a broken copy of it both export `prov_add`).
 */
export function providersOf(
  symbols: readonly string[],
  modules: readonly LoadableModule[],
  except?: string,
): Map<string, string> {
  const exporters = new Map<string, string[]>();
  for (const module of modules) {
    if (module.name === except) continue;
    for (const e of module.exports) {
      const list = exporters.get(e.name) ?? [];
      if (!list.includes(module.name)) list.push(module.name);
      exporters.set(e.name, list);
    }
  }
  const wanted = [...new Set(symbols)].filter((s) => exporters.has(s));
  const coverage = new Map<string, number>();
  for (const symbol of wanted)
    for (const owner of exporters.get(symbol)!) coverage.set(owner, (coverage.get(owner) ?? 0) + 1);
  const chosen = new Map<string, string>();
  for (const symbol of wanted) {
    const owners = exporters.get(symbol)!;
    chosen.set(
      symbol,
      owners.reduce((best, o) => ((coverage.get(o) ?? 0) > (coverage.get(best) ?? 0) ? o : best)),
    );
  }
  return chosen;
}

async function mayHoldModule(folder: string, cFiles: readonly { name: string }[]): Promise<boolean> {
  for (const file of cFiles) {
    const text = await fs.readFile(path.join(folder, file.name), 'utf8').catch(() => '');
    if (MODULE_HINT.test(text)) return true;
  }
  return false;
}

function candidateOf(
  file: ModuleFile,
  module: LoadableModule,
  providers: ReadonlyMap<string, string>,
): ModuleCandidate {
  const description = module.modinfo.find((e) => e.key === 'description')?.value;
  const depends = new Set(providers.values());
  return {
    name: module.name,
    path: file.path,
    kind: file.kind,
    ...(description !== undefined ? { description } : {}),
    ...(module.license !== undefined ? { license: module.license } : {}),
    parameters: module.parameters.map(parameterInfo),
    depends: [...depends].sort(),
  };
}

function parameterInfo(parameter: LoadableParameter): ModuleParameterInfo {
  const type = parameter.array ? `array of ${parameter.type}` : parameter.type;
  return {
    name: parameter.name,
    type,
    ...(parameter.initial.length > 0 || parameter.array ? { default: parameter.initial.join(',') } : {}),
    ...(parameter.description !== undefined ? { description: parameter.description } : {}),
    permissions: `0${(parameter.perm & 0o777).toString(8).padStart(3, '0')}`,
  };
}
