import type { HeaderVisibility, MacroBody } from '../headers/headerIndex';
import type { ModuleSource } from './kernelModule';
import { readArgumentList } from '../text/cLexing';
import {
  BUILTIN_MACRO_CATALOG,
  builtinExportShape,
  type ExportShape,
  type MacroCatalog,
  type ModuleMacroKind,
} from './moduleMacros';

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
  const shapes = new Map<string, ExportShape | undefined>();
  const bodiesOf = (name: string): MacroBody[] => [...(local.get(name) ?? []), ...(visibility?.macros(name) ?? [])];

  /**
   * `#define IWL_EXPORT_SYMBOL(sym) EXPORT_SYMBOL_NS_GPL(sym, IWLWIFI)`: a wrapper that passes its
   * first parameter on as the symbol exports it, GPL-only in namespace IWLWIFI.
   */
  const exportShapeOf = (name: string): ExportShape | undefined => {
    const builtin = builtinExportShape(name);
    if (builtin !== undefined) return builtin;
    if (shapes.has(name)) return shapes.get(name);
    if (deriving.has(name)) return undefined;
    deriving.add(name);
    let shape: ExportShape | undefined;
    for (const body of bodiesOf(name)) {
      const symbol = body.parameters[0];
      if (symbol === undefined) continue;
      for (const call of invocations(body.value)) {
        const inner = exportShapeOf(call.name);
        if (inner === undefined || call.args[0] !== symbol) continue;
        let namespace = inner.namespace;
        if (namespace !== undefined && typeof namespace !== 'string') {
          const argument = call.args[namespace.argument];
          const parameter = argument === undefined ? -1 : body.parameters.indexOf(argument);
          namespace = parameter >= 0 ? { argument: parameter } : argument?.replace(/^"|"$/g, '');
        }
        shape = { gplOnly: inner.gplOnly, ...(namespace !== undefined ? { namespace } : {}) };
        break;
      }
      if (shape) break;
    }
    deriving.delete(name);
    shapes.set(name, shape);
    return shape;
  };

  const kindOf = (name: string): ModuleMacroKind | undefined => {
    const builtin = BUILTIN_MACRO_CATALOG.kindOf(name);
    if (builtin !== undefined) return builtin;
    if (derived.has(name)) return derived.get(name);
    if (deriving.has(name)) return undefined; // a cycle: contributes nothing
    if (exportShapeOf(name) !== undefined) return 'export';
    deriving.add(name);
    const bodies = bodiesOf(name);
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
  return { kindOf, exportShapeOf };
}

/** Macro invocations in a macro body, with their arguments' text. */
function invocations(value: string): { name: string; args: string[] }[] {
  const found: { name: string; args: string[] }[] = [];
  for (const match of value.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
    const open = match.index + match[0].length - 1;
    const list = readArgumentList(value, open);
    if (list) found.push({ name: match[1]!, args: list.args.map((a) => a.text) });
  }
  return found;
}

/** Names written as `name(` in a macro body, outside string literals. */
function invokedMacros(value: string): Set<string> {
  const code = value.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return new Set([...code.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1]!));
}
