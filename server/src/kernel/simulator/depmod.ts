/**
 * depmod (kmod 30): reads every module under /lib/modules/<release>, resolves each one's undefined
 * symbols against the other modules' exports, and writes modules.dep, modules.alias,
 * modules.symbols, modules.softdep and modules.devname in kmod's text formats. The binary .bin
 * indexes are not written (the simulated modprobe reads the text files).
 *
 * Module order is directory order, which the simulated disk gives sorted by path (a real depmod
 * follows modules.order first, then the file system's readdir order). A module's dependencies are
 * listed users-before-providers (kmod's dep_sort_idx), so modprobe loads them from the end.
 */
import type { KernelState } from './kernelState';
import type { Machine } from './machine';
import { modinfoValues, type LoadableModule } from './loadableModule';

export interface DepmodModule {
  /** Relative to /lib/modules/<release>: `extra/hello.ko`. */
  readonly path: string;
  readonly module: LoadableModule;
}

export interface DepmodResult {
  readonly files: ReadonlyMap<string, string>;
  /** Warnings as depmod prints them on stderr (`depmod: WARNING: …`). */
  readonly warnings: readonly string[];
}

/** Every module file below the modules directory, sorted by path. */
export function installedModules(machine: Machine): DepmodModule[] {
  const root = `${machine.modulesDir}/`;
  const modules: DepmodModule[] = [];
  for (const path of [...machine.files.keys()].sort()) {
    if (!path.startsWith(root) || !path.endsWith('.ko')) continue;
    const module = machine.moduleOf(path);
    if (module === undefined || !('modinfo' in module)) continue;
    modules.push({ path: path.slice(root.length), module });
  }
  return modules;
}

export function depmod(machine: Machine, kernel: KernelState = machine.kernel): DepmodResult {
  const modules = installedModules(machine);
  const warnings: string[] = [];
  const exporters = new Map<string, DepmodModule>();
  for (const m of modules) {
    for (const e of m.module.exports) {
      if (!exporters.has(e.name)) exporters.set(e.name, m);
    }
  }
  const direct = new Map<DepmodModule, DepmodModule[]>();
  for (const m of modules) {
    const deps: DepmodModule[] = [];
    for (const wanted of m.module.imports) {
      const owner = exporters.get(wanted.name);
      if (owner === undefined || owner === m) {
        if (owner === undefined && wanted.certain && !wanted.weak && kernel.profile.exportsKnown) {
          if (kernel.profile.exported(wanted.name) === undefined)
            warnings.push(`depmod: WARNING: ${machine.modulesDir}/${m.path} needs unknown symbol ${wanted.name}`);
        }
        continue;
      }
      if (!deps.includes(owner)) deps.push(owner);
    }
    direct.set(m, deps);
  }
  const index = new Map(modules.map((m, i) => [m, i]));
  const dep = modules.map((m) => {
    const all = closure(m, direct);
    const sorted = sortUsersFirst(all, direct, index);
    return `${m.path}:${sorted.map((d) => ` ${d.path}`).join('')}\n`;
  });
  const alias = ['# Aliases extracted from modules themselves.\n'];
  const symbols = ['# Aliases for symbols, used by symbol_request().\n'];
  const softdep = ['# Soft dependencies extracted from modules themselves.\n'];
  const devname = ['# Device nodes to trigger on-demand module loading.\n'];
  for (const m of modules) {
    for (const a of modinfoValues(m.module, 'alias')) alias.push(`alias ${a} ${m.module.name}\n`);
    for (const s of modinfoValues(m.module, 'softdep')) softdep.push(`softdep ${m.module.name} ${s}\n`);
    const name = modinfoValues(m.module, 'alias').find((a) => a.startsWith('devname:'));
    const major = modinfoValues(m.module, 'alias').find((a) => /^char-major-\d+-\d+$/.test(a));
    if (name !== undefined && major !== undefined) {
      const [, maj, min] = /^char-major-(\d+)-(\d+)$/.exec(major)!;
      devname.push(`${m.module.name} ${name.slice(8)} c${maj}:${min}\n`);
    }
  }
  for (const m of modules) {
    for (const e of m.module.exports) symbols.push(`alias symbol:${e.name} ${m.module.name}\n`);
  }
  const files = new Map<string, string>([
    ['modules.dep', dep.join('')],
    ['modules.alias', alias.join('')],
    ['modules.symbols', symbols.join('')],
    ['modules.softdep', softdep.join('')],
    ['modules.devname', devname.join('')],
  ]);
  return { files, warnings };
}

/** Runs depmod and writes its files into /lib/modules/<release>. */
export function runDepmod(machine: Machine): DepmodResult {
  const result = depmod(machine);
  for (const [name, text] of result.files) machine.writeFile(`${machine.modulesDir}/${name}`, { kind: 'text', text });
  return result;
}

function closure(m: DepmodModule, direct: Map<DepmodModule, DepmodModule[]>): Set<DepmodModule> {
  const seen = new Set<DepmodModule>();
  const stack = [...(direct.get(m) ?? [])];
  while (stack.length > 0) {
    const d = stack.pop()!;
    if (seen.has(d) || d === m) continue;
    seen.add(d);
    stack.push(...(direct.get(d) ?? []));
  }
  return seen;
}

/** A module comes before the modules it depends on; ties keep directory order. */
function sortUsersFirst(
  set: Set<DepmodModule>,
  direct: Map<DepmodModule, DepmodModule[]>,
  index: Map<DepmodModule, number>,
): DepmodModule[] {
  const remaining = new Set(set);
  const out: DepmodModule[] = [];
  while (remaining.size > 0) {
    // Pick a module no remaining module depends on… reversed: one that no other remaining module uses.
    const candidates = [...remaining].filter(
      (c) => ![...remaining].some((other) => other !== c && (direct.get(other) ?? []).includes(c)),
    );
    const pick = (candidates.length > 0 ? candidates : [...remaining]).sort(
      (a, b) => (index.get(a) ?? 0) - (index.get(b) ?? 0),
    )[0]!;
    out.push(pick);
    remaining.delete(pick);
  }
  return out;
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
