import type { HeaderVisibility, MacroBody } from '../headers/headerIndex';
import type { ModuleSource } from './kernelModule';
import { BUILTIN_MACRO_CATALOG, type MacroCatalog, type ModuleMacroKind } from './moduleMacros';

/**
 * Module macros by name, including every wrapper the headers (or the module itself) define on top
 * of module_init/module_exit: `module_platform_driver` expands to `module_driver`, which expands to
 * both, so it is an init-and-exit macro. Over a hundred such wrappers exist; none is listed by hand.
 */
export function derivedMacroCatalog(
  visibility: HeaderVisibility | undefined,
  sources: readonly ModuleSource[],
): MacroCatalog {
  const local = new Map<string, MacroBody[]>();
  for (const source of sources) {
    for (const define of source.facts.defines) {
      if (define.parameters === undefined) continue;
      const bodies = local.get(define.name) ?? [];
      bodies.push({ parameters: define.parameters, value: define.value });
      local.set(define.name, bodies);
    }
  }
  const derived = new Map<string, ModuleMacroKind | undefined>();
  const deriving = new Set<string>();

  const kindOf = (name: string): ModuleMacroKind | undefined => {
    const builtin = BUILTIN_MACRO_CATALOG.kindOf(name);
    if (builtin !== undefined) return builtin;
    if (derived.has(name)) return derived.get(name);
    if (deriving.has(name)) return undefined; // a cycle: contributes nothing
    deriving.add(name);
    const bodies = [...(local.get(name) ?? []), ...(visibility?.macros(name) ?? [])];
    let init = false;
    let exit = false;
    for (const body of bodies) {
      for (const invoked of invokedMacros(body.value)) {
        const kind = kindOf(invoked);
        if (kind === 'init' || kind === 'init-and-exit') init = true;
        if (kind === 'exit' || kind === 'init-and-exit') exit = true;
      }
    }
    deriving.delete(name);
    const kind: ModuleMacroKind | undefined =
      init && exit ? 'init-and-exit' : init ? 'init' : exit ? 'exit' : undefined;
    derived.set(name, kind);
    return kind;
  };
  return { kindOf };
}

/** Names written as `name(` in a macro body, outside string literals. */
function invokedMacros(value: string): Set<string> {
  const code = value.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return new Set([...code.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1]!));
}
