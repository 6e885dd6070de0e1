import * as path from 'node:path';
import { skipLiteralOrComment } from '../text/cLexing';
import type { KernelConfig } from '../kbuild/kernelConfig';
import { argumentPassesThrough, enclosingArguments } from './macroArguments';
import { falseUnder } from './configConditions';
import { compiledOffsets, directiveBranches, localDefinitions } from './directiveBranches';
import {
  fitsPattern,
  macroArgumentRoles,
  pastingPatterns,
  textualEnumerators,
  textualFunctionDefinitions,
  textualMacroDefinitions,
  textualTypedefNames,
  type MacroShape,
  type PastingPattern,
} from './textualNames';
import type { PreprocessorBranch } from './fileScope';
import type { NameUse } from './functionFacts';
import type { KernelModule, ModuleSource } from './kernelModule';

/** What the headers a module includes say about names (see HeaderVisibility). */
export interface HeaderNames {
  /** NameKind bits: macro 1, inline 2, declared 4, enumerator 8, variable 16. */
  kindOf(name: string): number;
  /**
   * Whether a header macro could make the name by token pasting (for a call: one that defines
   * functions); with `moduleArguments`, only from a part that a header's invocation or one of these
   * arguments of the module's macro invocations supplies.
   */
  mayBePasted(name: string, isCall: boolean, moduleArguments?: ReadonlySet<string>): boolean;
  /** Every `#include` of the module was found: a name no header declares is truly undeclared. */
  readonly complete: boolean;
  /** The bodies of a function-like macro the headers define. */
  macros(name: string): readonly MacroShape[];
  /** A static inline of the headers that returns false under the .config (an `#else` stub, a false IS_ENABLED). */
  readonly alwaysFalse?: (name: string) => boolean;
}

const MACRO = 1;
const DECLARED = 4;
/** Macro, inline, enumerator, variable with storage or typedef: never a link-time reference. */
const NOT_A_REFERENCE = 1 | 2 | 8 | 16 | 32;

export interface SymbolUse {
  readonly source: ModuleSource;
  readonly start: number;
  readonly end: number;
  readonly isCall: boolean;
  /** This use alone makes the reference certain (see SymbolReference.certain). */
  readonly certain: boolean;
  /**
   * A call the .config leaves out (`if (IS_ENABLED(CONFIG_X) && …)` with X off) to a name nothing
   * declares: gcc stops at it (implicit declaration) before modpost ever looks.
   */
  readonly droppedUndeclared?: boolean;
}

/** A name the module uses and does not define: what modpost would look up in Module.symvers. */
export interface SymbolReference {
  readonly name: string;
  readonly uses: readonly SymbolUse[];
  /**
   * The analysis is sure this is a link-time reference: a header declares it as a prototype or an
   * `extern`, or no macro, inline or generated name could be hiding it. Only certain references
   * may become errors.
   */
  readonly certain: boolean;
  /** A visible header declares it (prototype or extern variable). */
  readonly declared: boolean;
}

const branchCache = new WeakMap<ModuleSource, readonly PreprocessorBranch[]>();

function branchesOf(source: ModuleSource): readonly PreprocessorBranch[] {
  let branches = branchCache.get(source);
  if (branches === undefined) {
    branches = directiveBranches(source.text);
    branchCache.set(source, branches);
  }
  return branches;
}

/** GCC builtins and keywords tree-sitter reads as identifiers. */
const COMPILER_NAMES = new Set([
  '__func__',
  '__FUNCTION__',
  '__PRETTY_FUNCTION__',
  '__LINE__',
  '__FILE__',
  'asm',
  '__asm__',
  '__asm',
  'typeof',
  '__typeof__',
  '__typeof',
  '__alignof__',
  '_Alignof',
  '__auto_type',
  '_Generic',
  '__extension__',
  '__label__',
  '__real__',
  '__imag__',
  '_Static_assert',
  'static_assert',
  '__has_attribute',
  '__has_builtin',
  'sizeof',
  'defined',
  '__VA_ARGS__',
  // kbuild passes these with -D on every compile.
  'KBUILD_MODNAME',
  'KBUILD_BASENAME',
  'KBUILD_MODFILE',
]);

/** Compiler builtins and keywords, kbuild's -D macros, and Kconfig symbols (macros of autoconf.h, or nothing). */
function isCompilerName(name: string): boolean {
  return COMPILER_NAMES.has(name) || /^__(builtin|sync|atomic)_/.test(name) || name.startsWith('CONFIG_');
}

/** Typedef names of the module's own sources. */
function typedefNames(module: KernelModule): Set<string> {
  return new Set(module.sources.flatMap((source) => textualTypedefNames(source.text).map((t) => t.name)));
}

/**
 * The names a module refers to that the linker must find elsewhere: uses in function bodies and
 * initializers, minus what the module defines (also through file-scope macros), locals, compiler
 * builtins, and header macros, inlines and enumerators. Uses in `#if` branches the target's
 * .config leaves out do not count; undecided ones make the reference uncertain.
 */
export function symbolReferences(
  module: KernelModule,
  headers: HeaderNames | undefined,
  config?: KernelConfig,
): SymbolReference[] {
  const macroNames = new Set<string>();
  for (const source of module.sources) {
    for (const define of source.facts.defines) macroNames.add(define.name);
    // C has no calls at file scope: `MODULE_LICENSE("GPL");`, `DEFINE_MUTEX(lock);` are macros.
    // Not in an error-recovered stretch: there a function's body may have lost its function.
    for (const use of source.facts.fileScopeUses) if (use.isCall && use.inError !== true) macroNames.add(use.name);
    // Not inside braces by the text: error recovery can cut a body short, and a call after the
    // cut reads like a file-scope statement.
    const depthAt = braceDepths(source.text);
    for (const invocation of source.facts.macros) if (depthAt(invocation.start) === 0) macroNames.add(invocation.name);
    // Also #defines the tree does not show as such (inside an enum's body, in an error stretch).
    for (const match of source.text.matchAll(/^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)/gm)) macroNames.add(match[1]!);
  }
  const isMacro = (name: string): boolean => macroNames.has(name) || ((headers?.kindOf(name) ?? 0) & MACRO) !== 0;

  // Names handed straight to a macro (`DECLARE_WAITQUEUE(wait, current)`) may be defined by it.
  const passedToMacros = new Set<string>();
  const uses: { source: ModuleSource; use: NameUse; compiled: boolean | undefined }[] = [];
  for (const source of module.sources) {
    const all = [...source.facts.fileScopeUses, ...source.facts.functions.flatMap((f) => f.uses)].sort(
      (a, b) => a.start - b.start,
    );
    // Branch extents from the directive lines: tree-sitter can misplace where an #else ends.
    const branches = branchesOf(source);
    const compiledAt = compiledOffsets(branches, config, localDefinitions(source.text, branches, config));
    for (const use of all) {
      const callee = use.argumentOf?.[0];
      if (!use.isCall && callee !== undefined && isMacro(callee)) passedToMacros.add(use.name);
      uses.push({ source, use, compiled: compiledAt(use.start) });
    }
  }

  // Typedef names, and names macros define (neither is a link-time reference).
  const definedLocally = typedefNames(module);
  // Function definitions and enumerators error recovery hid from the tree.
  for (const source of module.sources) {
    for (const definition of textualFunctionDefinitions(source.text)) definedLocally.add(definition.name);
    // Variables defined at column 0 (`const struct dentry_operations cifs_dentry_ops = {`).
    for (const match of source.text.matchAll(/^(?:[A-Za-z_]\w*[ \t*]+)+([A-Za-z_]\w*)[ \t]*(?:\[[^\]\n]*\][ \t]*)*=/gm))
      definedLocally.add(match[1]!);
    for (const enumerator of textualEnumerators(source.text)) definedLocally.add(enumerator.name);
  }
  // What macro invocations may define: their arguments, and names pasted onto them.
  // The module's own function-like macros, from the text (the tree cuts long bodies short).
  const localMacros = new Map<string, MacroShape[]>();
  for (const source of module.sources) {
    for (const { name, shape } of textualMacroDefinitions(source.text)) {
      const list = localMacros.get(name) ?? [];
      list.push(shape);
      localMacros.set(name, list);
      // X-macros: `S(SNK_UNATTACHED)` in a body may become an enumerator or a definition.
      for (const match of shape.value.matchAll(/\b[A-Za-z_]\w*\s*\(\s*([A-Za-z_]\w*)\s*[,)]/g))
        definedLocally.add(match[1]!);
    }
  }
  const bodiesOf = (macro: string): readonly MacroShape[] => [
    ...(localMacros.get(macro) ?? []),
    ...(headers?.macros(macro) ?? []),
  ];
  const roles = {
    names: new Set<string>(),
    exact: new Set<string>(),
    prefixes: new Set<string>(),
    suffixes: new Set<string>(),
  };
  for (const source of module.sources) {
    const found = macroArgumentRoles(source.text, bodiesOf, isMacro);
    for (const name of found.names) roles.names.add(name);
    for (const name of found.exact) roles.exact.add(name);
    for (const prefix of found.prefixes) roles.prefixes.add(prefix);
    for (const suffix of found.suffixes) roles.suffixes.add(suffix);
  }
  const localStems = localPastingStems(localMacros);
  const rolePrefixes = [...roles.prefixes];
  const roleSuffixes = [...roles.suffixes];
  const pasted = (name: string, isCall: boolean): boolean =>
    roles.exact.has(name) ||
    rolePrefixes.some((p) => name.length > p.length && name.startsWith(p)) ||
    roleSuffixes.some((p) => name.length > p.length && name.endsWith(p)) ||
    localStems(name, isCall);
  // A static prototype in the module promises a definition in it (made by a macro, perhaps).
  for (const source of module.sources)
    for (const declaration of source.facts.declarations)
      if (declaration.isStatic && declaration.kind === 'function-prototype') definedLocally.add(declaration.name);
  // `static DEFINE_MUTEX(lock);` parses as a prototype of DEFINE_MUTEX: its "parameters" are definitions.
  for (const source of module.sources) {
    for (const declaration of source.facts.declarations) {
      if (declaration.kind !== 'function-prototype' || !isMacro(declaration.name)) continue;
      for (const match of source.text.slice(declaration.nameEnd, declaration.end).matchAll(/[A-Za-z_]\w*/g)) {
        definedLocally.add(match[0]);
      }
    }
  }
  // A .c file #included by another (often inside a function body) uses the includer's names.
  const includedFiles = new Set(
    module.sources.flatMap((source) =>
      source.facts.includes
        .filter((include) => !include.system && include.path.endsWith('.c'))
        .map((include) => path.resolve(path.dirname(source.path), include.path)),
    ),
  );
  // `extern int x;` and prototypes in the module's own files declare names as the headers do.
  const declaredBySources = new Set<string>();
  for (const source of module.sources)
    for (const declaration of source.facts.declarations)
      if (declaration.kind === 'function-prototype' ? !declaration.isStatic : !declaration.defines)
        declaredBySources.add(declaration.name);
  const passThrough = new Map<string, boolean>();
  const compiledThroughMacros = (text: string, use: NameUse): boolean => {
    const enclosing = enclosingArguments(text, use.start);
    if (enclosing === undefined || enclosing.map((e) => e.callee).join() !== use.argumentOf?.join()) return false;
    return enclosing.every(
      ({ callee, index, args }) =>
        !isMacro(callee) || argumentPassesThrough(callee, index, bodiesOf, isMacro, passThrough, 0, args),
    );
  };
  const byName = new Map<string, { uses: SymbolUse[]; certain: boolean }>();
  for (const { source, use, compiled } of uses) {
    const name = use.name;
    if (module.definedNames.has(name) || module.macroDefinedNames.has(name) || macroNames.has(name)) continue;
    if (isCompilerName(name) || definedLocally.has(name)) continue;
    const kind = headers?.kindOf(name) ?? 0;
    if ((kind & NOT_A_REFERENCE) !== 0) continue;
    const declared = (kind & DECLARED) !== 0;
    // A member or type handed to a macro (`container_of(p, struct s, member)`) is no reference.
    if (!use.isCall && !declared && use.argumentOf?.some(isMacro)) continue;
    if (!declared && (passedToMacros.has(name) || roles.names.has(name))) continue;
    if (compiled === false) continue;
    // `if (IS_ENABLED(CONFIG_X) && …) use();` with X off, or `if (stub_returning_false(c))`: the
    // compiler drops the call, but only after it has seen a declaration (kernel builds make an
    // implicit one an error).
    const dropped = use.guards?.some((guard) => falseUnder(guard, config, headers?.alwaysFalse)) === true;
    if (dropped && (!use.isCall || declared || declaredBySources.has(name))) continue;
    const certain =
      compiled === true &&
      use.inError !== true &&
      !includedFiles.has(source.path) &&
      // An assembly or generated member may define it (lib/raid6's tables.c, aesni's .S).
      (module.hasUnreadMembers !== true ||
        (module.unreadMemberWords !== undefined && !module.unreadMemberWords.has(name))) &&
      // A macro may drop or stringify its arguments (`RCU_LOCKDEP_WARN(c, …)` compiles to nothing):
      // a call inside one counts only where every macro around it compiles that argument.
      (!(use.argumentOf?.some(isMacro) ?? false) || (use.isCall && compiledThroughMacros(source.text, use))) &&
      // The module's own macros may define it, even when a header of its own declares it.
      !pasted(name, use.isCall) &&
      (declared ||
        declaredBySources.has(name) ||
        // C wants a declaration before a name is used as a value: one no header or source declares
        // is a local, parameter or member the tree lost (a declarator split by #ifdef, one a macro
        // writes), never a link-time reference. Only a call may lack one (an implicit declaration).
        (use.isCall &&
          headers !== undefined &&
          headers.complete &&
          !headers.mayBePasted(name, use.isCall, roles.names) &&
          !pasted(name, use.isCall)));
    const entry = byName.get(name) ?? { uses: [], certain: false };
    entry.uses.push({
      source,
      start: use.start,
      end: use.end,
      isCall: use.isCall,
      certain,
      ...(dropped ? { droppedUndeclared: true } : {}),
    });
    entry.certain ||= certain;
    byName.set(name, entry);
  }
  return [...byName].map(([name, entry]) => ({
    name,
    uses: entry.uses,
    certain: entry.certain,
    declared: ((headers?.kindOf(name) ?? 0) & DECLARED) !== 0,
  }));
}

/**
 * Names the module's own macros make by pasting, as patterns around the parameters
 * (`#define DEVICE_N(v, …) … v##_device = …` makes `…_device`). For a call, only macros whose body
 * defines something (storage class, or a function body) count, and not the names the body itself
 * calls.
 */
function localPastingStems(
  macros: ReadonlyMap<string, readonly MacroShape[]>,
): (name: string, isCall: boolean) => boolean {
  const anyPatterns: PastingPattern[] = [];
  const definingPatterns: PastingPattern[] = [];
  for (const bodies of macros.values()) {
    for (const body of bodies) {
      const patterns = pastingPatterns(body);
      anyPatterns.push(...patterns);
      if (/\b(static|extern|inline)\b|\)\s*\{/.test(body.value))
        definingPatterns.push(...patterns.filter((pattern) => !pattern.calledInBody));
    }
  }
  return (name, isCall) => (isCall ? definingPatterns : anyPatterns).some((pattern) => fitsPattern(name, pattern));
}

/** The `{` nesting depth at offsets asked in increasing order, outside comments and literals. */
function braceDepths(text: string): (offset: number) => number {
  let at = 0;
  let depth = 0;
  return (offset) => {
    if (offset < at) {
      at = 0;
      depth = 0;
    }
    while (at < offset && at < text.length) {
      const skipped = skipLiteralOrComment(text, at);
      if (skipped !== at) {
        at = skipped;
        continue;
      }
      const c = text[at]!;
      if (c === '{') depth++;
      else if (c === '}' && depth > 0) depth--;
      at++;
    }
    return depth;
  };
}
