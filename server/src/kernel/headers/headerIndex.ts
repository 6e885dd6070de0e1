import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Node } from 'web-tree-sitter';
import { readFileScope } from '../model/fileScope';
import { compiledOffsets, directiveBranches, localDefinitions } from '../model/directiveBranches';
import {
  macroNamedFunctions,
  fitsPattern,
  pastingPatterns,
  UNKNOWN_TEXT,
  textualEnumerators,
  textualFunctionDefinitions,
  textualIncludes,
  textualMacroDefinitions,
  textualTypedefNames,
} from '../model/textualNames';
import type { ModuleSource } from '../model/kernelModule';
import {
  findFunctionShapes,
  findPreprocessorFacts,
  type FunctionShape,
  type IncludeDirective,
} from '../model/sourceFacts';
import { falseUnder } from '../model/configConditions';
import type { CParser } from '../parsing/cParser';
import { ParsedSource } from '../parsing/parsedSource';
import { parseKernelConfig, type KernelConfig } from '../kbuild/kernelConfig';
import type { KernelHeaders } from './kernelHeaders';
import { readArgumentList, withoutComments } from '../text/cLexing';

/** How a header makes a name visible; one name can be several (a macro under one config, a prototype under another). */
export const NameKind = {
  macro: 1,
  /** A function with a body (`static inline`): compiled into the module, never a symbol reference. */
  inline: 2,
  /** A prototype or an `extern` variable: the module links to it. */
  declared: 4,
  enumerator: 8,
  /** A variable with storage (`static const int x[] = …`): the module gets its own copy. */
  variable: 16,
  /** A typedef name (`u8`, `dma_addr_t`): in `sizeof(u8)` or a cast it reads like an identifier. */
  type: 32,
  /**
   * An argument of a file-scope macro invocation (`BITMASK(name, …)`), which may define it. Taken
   * as a variable, unless a prototype declares the name: `DEFINE_FREE(kfree, …)` defines
   * `__free_kfree`, and kfree stays the kernel's.
   */
  macroArgument: 64,
} as const;

/** The kinds a name has for the analysis: a macro argument counts as a variable only when no prototype declares it. */
function effectiveKind(bits: number): number {
  if ((bits & NameKind.macroArgument) === 0) return bits;
  const rest = bits & ~NameKind.macroArgument;
  return (rest & NameKind.declared) !== 0 ? rest : rest | NameKind.variable;
}

/** What one header makes visible, kept small: names, function-like macro bodies and includes. */
export interface HeaderSummary {
  /** Macros, functions (inline or declared), variables and enumerators it declares, with their NameKind bits. */
  readonly names: ReadonlyMap<string, number>;
  /** Where each name is first declared (its name's offset), for hover and go-to-definition. */
  readonly positions: ReadonlyMap<string, number>;
  /**
   * Names token pasting makes, as `prefix\u0001suffix\u0001any\u0001middles` patterns (`trace_##name` makes `trace_…`):
   * from macros that define functions or variables, and from all macros.
   */
  readonly pastedPatterns: ReadonlySet<string>;
  readonly anyPastedPatterns: ReadonlySet<string>;
  /**
   * The names handed whole to macro invocations at column 0 (`TRACE_EVENT(kfree, …)`,
   * `DEFINE_EVENT(cls, name, …)`): what this header's invocations may paste into names.
   */
  readonly invocationArguments: ReadonlySet<string>;
  /**
   * Static inlines that return false under the .config (`return false;` in an `#else` stub,
   * `return IS_ENABLED(CONFIG_X) && …;` with X off): a call to one guards nothing gcc keeps.
   */
  readonly falseInlines: ReadonlySet<string>;
  /** `#include NAME` lines (NAME an object-like macro), and `#define NAME <x.h>` lines. */
  readonly computedIncludes: readonly string[];
  readonly includeMacros: ReadonlyMap<string, IncludeDirective>;
  /** Function-like macros, for deriving wrappers such as module_platform_driver. */
  readonly macros: ReadonlyMap<string, readonly MacroBody[]>;
  readonly includes: readonly IncludeDirective[];
}

export interface MacroBody {
  readonly parameters: readonly string[];
  readonly value: string;
}

/** Everything the headers a module includes make visible to it. */
export interface HeaderVisibility {
  readonly headers: readonly string[];
  /**
   * The module's own includes that no directory provides. Misses inside headers are not counted:
   * most sit in #if branches for other architectures and compilers.
   */
  readonly unresolved: readonly string[];
  has(name: string): boolean;
  /** The NameKind bits of every visible header that declares `name` (0 when none does). */
  kindOf(name: string): number;
  /** The first visible header declaring `name`, and the name's offset in it. */
  declarationOf(name: string): { readonly file: string; readonly offset: number } | undefined;
  /**
   * Whether a visible macro could make `name` by token pasting (`trace_foo` from `trace_##name`).
   * A called name counts only stems of macros that define functions; others, any macro's
   * (`IB_OPCODE_##transport##_##op` makes enumerators).
   */
  mayBePasted(name: string, isCall?: boolean, moduleArguments?: ReadonlySet<string>): boolean;
  macros(name: string): readonly MacroBody[];
  /** Whether a visible header's static inline of this name always returns false (HeaderSummary.falseInlines). */
  alwaysFalse(name: string): boolean;
}

interface CachedHeader {
  readonly size: number;
  readonly mtimeMs: number;
  readonly summary: HeaderSummary;
  /** Resolved paths of its includes, and the includes the kernel's directories do not provide. */
  resolved?: { files: string[]; missing: IncludeDirective[] };
}

const MAX_HEADER_BYTES = 2 * 1024 * 1024;

/**
 * Kernel headers, each parsed once with tree-sitter and cached; a header that changes on disk is
 * read again. A module's visible names are the union over the closure of its sources' includes.
 */
export class HeaderIndex {
  private readonly cache = new Map<string, CachedHeader | null>();
  private configFile: KernelConfig | null | undefined;

  constructor(
    private readonly parser: CParser,
    readonly headers: KernelHeaders,
  ) {}

  get size(): number {
    return this.cache.size;
  }

  /** The tree's .config, read once; undefined when it has none. */
  get config(): KernelConfig | undefined {
    if (this.configFile === undefined) {
      let config: KernelConfig | null = null;
      try {
        if (this.headers.configPath !== undefined)
          config = parseKernelConfig(readFileSync(this.headers.configPath, 'utf8'));
      } catch {
        config = null;
      }
      this.configFile = config;
    }
    return this.configFile ?? undefined;
  }

  /** Drops a header (it changed on disk), or every header. */
  invalidate(file?: string): void {
    if (file === undefined) this.cache.clear();
    else this.cache.delete(file);
  }

  /**
   * `extraDirs` are the module's own `-I` directories (its Kbuild's ccflags-y), searched after the
   * kernel's, as kbuild orders them.
   */
  visibility(sources: readonly ModuleSource[], extraDirs: readonly string[] = []): HeaderVisibility {
    const resolveExtra = (include: IncludeDirective): string | undefined => {
      for (const dir of extraDirs) {
        const candidate = path.join(dir, include.path);
        if (this.load(candidate) !== undefined) return candidate;
      }
      return undefined;
    };
    const visited = new Set<string>();
    const unresolved = new Set<string>();
    const queue: string[] = [...this.headers.forcedIncludes];
    // A .c file another source #includes is read like a header (often in a branch the .config
    // leaves out, as ehci-hcd.c's ehci-ps3.c): its own misses are not counted.
    const includedSources = new Set(
      sources.flatMap((source) =>
        withTextualIncludes(source.facts.includes, source.text)
          .filter((include) => include.path.endsWith('.c'))
          .map((include) => path.resolve(path.dirname(source.path), include.path)),
      ),
    );
    for (const source of sources) {
      // An include in a branch the .config leaves out (`#ifdef CONFIG_PPC_PS3` … <asm/ps3.h>) is not read.
      const compiled = compiledOffsets(directiveBranches(source.text), this.config);
      for (const include of withTextualIncludes(source.facts.includes, source.text)) {
        if (include.path.endsWith('.c') || compiled(include.start) === false) continue;
        const file = this.resolve(include, path.dirname(source.path)) ?? resolveExtra(include);
        if (file !== undefined) queue.push(file);
        else if (!includedSources.has(path.resolve(source.path)) && !generatedFromGrammar(include, source.path))
          unresolved.add(include.path);
      }
    }
    // `#include NAME` with `#define NAME <linux/drbd_genl.h>` somewhere: followed once NAME is known.
    const includeMacros = new Map<string, IncludeDirective>();
    for (const source of sources)
      for (const [name, include] of includeMacrosOf(source.text)) includeMacros.set(name, include);
    const computed: { name: string; fromDir: string }[] = [];
    let unknownComputed = false;
    for (;;) {
      while (queue.length > 0) {
        const file = queue.pop()!;
        if (visited.has(file)) continue;
        visited.add(file);
        const cached = this.load(file);
        if (cached === undefined) continue;
        cached.resolved ??= this.resolveAll(cached.summary.includes, path.dirname(file));
        for (const next of cached.resolved.files) if (!visited.has(next)) queue.push(next);
        // A driver's own header including another it finds through the Makefile's -I ("af9013.h").
        for (const missing of cached.resolved.missing) {
          const found = resolveExtra(missing);
          if (found !== undefined) {
            if (!visited.has(found)) queue.push(found);
          } else if (!missing.system && !this.isKernelHeader(path.dirname(file)) && !missing.path.endsWith('.c')) {
            unresolved.add(missing.path);
          }
        }
      }
      for (const file of visited) {
        const summary = this.load(file)?.summary;
        if (summary === undefined) continue;
        for (const [name, include] of summary.includeMacros) includeMacros.set(name, include);
      }
      for (const file of visited) {
        for (const name of this.load(file)?.summary.computedIncludes ?? [])
          computed.push({ name, fromDir: path.dirname(file) });
      }
      for (const source of sources) {
        for (const name of computedIncludesOf(source.text)) computed.push({ name, fromDir: path.dirname(source.path) });
      }
      unknownComputed = false;
      for (const { name, fromDir } of computed.splice(0)) {
        const include = includeMacros.get(name);
        const file = include === undefined ? undefined : (this.resolve(include, fromDir) ?? resolveExtra(include));
        if (file === undefined) unknownComputed = true;
        else if (!visited.has(file)) queue.push(file);
      }
      if (queue.length === 0) break;
    }
    const files = [...visited];
    const summaries = files.map((file) => this.load(file)?.summary);
    const names = new Map<string, number>();
    const definitionPatterns = new Set<string>();
    const anyPatterns = new Set<string>();
    const falseInlines = new Set<string>();
    for (const summary of summaries) {
      if (summary === undefined) continue;
      for (const [name, kind] of summary.names) names.set(name, (names.get(name) ?? 0) | kind);
      for (const pattern of summary.pastedPatterns) definitionPatterns.add(pattern);
      for (const pattern of summary.anyPastedPatterns) anyPatterns.add(pattern);
      for (const name of summary.falseInlines) falseInlines.add(name);
    }
    let allMacros: Map<string, MacroBody[]> | undefined;
    const forCalls = stemMatcher(definitionPatterns);
    const forOthers = stemMatcher(anyPatterns);
    let headerArguments: Set<string> | undefined;
    const argumentsOfHeaders = (): ReadonlySet<string> => {
      if (headerArguments === undefined) {
        headerArguments = new Set();
        for (const summary of summaries)
          for (const word of summary?.invocationArguments ?? []) headerArguments.add(word);
      }
      return headerArguments;
    };
    return {
      headers: files,
      unresolved: [...unresolved],
      has: (name) => names.has(name),
      kindOf: (name) => effectiveKind(names.get(name) ?? 0),
      declarationOf: (name) => {
        for (let i = 0; i < files.length; i++) {
          const offset = summaries[i]?.positions.get(name);
          if (offset !== undefined) return { file: files[i]!, offset };
        }
        return undefined;
      },
      // A call counts only patterns of macros that define functions (any macro pastes `dev_##x`).
      mayBePasted: (name, isCall = true, moduleArguments) => {
        // With the module's macro arguments, a pattern excuses only a name whose pasted part some
        // invocation hands over (`trace_##name` makes trace_kfree from TRACE_EVENT(kfree, …), not
        // any trace_… name), in whole or as the start or end of it.
        // A header included by a name this index cannot resolve may hold the invocations.
        const producible =
          moduleArguments === undefined || unknownComputed
            ? undefined
            : (stem: string): boolean => canProduce(stem, argumentsOfHeaders()) || canProduce(stem, moduleArguments);
        return isCall ? forCalls(name, producible) : forCalls(name, producible) || forOthers(name, producible);
      },
      alwaysFalse: (name) => falseInlines.has(name),
      macros: (name) => {
        // Built on first use: one map over every visible header, instead of a walk per name.
        if (allMacros === undefined) {
          allMacros = new Map();
          for (const summary of summaries) {
            if (summary === undefined) continue;
            for (const [macro, bodies] of summary.macros) {
              const list = allMacros.get(macro);
              if (list === undefined) allMacros.set(macro, [...bodies]);
              else list.push(...bodies);
            }
          }
        }
        return allMacros.get(name) ?? [];
      },
    };
  }

  /** A declaration of `name` in any header indexed so far (workspace symbol search has no module to start from). */
  findDeclaration(name: string): { readonly file: string; readonly offset: number } | undefined {
    for (const [file, cached] of this.cache) {
      const offset = cached?.summary.positions.get(name);
      if (offset !== undefined && (effectiveKind(cached!.summary.names.get(name) ?? 0) & ~NameKind.macro) !== 0)
        return { file, offset };
    }
    return undefined;
  }

  /**
   * `#include "x.h"` looks beside the including file first; `<x.h>` only in the -I directories.
   * Beside the file, a missing `x.h` may be shipped as `x.h_shipped`, which kbuild copies to `x.h`
   * at build time (aic7xxx's register headers).
   */
  resolve(include: IncludeDirective, fromDir: string): string | undefined {
    const dirs = include.system ? this.headers.includeDirs : [fromDir, ...this.headers.includeDirs];
    for (const dir of dirs) {
      const candidate = path.join(dir, include.path);
      if (this.load(candidate) !== undefined) return candidate;
    }
    const shipped = include.system ? undefined : path.join(fromDir, `${include.path}_shipped`);
    return shipped !== undefined && this.load(shipped) !== undefined ? shipped : undefined;
  }

  private resolveAll(
    includes: readonly IncludeDirective[],
    fromDir: string,
  ): { files: string[]; missing: IncludeDirective[] } {
    const files: string[] = [];
    const missing: IncludeDirective[] = [];
    for (const include of includes) {
      const file = this.resolve(include, fromDir);
      if (file !== undefined) files.push(file);
      else missing.push(include);
    }
    return { files, missing };
  }

  private isKernelHeader(dir: string): boolean {
    return this.headers.includeDirs.some((root) => dir === root || dir.startsWith(root + path.sep));
  }

  private load(file: string): CachedHeader | undefined {
    const cached = this.cache.get(file);
    if (cached === null) return undefined;
    if (cached !== undefined) return cached;
    let entry: CachedHeader | null = null;
    try {
      const stat = statSync(file);
      if (stat.isFile() && stat.size <= MAX_HEADER_BYTES) {
        entry = { size: stat.size, mtimeMs: stat.mtimeMs, summary: this.summarize(readFileSync(file, 'utf8')) };
      }
    } catch {
      entry = null;
    }
    this.cache.set(file, entry);
    return entry ?? undefined;
  }

  private summarize(text: string): HeaderSummary {
    // Register headers (amdgpu's asic_reg: megabytes of #defines) hold nothing but directives: the
    // text says all the tree would, without the parse.
    const parsed = onlyDirectives(text) ? undefined : ParsedSource.parse(this.parser, text);
    try {
      const names = new Map<string, number>();
      const positions = new Map<string, number>();
      const found: { name: string; kind: number; offset: number }[] = [];
      const add = (name: string, kind: number, offset: number): void => {
        found.push({ name, kind, offset });
      };
      const macros = new Map<string, MacroBody[]>();
      const pastedPatterns = new Set<string>();
      const anyPastedPatterns = new Set<string>();
      const preprocessor = parsed
        ? findPreprocessorFacts(this.parser, parsed.tree, text)
        : { defines: [], includes: [] };
      const { defines } = preprocessor;
      const includes = withTextualIncludes(preprocessor.includes, text);
      // Function-like macros from the text, continued lines joined: the tree cuts long bodies short.
      const textualMacros = textualMacroDefinitions(text);
      const fromText = new Set(textualMacros.map((m) => m.name));
      for (const define of defines) {
        // `#define iounmap iounmap` says the arch has the function: the name stays the function's.
        if (define.parameters === undefined && define.value.trim() === define.name) continue;
        add(define.name, NameKind.macro, define.start);
        if (define.parameters !== undefined && !fromText.has(define.name)) {
          const bodies = macros.get(define.name) ?? [];
          bodies.push({ parameters: define.parameters, value: define.value });
          macros.set(define.name, bodies);
          collectPastedStems({ parameters: define.parameters, value: define.value }, pastedPatterns, anyPastedPatterns);
        }
      }
      const shapes = parsed ? findFunctionShapes(this.parser, parsed.tree, text) : [];
      for (const shape of shapes) add(shape.name, NameKind.inline, shape.nameStart);
      const scope = parsed
        ? readFileScope(parsed.tree, text, parsed.annotations, new Map(shapes.map((f) => [f.start, f.bodyStart])))
        : { declarations: [] };
      for (const declaration of scope.declarations) {
        // A static prototype promises a definition in the same translation unit: never a link reference.
        const kind =
          declaration.isStatic && declaration.kind === 'function-prototype'
            ? NameKind.inline
            : declaration.kind === 'function-prototype' || !declaration.defines
              ? NameKind.declared
              : NameKind.variable;
        add(declaration.name, kind, declaration.nameStart);
      }
      for (const capture of parsed ? this.parser.query('enumerators').captures(parsed.tree.rootNode) : []) {
        if (capture.name === 'enumerator') {
          add(text.slice(capture.node.startIndex, capture.node.endIndex), NameKind.enumerator, capture.node.startIndex);
        } else {
          const named = typedefName(capture.node);
          if (named) add(text.slice(named.startIndex, named.endIndex), NameKind.type, named.startIndex);
        }
      }
      // #defines the tree lost (continued lines full of comments, one of two definitions under
      // #if/#else, …): macros all the same. Every one from the text, each at its own offset.
      for (const match of text.matchAll(/^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(?:[ \t]+(\w+)[ \t]*$)?/gm)) {
        if (match[2] === match[1]) continue;
        add(match[1]!, NameKind.macro, match.index + match[0].indexOf(match[1]!, match[0].indexOf('define') + 6));
      }
      for (const { name, shape } of textualMacros) {
        const bodies = macros.get(name) ?? [];
        bodies.push(shape);
        macros.set(name, bodies);
        collectPastedStems(shape, pastedPatterns, anyPastedPatterns);
      }
      // Functions named by a macro (`static inline int BTREE_FN(init)(…) {…}`): the names it makes.
      const macrosHere = (name: string): readonly MacroBody[] | undefined => macros.get(name);
      for (const produced of macroNamedFunctions(text, macrosHere)) {
        const parts = produced.split(UNKNOWN_TEXT);
        if (parts.length === 1) add(produced, NameKind.inline, 0);
        else if (parts[0]!.length + parts[parts.length - 1]!.length >= 3) {
          // The unknown part is an object-like macro's value, not an argument: no producible test.
          const pattern = `${parts[0]!}\u0001${parts[parts.length - 1]!}\u0001any\u0001`;
          pastedPatterns.add(pattern);
          anyPastedPatterns.add(pattern);
        }
      }
      // Names a file-scope macro invocation may define (`KEY_FIELD(KEY_PTRS, high, 60, 3)`,
      // `BITMASK(name, …)` making `static inline … name(…)`): at column 0, an upper-case macro.
      for (const match of text.matchAll(/^([A-Z_][A-Z0-9_]*)[ \t]*\(([^;{}]*?)\)[ \t]*;?[ \t]*$/gm)) {
        if (match[1]!.startsWith('EXPORT_')) continue;
        for (const argument of match[2]!.split(',')) {
          const name = argument.trim();
          if (/^[A-Za-z_]\w*$/.test(name)) add(name, NameKind.macroArgument, match.index);
        }
      }
      const invocationArguments = new Set<string>();
      for (const match of text.matchAll(/^([A-Za-z_]\w*)[ \t]*\(/gm)) {
        const open = match.index + match[0].length - 1;
        const list = readArgumentList(text, open, Math.min(text.length, open + 20_000));
        for (const argument of list?.args ?? [])
          // Numbers and number-led words paste too (`CB710_PORT_ACCESSORS(32)`, `…_FUNCS(64bit, …)`).
          if (/^\w+$/.test(argument.text)) invocationArguments.add(argument.text);
      }
      // Arguments pasted inside macro bodies (`____MAKE_OP(le##size, …)` makes le16, le32, …): their
      // literal part, marked as a start (`le\u0002`) or an end (`\u0002_t`) of what is handed over.
      for (const bodies of macros.values()) {
        for (const body of bodies) {
          for (const match of body.value.matchAll(/[(,]\s*([A-Za-z0-9_]+(?:\s*##\s*[A-Za-z0-9_]+)+)\s*(?=[,)])/g)) {
            const tokens = match[1]!.split(/\s*##\s*/);
            const first = tokens[0]!;
            const last = tokens[tokens.length - 1]!;
            if (!body.parameters.includes(first) && /^[A-Za-z_]/.test(first)) invocationArguments.add(`${first}\u0002`);
            if (!body.parameters.includes(last)) invocationArguments.add(`\u0002${last}`);
          }
        }
      }
      for (const { name, offset } of textualEnumerators(text)) add(name, NameKind.enumerator, offset);
      // Static variables with initializers (tables in a driver's own headers): each file gets its copy.
      for (const match of text.matchAll(/^static\b[^;=(){}]*?\b([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)*=/gm)) {
        add(match[1]!, NameKind.variable, match.index);
      }
      // Typedef names annotations hid from the tree (`typedef __u16 __bitwise __le16;`).
      for (const { name, offset } of textualTypedefNames(text)) add(name, NameKind.type, offset);
      // Inline functions error recovery dropped from the tree (a #if inside their body, …).
      const parsedFunctions = new Set(shapes.map((f) => f.name));
      for (const definition of textualFunctionDefinitions(text)) {
        if (definition.inline && !parsedFunctions.has(definition.name))
          add(definition.name, NameKind.inline, definition.offset);
      }
      // What sits in a branch the target's .config leaves out is not visible (a CONFIG_DEBUG_FS=y
      // kernel links debugfs_create_dir; the `static inline` stub of its #else is not there).
      const branches = directiveBranches(text);
      // With the header's own #defines and include guard: a stub is false only where it is compiled.
      // Most headers have no static inline to judge, and need not pay for the extra passes.
      const falseInlines = shapes.some((shape) => shape.isStatic)
        ? alwaysFalseInlines(
            text,
            shapes,
            compiledOffsets(branches, this.config, localDefinitions(text, branches, this.config)),
            this.config,
          )
        : new Set<string>();
      const compiled = compiledOffsets(branches, this.config);
      for (const entry of found.sort((a, b) => a.offset - b.offset)) {
        if (compiled(entry.offset) === false) continue;
        names.set(entry.name, (names.get(entry.name) ?? 0) | entry.kind);
        if (!positions.has(entry.name)) positions.set(entry.name, entry.offset);
      }
      return {
        names,
        positions,
        pastedPatterns,
        anyPastedPatterns,
        invocationArguments,
        falseInlines,
        computedIncludes: computedIncludesOf(text),
        includeMacros: includeMacrosOf(text),
        macros,
        includes,
      };
    } finally {
      parsed?.dispose();
    }
  }
}

/**
 * The static inlines whose body is `return <false under the .config>;`, in a branch the .config
 * compiles for sure, and with no other definition that might be compiled and return anything else.
 */
function alwaysFalseInlines(
  text: string,
  shapes: readonly FunctionShape[],
  compiledAt: (offset: number) => boolean | undefined,
  config: KernelConfig | undefined,
): Set<string> {
  const alwaysFalse = new Set<string>();
  const otherwise = new Set<string>();
  for (const shape of shapes) {
    const compiled = compiledAt(shape.start);
    if (!shape.isStatic || compiled === false) continue;
    const body = withoutComments(text.slice(shape.bodyStart, shape.bodyEnd));
    const returned = /^\{\s*return\b([^;]*);\s*\}$/.exec(body)?.[1];
    const isFalse =
      compiled === true &&
      returned !== undefined &&
      falseUnder(returned, config, (name) => alwaysFalse.has(name) && !otherwise.has(name));
    (isFalse ? alwaysFalse : otherwise).add(shape.name);
  }
  for (const name of otherwise) alwaysFalse.delete(name);
  return alwaysFalse;
}

/** Whether the text holds only preprocessor directives, comments and blank lines. */
function onlyDirectives(text: string): boolean {
  const code = withoutComments(text).replace(/\\\r?\n/g, ' ');
  return !/^[ \t]*[^\s#]/m.test(code);
}

/** A macro body that defines a function or variable (`static inline void trace_##name(…) {…}`). */
function definesSomething(body: string): boolean {
  return /\b(static|extern|inline|__always_inline)\b|\)\s*\{/.test(body);
}

/**
 * Whether a name fits one of the pasting patterns (`prefix\u0001suffix\u0001any\u0001middles`, see
 * fitsPattern), with a pasted part some argument can produce unless `any`.
 */
function stemMatcher(
  patternSet: ReadonlySet<string>,
): (name: string, producible?: (stem: string) => boolean) => boolean {
  const patterns = [...patternSet].map((p) => {
    const [prefix = '', suffix = '', any = '', middles = ''] = p.split('\u0001');
    return { prefix, suffix, any: any !== '', middles: middles === '' ? [] : middles.split('\u0002') };
  });
  return (name, producible) =>
    patterns.some(
      (pattern) =>
        fitsPattern(name, pattern) &&
        (producible === undefined ||
          pattern.any ||
          producible(name.slice(pattern.prefix.length, name.length - pattern.suffix.length))),
    );
}

/** Whether a pasted part could come from these arguments: one of them, or one before or after an underscore in it. */
function canProduce(stem: string, words: ReadonlySet<string>): boolean {
  if (words.has(stem)) return true;
  for (let cut = 1; cut < stem.length; cut++) {
    if (words.has(`${stem.slice(0, cut)}\u0002`) || words.has(`\u0002${stem.slice(cut)}`)) return true;
  }
  // At an underscore: `foo_bar` from `pfx_##a##_##b` with a = foo.
  for (let cut = stem.indexOf('_'); cut !== -1; cut = stem.indexOf('_', cut + 1)) {
    if (cut >= 2 && words.has(stem.slice(0, cut))) return true;
    if (stem.length - cut - 1 >= 2 && words.has(stem.slice(cut + 1))) return true;
  }
  return false;
}

/**
 * The pasting patterns of a macro body, kept as `prefix\u0001suffix\u0001\u0001middles`: all of
 * them, and for definitions those of a body that defines something, minus the names it calls.
 */
function collectPastedStems(body: MacroBody, definitions: Set<string>, any: Set<string>): void {
  const defines = definesSomething(body.value);
  for (const pattern of pastingPatterns(body)) {
    const key = `${pattern.prefix}\u0001${pattern.suffix}\u0001\u0001${pattern.middles.join('\u0002')}`;
    any.add(key);
    if (defines && !pattern.calledInBody) definitions.add(key);
  }
}

/** The type_identifier a typedef's declarator declares (`u8`, `(*handler_t)(int)`, `table_t[4]`). */
function typedefName(declarator: Node): Node | undefined {
  let current: Node | null = declarator;
  for (let depth = 0; current !== null && depth < 16; depth++) {
    if (current.type === 'type_identifier') return current;
    current =
      current.childForFieldName('declarator') ??
      current.namedChildren.find((c) => c?.type === 'type_identifier' || c?.type.endsWith('_declarator')) ??
      null;
  }
  return undefined;
}

/**
 * `#include "X.asn1.h"` beside an `X.asn1` grammar: scripts/asn1_compiler writes it at build time,
 * declaring only the decoder and the grammar's action functions.
 */
function generatedFromGrammar(include: IncludeDirective, from: string): boolean {
  return (
    !include.system &&
    include.path.endsWith('.asn1.h') &&
    existsSync(path.join(path.dirname(from), include.path.slice(0, -2)))
  );
}

/** `#include NAME` lines with an object-like macro for the file (`#include GENL_MAGIC_INCLUDE_FILE`). */
function computedIncludesOf(text: string): string[] {
  return [...text.matchAll(/^[ \t]*#[ \t]*include[ \t]+([A-Za-z_]\w*)[ \t]*(?:\/[/*].*)?$/gm)].map((m) => m[1]!);
}

/** `#define NAME <linux/x.h>` and `#define NAME "x.h"`: what `#include NAME` includes. */
function includeMacrosOf(text: string): Map<string, IncludeDirective> {
  const found = new Map<string, IncludeDirective>();
  for (const match of text.matchAll(/^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+([<"])([^>"\n]+)[>"][ \t]*$/gm)) {
    found.set(match[1]!, {
      path: match[3]!.trim(),
      system: match[2] === '<',
      start: match.index,
      end: match.index + match[0].length,
    });
  }
  return found;
}

/** The tree's includes, plus those only the text shows. */
function withTextualIncludes(includes: readonly IncludeDirective[], text: string): IncludeDirective[] {
  const seen = new Set(includes.map((i) => `${i.system ? '<' : '"'}${i.path}`));
  return [...includes, ...textualIncludes(text).filter((i) => !seen.has(`${i.system ? '<' : '"'}${i.path}`))];
}
