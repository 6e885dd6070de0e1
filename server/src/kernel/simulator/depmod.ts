/**
 * depmod (kmod 30): reads every module under /lib/modules/<release>, resolves each one's undefined
 * symbols against the other modules' exports, and writes modules.dep, modules.alias,
 * modules.softdep, modules.symbols and modules.devname in kmod's text formats, and the binary
 * indexes modules.dep.bin, modules.alias.bin, modules.symbols.bin, modules.builtin.bin and
 * modules.builtin.alias.bin in kmod's index format (kmodIndex.ts), byte for byte as kmod 30 writes
 * them (the simulated modprobe reads the text files).
 *
 * Orders as kmod 30's tools/depmod.c makes them: the module array is the walk of its
 * `modules_by_name` hash table (kmodHash.ts), then sorted (stably, as glibc's qsort does) so that
 * the modules modules.order lists come first, in its order; modules.symbols is the walk of its
 * `symbols` table, where a symbol exported twice belongs to the later module. A module's
 * dependencies are listed users-before-providers (the topological sort's `dep_sort_idx`), so
 * modprobe loads them from the end.
 */
import { KmodHash } from './kmodHash';
import { KmodIndex, normalizeAlias } from './kmodIndex';
import type { KernelState } from './kernelState';
import type { Machine } from './machine';
import { modinfoValues, normalizeModuleName, type LoadableModule } from './loadableModule';

export interface DepmodModule {
  /** Relative to /lib/modules/<release>: `extra/hello.ko`. */
  readonly path: string;
  readonly module: LoadableModule;
}

export interface DepmodResult {
  readonly files: ReadonlyMap<string, string>;
  /** The binary indexes (`modules.dep.bin`, …), in the order depmod writes them. */
  readonly indexes: ReadonlyMap<string, Uint8Array>;
  /** Warnings as depmod prints them on stderr (`depmod: WARNING: …`). */
  readonly warnings: readonly string[];
}

export interface DepmodOptions {
  /** -e: warn about symbols no module exports (with -F/-E a real depmod also knows the kernel's; here the profile's). */
  readonly printUnknown?: boolean;
  /** Whether runDepmod writes the binary indexes (kmod's depmod does; busybox's writes text files only). */
  readonly indexes?: boolean;
}

/**
 * Every module file below the modules directory, one per module name (depmod_modules_search_file:
 * a name found again is ignored unless it is under updates/, which the default search puts first).
 */
export function installedModules(machine: Machine): DepmodModule[] {
  const root = `${machine.modulesDir}/`;
  const byName = new Map<string, DepmodModule>();
  const priority = (p: string) => (p.startsWith('updates/') ? 0 : 1);
  for (const path of [...machine.files.keys()].sort()) {
    if (!path.startsWith(root) || !path.endsWith('.ko')) continue;
    const module = machine.moduleOf(path);
    if (module === undefined || !('modinfo' in module)) continue;
    const found = { path: path.slice(root.length), module };
    const name = normalizeModuleName(path);
    const old = byName.get(name);
    if (old === undefined || priority(found.path) < priority(old.path)) byName.set(name, found);
  }
  return [...byName.values()];
}

/** kmod's name of a module: its file name, without the extension, `-` made `_`. */
const modname = (m: DepmodModule) => normalizeModuleName(m.path);

/** depmod_modules_build_array + depmod_modules_sort: hash walk order, then modules.order first. */
function moduleArray(machine: Machine, found: readonly DepmodModule[]): DepmodModule[] {
  const byName = new KmodHash<DepmodModule>(512);
  for (const m of found) byName.addUnique(normalizeModuleName(m.path), m);
  const modules = [...byName.entries()].map(([, m]) => m);
  const order = machine.file(`${machine.modulesDir}/modules.order`);
  if (order?.kind !== 'text') return modules;
  // sort_idx: idx - total for a line of modules.order (the last such line wins), 1 for the others.
  const lines = order.text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const total = lines.length + 1;
  const sortIndex = new Map<DepmodModule, number>();
  const byPath = new Map(modules.map((m) => [m.path.replace(/\.ko(\.\w+)?$/, '.ko'), m]));
  lines.forEach((line, i) => {
    const m = byPath.get(line);
    if (m !== undefined) sortIndex.set(m, i + 1 - total);
  });
  return modules
    .map((m, i) => ({ m, i, key: sortIndex.get(m) ?? 1 }))
    .sort((a, b) => a.key - b.key || a.i - b.i)
    .map((e) => e.m);
}

export function depmod(
  machine: Machine,
  kernel: KernelState = machine.kernel,
  options: DepmodOptions = {},
): DepmodResult {
  const modules = moduleArray(machine, installedModules(machine));
  const warnings: string[] = [];
  // depmod_load_modules: every module's exports into the symbol table, in array order.
  const symbols = new KmodHash<DepmodModule>(2048);
  for (const m of modules) for (const e of m.module.exports) symbols.add(e.name, m);
  // depmod_load_dependencies: a module's direct dependencies in the order its symbols name them.
  const direct = new Map<DepmodModule, DepmodModule[]>();
  const users = new Map<DepmodModule, number>();
  for (const m of modules) {
    const deps: DepmodModule[] = [];
    for (const wanted of m.module.imports) {
      const owner = symbols.find(wanted.name);
      if (owner === undefined) {
        // Names read from sources that nobody exports may be header macros: only certain ones count.
        if (options.printUnknown === true && wanted.certain && !wanted.weak && kernel.profile.exportsKnown) {
          if (kernel.profile.exported(wanted.name) === undefined)
            warnings.push(`depmod: WARNING: ${machine.modulesDir}/${m.path} needs unknown symbol ${wanted.name}`);
        }
        continue;
      }
      if (owner === m || deps.includes(owner)) continue;
      deps.push(owner);
      users.set(owner, (users.get(owner) ?? 0) + 1);
    }
    direct.set(m, deps);
  }
  const sortIndex = topologicalOrder(modules, direct, users);
  // output_deps_bin and the others: a module's priority is its index in the array (mod->idx).
  const depIndex = new KmodIndex();
  const dep = modules.map((m, idx) => {
    const all = allDependencies(m, direct, sortIndex);
    const line = `${m.path}:${all.map((d) => ` ${d.path}`).join('')}`;
    depIndex.insert(modname(m), line, idx);
    return `${line}\n`;
  });
  const aliasIndex = new KmodIndex();
  const symbolIndex = new KmodIndex();
  const alias = ['# Aliases extracted from modules themselves.\n'];
  const symbolLines = ['# Aliases for symbols, used by symbol_request().\n'];
  const softdep = ['# Soft dependencies extracted from modules themselves.\n'];
  const devname: string[] = [];
  modules.forEach((m, idx) => {
    for (const a of modinfoValues(m.module, 'alias')) {
      alias.push(`alias ${a} ${modname(m)}\n`);
      const key = normalizeAlias(a);
      if (key === undefined) warnings.push(`depmod: WARNING: Unmatched bracket in ${a}`);
      else aliasIndex.insert(key, modname(m), idx);
    }
    for (const s of modinfoValues(m.module, 'softdep')) softdep.push(`softdep ${modname(m)} ${s}\n`);
    const line = devnameLine(modname(m), m.module);
    if (line !== undefined) {
      if (devname.length === 0) devname.push('# Device nodes to trigger on-demand module loading.\n');
      devname.push(line);
    }
  });
  const arrayIndex = new Map(modules.map((m, idx) => [m, idx]));
  for (const [name, owner] of symbols.entries()) {
    symbolLines.push(`alias symbol:${name} ${modname(owner)}\n`);
    symbolIndex.insert(`symbol:${name}`, modname(owner), arrayIndex.get(owner)!);
  }
  const files = new Map<string, string>([
    ['modules.dep', dep.join('')],
    ['modules.alias', alias.join('')],
    ['modules.softdep', softdep.join('')],
    ['modules.symbols', symbolLines.join('')],
    ['modules.devname', devname.join('')],
  ]);
  const indexes = new Map<string, Uint8Array>([
    ['modules.dep.bin', depIndex.write()],
    ['modules.alias.bin', aliasIndex.write()],
    ['modules.symbols.bin', symbolIndex.write()],
    ['modules.builtin.bin', builtinIndex(machine)],
    ['modules.builtin.alias.bin', builtinAliasIndex(machine)],
  ]);
  return { files, indexes, warnings };
}

/**
 * output_builtin_bin: each line of modules.builtin (a path) as its module name, with an empty
 * value; an empty file when there is no modules.builtin.
 */
function builtinIndex(machine: Machine): Uint8Array {
  const text = textFile(machine, 'modules.builtin');
  if (text === undefined) return new Uint8Array(0);
  const index = new KmodIndex();
  for (const line of text.split('\n')) {
    if (!/^[A-Za-z]/.test(line)) continue; // kmod: "Invalid modules.builtin line" (the last, empty one too)
    index.insert(normalizeModuleName(line), '', 0);
  }
  return index.write();
}

/**
 * output_builtin_alias_bin: the `alias` entries of modules.builtin.modinfo (`module.key=value`,
 * NUL-separated), normalized, each naming its module; an empty file when there is none.
 */
function builtinAliasIndex(machine: Machine): Uint8Array {
  const text = textFile(machine, 'modules.builtin.modinfo');
  if (text === undefined) return new Uint8Array(0);
  const index = new KmodIndex();
  for (const entry of text.split('\0')) {
    const m = /^([^.=]+)\.alias=(.+)$/s.exec(entry);
    if (m === null) continue;
    const key = normalizeAlias(m[2]!);
    if (key !== undefined) index.insert(key, m[1]!, 0);
  }
  return index.write();
}

/** A file of the modules directory as text (bytes read as Latin-1), or undefined. */
function textFile(machine: Machine, name: string): string | undefined {
  const file = machine.file(`${machine.modulesDir}/${name}`);
  if (file?.kind === 'text') return file.text;
  if (file?.kind === 'bytes') return new TextDecoder('latin1').decode(file.bytes);
  return undefined;
}

/** output_devname: `devname:` with a char-major-M-N or block-major-M-N alias (the first pair found). */
function devnameLine(owner: string, module: LoadableModule): string | undefined {
  let name: string | undefined;
  let device: string | undefined;
  for (const a of modinfoValues(module, 'alias')) {
    const major = /^(char|block)-major-(\d+)-(\d+)/.exec(a);
    if (a.startsWith('devname:')) name = a.slice('devname:'.length);
    else if (major) device = `${major[1] === 'char' ? 'c' : 'b'}${Number(major[2])}:${Number(major[3])}`;
    if (name !== undefined && device !== undefined) break;
  }
  return name !== undefined && device !== undefined ? `${owner} ${name} ${device}\n` : undefined;
}

/** Runs depmod and writes its files into /lib/modules/<release>. */
export function runDepmod(machine: Machine, options: DepmodOptions = {}): DepmodResult {
  const result = depmod(machine, machine.kernel, options);
  for (const [name, text] of result.files) machine.writeFile(`${machine.modulesDir}/${name}`, { kind: 'text', text });
  if (options.indexes === false) return result;
  for (const [name, bytes] of result.indexes)
    machine.writeFile(`${machine.modulesDir}/${name}`, { kind: 'bytes', bytes });
  return result;
}

/**
 * depmod_calculate_dependencies: modules without users first, taken from a stack of roots (filled in
 * array order, popped from the end), a module's dependencies becoming roots when their last user is
 * taken. A cycle leaves its modules unsorted (kmod reports it and writes nothing; here they go last).
 */
function topologicalOrder(
  modules: readonly DepmodModule[],
  direct: ReadonlyMap<DepmodModule, DepmodModule[]>,
  users: ReadonlyMap<DepmodModule, number>,
): Map<DepmodModule, number> {
  const left = new Map(modules.map((m) => [m, users.get(m) ?? 0]));
  const roots = modules.filter((m) => left.get(m) === 0);
  const index = new Map<DepmodModule, number>();
  while (roots.length > 0) {
    const m = roots.pop()!;
    index.set(m, index.size);
    for (const d of direct.get(m) ?? []) {
      const n = left.get(d)! - 1;
      left.set(d, n);
      if (n === 0) roots.push(d);
    }
  }
  for (const m of modules) if (!index.has(m)) index.set(m, Number.MAX_SAFE_INTEGER);
  return index;
}

/**
 * mod_get_all_sorted_dependencies: every dependency, direct or not (each direct list sorted by
 * dep_sort_idx, walked depth first), then sorted by dep_sort_idx.
 */
function allDependencies(
  m: DepmodModule,
  direct: ReadonlyMap<DepmodModule, DepmodModule[]>,
  sortIndex: ReadonlyMap<DepmodModule, number>,
): DepmodModule[] {
  const byIndex = (a: DepmodModule, b: DepmodModule) => sortIndex.get(a)! - sortIndex.get(b)!;
  const out: DepmodModule[] = [];
  const fill = (from: DepmodModule, depth: number) => {
    if (depth > direct.size) return; // a cycle
    for (const d of [...(direct.get(from) ?? [])].sort(byIndex)) {
      if (out.includes(d)) continue;
      out.push(d);
      fill(d, depth + 1);
    }
  };
  fill(m, 0);
  return out.sort(byIndex);
}

/** Parses modules.dep: module path → dependency paths (as written, relative to the modules dir). */
export function parseModulesDep(text: string): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon === -1 || line.startsWith('#')) continue;
    deps.set(
      line.slice(0, colon).trim(),
      line
        .slice(colon + 1)
        .split(/\s+/)
        .filter((s) => s !== ''),
    );
  }
  return deps;
}
