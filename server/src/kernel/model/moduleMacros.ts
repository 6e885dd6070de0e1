/**
 * The macros that make a C file a kernel module and describe it. The `module_*_driver` family and
 * the other init/exit wrappers are recognised by name here; deriving them from the headers' own
 * `#define`s belongs to the module model.
 */

export type ModuleMacroKind = 'init' | 'exit' | 'init-and-exit' | 'license' | 'metadata' | 'export' | 'parameter';

const EXACT: ReadonlyMap<string, ModuleMacroKind> = new Map<string, ModuleMacroKind>([
  ['module_init', 'init'],
  ['module_exit', 'exit'],
  ['MODULE_LICENSE', 'license'],
  ['module_misc_device', 'init-and-exit'],
  ['module_driver', 'init-and-exit'],
  ['MODULE_PARM_DESC', 'parameter'],
]);

/** Initcall levels a module may use instead of module_init: in a module they all become init_module. */
const INITCALL =
  /^(?:(?:pure|core|postcore|arch|subsys|fs|rootfs|device|late)_initcall(?:_sync)?|__initcall|early_initcall)$/;
const DRIVER_WRAPPER = /^module_[a-z0-9_]+_driver$/;
const EXPORT = /^EXPORT_SYMBOL(?:_GPL)?(?:_NS(?:_GPL)?)?$|^EXPORT_SYMBOL_FOR_MODULES$/;
const PARAMETER =
  /^module_param(?:_named|_array|_array_named|_string|_cb|_call|_hw|_hw_named|_hw_array|_unsafe|_named_unsafe|_cb_unsafe)?$/;
const METADATA = /^MODULE_[A-Z_]+$/;

export function moduleMacroKind(name: string): ModuleMacroKind | undefined {
  const exact = EXACT.get(name);
  if (exact !== undefined) return exact;
  if (INITCALL.test(name)) return 'init';
  if (DRIVER_WRAPPER.test(name)) return 'init-and-exit';
  if (EXPORT.test(name)) return 'export';
  if (PARAMETER.test(name)) return 'parameter';
  if (METADATA.test(name)) return 'metadata';
  return undefined;
}

export function isModuleMacroName(name: string): boolean {
  return moduleMacroKind(name) !== undefined;
}

/** What an export macro exports as: EXPORT_SYMBOL_GPL is GPL-only, EXPORT_SYMBOL_NS(sym, NS) namespaced. */
export interface ExportShape {
  readonly gplOnly: boolean;
  /** A fixed namespace the macro applies, or the index of the argument that names it. */
  readonly namespace?: string | { readonly argument: number };
}

/** Tells what a macro does for a module; the headers' own wrappers can extend the built-in names. */
export interface MacroCatalog {
  kindOf(name: string): ModuleMacroKind | undefined;
  /** For an export macro: how it exports its first argument. */
  exportShapeOf(name: string): ExportShape | undefined;
}

/** The EXPORT_SYMBOL family itself. */
export function builtinExportShape(name: string): ExportShape | undefined {
  if (!EXPORT.test(name)) return undefined;
  const gplOnly = /_GPL$/.test(name);
  return /_NS/.test(name) ? { gplOnly, namespace: { argument: 1 } } : { gplOnly };
}

/** The names known without any kernel headers. */
export const BUILTIN_MACRO_CATALOG: MacroCatalog = { kindOf: moduleMacroKind, exportShapeOf: builtinExportShape };
