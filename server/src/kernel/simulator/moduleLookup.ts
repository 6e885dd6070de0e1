/**
 * How modprobe and modinfo find a module by name in /lib/modules/<release>: modules.dep entries by
 * file name, then modules.alias patterns (fnmatch), then modules.symbols.
 */
import { parseModulesDep } from './depmod';
import { normalizeModuleName } from './loadableModule';
import type { Machine } from './machine';

export interface FoundModule {
  readonly name: string;
  /** Relative to the modules directory: `extra/hello.ko`. */
  readonly path: string;
  /** Dependencies as modules.dep lists them (users first). */
  readonly deps: readonly string[];
}

function readText(machine: Machine, name: string): string | undefined {
  const file = machine.file(`${machine.modulesDir}/${name}`);
  return file?.kind === 'text' ? file.text : undefined;
}

/** fnmatch without flags: `*`, `?` and `[…]`. */
export function fnmatch(pattern: string, text: string): boolean {
  let regex = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') regex += '.*';
    else if (c === '?') regex += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) regex += '\\[';
      else {
        let set = pattern.slice(i + 1, end);
        if (set.startsWith('!')) set = `^${set.slice(1)}`;
        regex += `[${set.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else regex += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`${regex}$`, 's').test(text);
}

export function lookupModules(machine: Machine, wanted: string): FoundModule[] {
  const depText = readText(machine, 'modules.dep');
  if (depText === undefined) return [];
  const deps = parseModulesDep(depText);
  const byName = new Map<string, FoundModule>();
  for (const [path, list] of deps)
    byName.set(normalizeModuleName(path), { name: normalizeModuleName(path), path, deps: list });
  const direct = byName.get(normalizeModuleName(wanted));
  if (direct !== undefined) return [direct];
  const found: FoundModule[] = [];
  for (const file of ['modules.alias', 'modules.symbols']) {
    for (const line of (readText(machine, file) ?? '').split('\n')) {
      const match = /^alias\s+(\S+)\s+(\S+)/.exec(line);
      if (!match || !fnmatch(match[1]!, wanted)) continue;
      const m = byName.get(match[2]!);
      if (m !== undefined && !found.includes(m)) found.push(m);
    }
    if (found.length > 0) return found;
  }
  return found;
}

export interface Softdeps {
  readonly pre: string[];
  readonly post: string[];
}

/**
 * kmod_module_get_softdeps: the first `softdep` line whose module pattern matches the name (fnmatch;
 * later lines are not read), its words after `pre:` and after `post:` (words before either are
 * dropped), as kmod_config_add_softdep splits them.
 */
export function softdepsOf(machine: Machine, name: string): Softdeps {
  for (const line of (readText(machine, 'modules.softdep') ?? '').split('\n')) {
    const words = line.trim().split(/\s+/);
    if (words[0] !== 'softdep' || words[1] === undefined || !fnmatch(words[1].replace(/-/g, '_'), name)) continue;
    const result: Softdeps = { pre: [], post: [] };
    let list: string[] | undefined;
    for (const word of words.slice(2)) {
      if (word === 'pre:') list = result.pre;
      else if (word === 'post:') list = result.post;
      else list?.push(word);
    }
    return result;
  }
  return { pre: [], post: [] };
}

/** lookup_softdep: every module each name finds (an alias may find several); names that find none are skipped. */
export function softdepModules(machine: Machine, name: string): { pre: FoundModule[]; post: FoundModule[] } {
  const { pre, post } = softdepsOf(machine, name);
  return {
    pre: pre.flatMap((n) => lookupModules(machine, n)),
    post: post.flatMap((n) => lookupModules(machine, n)),
  };
}
