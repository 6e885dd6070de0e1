import * as path from 'node:path';
import type { LineIndex } from '../text/lineIndex';
import { isIdentifier, stringLiteralValue } from '../text/cLexing';
import { BUILTIN_MACRO_CATALOG, type MacroCatalog } from './moduleMacros';
import type { KernelConfig } from '../kbuild/kernelConfig';
import { readParameter, type ModuleParameter } from './moduleParameters';
import { compiledUnder } from './preprocessorConditions';
import type { FunctionDefinition, MacroInvocation, SourceFacts } from './sourceFacts';

/** One C file of a module, with what was read from it. */
export interface ModuleSource {
  readonly path: string;
  readonly text: string;
  readonly lines: LineIndex;
  readonly facts: SourceFacts;
}

/** A macro invocation and the file it is in. */
export interface LocatedInvocation {
  readonly source: ModuleSource;
  readonly invocation: MacroInvocation;
  /** False when it sits in an `#if` branch the analysis could not decide. */
  readonly certain?: boolean;
}

export interface LicenseDeclaration extends LocatedInvocation {
  /** The licence string, when the argument is a literal or a macro defined in the module's sources. */
  readonly value?: string;
}

export interface ModuleExport extends LocatedInvocation {
  readonly name: string;
  readonly gplOnly: boolean;
  readonly namespace?: string;
  /** Made by a macro from another name (`EXPORT_TRACEPOINT_SYMBOL(x)` exports `__tracepoint_x`). */
  readonly generated?: boolean;
}

/**
 * Exports whose names a macro makes (Linux 6.1 tracepoint.h and static_call.h): the tracepoint,
 * its iterator, and the static call's key and trampoline.
 */
function generatedExports(macro: string, argument: string): { names: string[]; gplOnly: boolean } | undefined {
  const gplOnly = macro.endsWith('_GPL');
  if (/^EXPORT_TRACEPOINT_SYMBOL(_GPL)?$/.test(macro)) {
    const call = `tp_func_${argument}`;
    return {
      names: [`__tracepoint_${argument}`, `__traceiter_${argument}`, `__SCK__${call}`, `__SCT__${call}`],
      gplOnly,
    };
  }
  if (/^EXPORT_STATIC_CALL(_GPL)?$/.test(macro))
    return { names: [`__SCK__${argument}`, `__SCT__${argument}`], gplOnly };
  if (/^EXPORT_STATIC_CALL_TRAMP(_GPL)?$/.test(macro)) return { names: [`__SCT__${argument}`], gplOnly };
  return undefined;
}

export interface LocatedFunction {
  readonly source: ModuleSource;
  readonly definition: FunctionDefinition;
}

/** A `MODULE_DESCRIPTION("…")`-style string, with where it was written. */
export interface MetadataEntry extends LocatedInvocation {
  readonly key: string;
  readonly value?: string;
}

/** A loadable module as Kbuild would build it: a name and its sources. */
export interface KernelModule {
  /** The object name modpost reports, e.g. `hello` for hello.o. */
  readonly name: string;
  readonly sources: readonly ModuleSource[];
  /** Whether anything in the sources makes this a module: init/exit, a licence or other MODULE_* data. */
  readonly isModule: boolean;
  readonly licenses: readonly LicenseDeclaration[];
  readonly inits: readonly LocatedInvocation[];
  readonly exits: readonly LocatedInvocation[];
  readonly exports: readonly ModuleExport[];
  readonly parameters: readonly ModuleParameter[];
  /** MODULE_DESCRIPTION, MODULE_AUTHOR, MODULE_ALIAS, MODULE_VERSION, MODULE_SOFTDEP, MODULE_FIRMWARE, MODULE_IMPORT_NS, … */
  readonly metadata: readonly MetadataEntry[];
  /** Every module macro in source order, for checks that anchor on or insert near them. */
  readonly moduleMacros: readonly LocatedInvocation[];
  /** Function definitions of all sources, by name (a static one may exist once per file: first wins). */
  readonly functions: ReadonlyMap<string, LocatedFunction>;
  /** Names the sources define: functions, variables with storage, enumerators and macros. */
  readonly definedNames: ReadonlySet<string>;
  /** Names that appear as arguments of file-scope macro invocations (`DEFINE_MUTEX(lock)`): possible definitions. */
  readonly macroDefinedNames: ReadonlySet<string>;
  readonly catalog: MacroCatalog;
  /** Some members are not C sources the analysis read (assembly, generated files). */
  readonly hasUnreadMembers?: boolean;
  /**
   * When every unread member is assembly the analysis could read: the words it holds. A name not
   * among them is not defined there.
   */
  readonly unreadMemberWords?: ReadonlySet<string>;
}

const METADATA_KEYS: Readonly<Record<string, string>> = {
  MODULE_DESCRIPTION: 'description',
  MODULE_AUTHOR: 'author',
  MODULE_ALIAS: 'alias',
  MODULE_VERSION: 'version',
  MODULE_SOFTDEP: 'softdep',
  MODULE_FIRMWARE: 'firmware',
  MODULE_IMPORT_NS: 'import_ns',
  MODULE_INFO: 'info',
};

/** A single .c file outside any Kbuild is a module of its own, named after the file. */
export function loneFileModule(source: ModuleSource, catalog: MacroCatalog = BUILTIN_MACRO_CATALOG): KernelModule {
  return buildModule(path.basename(source.path).replace(/\.[ch]$/, ''), [source], catalog);
}

export function buildModule(
  name: string,
  sources: readonly ModuleSource[],
  catalog: MacroCatalog = BUILTIN_MACRO_CATALOG,
  config?: KernelConfig,
): KernelModule {
  const licenses: LicenseDeclaration[] = [];
  const inits: LocatedInvocation[] = [];
  const exits: LocatedInvocation[] = [];
  const exports: ModuleExport[] = [];
  const parameters: ModuleParameter[] = [];
  const metadata: MetadataEntry[] = [];
  const moduleMacros: LocatedInvocation[] = [];
  const functions = new Map<string, LocatedFunction>();
  const definedNames = new Set<string>();
  const macroDefinedNames = new Set<string>();
  let describesModule = false;
  for (const source of sources) {
    for (const definition of source.facts.functions) {
      if (!functions.has(definition.name)) functions.set(definition.name, { source, definition });
      definedNames.add(definition.name);
    }
    for (const declaration of source.facts.declarations) if (declaration.defines) definedNames.add(declaration.name);
    for (const enumerator of source.facts.enumerators) definedNames.add(enumerator.name);
    for (const define of source.facts.defines) definedNames.add(define.name);
    for (const invocation of source.facts.macros) {
      for (const arg of invocation.args) if (isIdentifier(arg.text)) macroDefinedNames.add(arg.text);
      // What sits in a branch a module build never compiles (#ifndef MODULE, or a CONFIG_ the
      // target's .config does not set) does not count.
      const compiled =
        invocation.branches.length === 0 ? true : compiledUnder(invocation.branches, source.facts.branches, config);
      if (compiled === false) continue;
      const located = { source, invocation, certain: compiled === true };
      const argument = invocation.args[0]?.text;
      const generated =
        argument !== undefined && isIdentifier(argument) ? generatedExports(invocation.name, argument) : undefined;
      if (generated !== undefined) {
        for (const name of generated.names)
          exports.push({ ...located, name, gplOnly: generated.gplOnly, generated: true });
        continue;
      }
      const kind = catalog.kindOf(invocation.name);
      if (kind === undefined) continue;
      moduleMacros.push(located);
      switch (kind) {
        case 'license': {
          const value = literalOrDefine(invocation.args[0]?.text, sources);
          licenses.push(value === undefined ? located : { ...located, value });
          describesModule = true;
          break;
        }
        case 'init':
          inits.push(located);
          describesModule = true;
          break;
        case 'exit':
          exits.push(located);
          describesModule = true;
          break;
        case 'init-and-exit':
          inits.push(located);
          exits.push(located);
          describesModule = true;
          break;
        case 'metadata': {
          describesModule = true;
          const key = METADATA_KEYS[invocation.name];
          if (key !== undefined) {
            const value = literalOrDefine(invocation.args[0]?.text, sources);
            metadata.push(value === undefined ? { ...located, key } : { ...located, key, value });
          }
          break;
        }
        case 'export': {
          const exported = invocation.args[0]?.text;
          const shape = catalog.exportShapeOf(invocation.name);
          if (exported !== undefined && isIdentifier(exported) && shape !== undefined) {
            const namespace =
              typeof shape.namespace === 'string'
                ? shape.namespace
                : shape.namespace !== undefined
                  ? namespaceOf(invocation.args[shape.namespace.argument]?.text)
                  : undefined;
            exports.push({
              ...located,
              name: exported,
              gplOnly: shape.gplOnly,
              ...(namespace !== undefined ? { namespace } : {}),
            });
          }
          break;
        }
        case 'parameter': {
          // Built-in code uses parameters too, so alone they do not make a module.
          const parameter = readParameter(located);
          if (parameter !== undefined) parameters.push(parameter);
          break;
        }
      }
    }
  }
  attachDescriptions(parameters, moduleMacros);
  return {
    name,
    sources,
    isModule: describesModule,
    licenses,
    inits,
    exits,
    exports,
    parameters,
    metadata,
    moduleMacros,
    functions,
    definedNames,
    macroDefinedNames,
    catalog,
  };
}

/** `MODULE_PARM_DESC(name, "…")` belongs to the parameter of that name, wherever it stands. */
function attachDescriptions(parameters: ModuleParameter[], macros: readonly LocatedInvocation[]): void {
  for (const { invocation } of macros) {
    if (invocation.name !== 'MODULE_PARM_DESC') continue;
    const target = parameters.find((p) => p.name === invocation.args[0]?.text);
    if (target) target.descriptions.push(invocation);
  }
}

/** 6.1 writes `EXPORT_SYMBOL_NS(sym, NS)`; newer kernels write `EXPORT_SYMBOL_NS(sym, "NS")`. */
function namespaceOf(argument: string | undefined): string | undefined {
  if (argument === undefined) return undefined;
  return stringLiteralValue(argument) ?? (isIdentifier(argument) ? argument : undefined);
}

/** Reads `"GPL"`, `"GPL" " v2"` or a macro defined in the module's sources as such a string. */
function literalOrDefine(argument: string | undefined, sources: readonly ModuleSource[]): string | undefined {
  if (argument === undefined) return undefined;
  const literal = stringLiteralValue(argument);
  if (literal !== undefined) return literal;
  for (const source of sources) {
    const define = source.facts.defines.find((d) => d.name === argument && d.parameters === undefined);
    if (define) return stringLiteralValue(define.value);
  }
  return undefined;
}

/** The module's function that an init or exit invocation names, e.g. hello_init in module_init(hello_init). */
export function entryFunction(module: KernelModule, located: LocatedInvocation): LocatedFunction | undefined {
  const kind = module.catalog.kindOf(located.invocation.name);
  if (kind !== 'init' && kind !== 'exit') return undefined;
  const name = located.invocation.args[0]?.text;
  return name === undefined ? undefined : module.functions.get(name);
}
