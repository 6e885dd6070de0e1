import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { readFileScope } from '../model/fileScope';
import type { ModuleSource } from '../model/kernelModule';
import { findFunctionShapes, findPreprocessorFacts, type IncludeDirective } from '../model/sourceFacts';
import type { CParser } from '../parsing/cParser';
import { ParsedSource } from '../parsing/parsedSource';
import { parseKernelConfig, type KernelConfig } from '../kbuild/kernelConfig';
import type { KernelHeaders } from './kernelHeaders';

/** What one header makes visible, kept small: names, function-like macro bodies and includes. */
export interface HeaderSummary {
  /** Macros, functions (inline or declared), variables and enumerators it declares. */
  readonly names: ReadonlySet<string>;
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
  macros(name: string): readonly MacroBody[];
}

interface CachedHeader {
  readonly size: number;
  readonly mtimeMs: number;
  readonly summary: HeaderSummary;
  /** Resolved paths of its includes, computed once. */
  resolved?: { files: string[] };
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

  visibility(sources: readonly ModuleSource[]): HeaderVisibility {
    const visited = new Set<string>();
    const unresolved = new Set<string>();
    const queue: string[] = [...this.headers.forcedIncludes];
    for (const source of sources) {
      for (const include of source.facts.includes) {
        if (include.path.endsWith('.c')) continue;
        const file = this.resolve(include, path.dirname(source.path));
        if (file !== undefined) queue.push(file);
        else unresolved.add(include.path);
      }
    }
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (visited.has(file)) continue;
      visited.add(file);
      const cached = this.load(file);
      if (cached === undefined) continue;
      cached.resolved ??= this.resolveAll(cached.summary.includes, path.dirname(file));
      for (const next of cached.resolved.files) if (!visited.has(next)) queue.push(next);
    }
    const summaries = [...visited].map((file) => this.load(file)?.summary).filter((s) => s !== undefined);
    const names = new Set<string>();
    for (const summary of summaries) for (const name of summary.names) names.add(name);
    return {
      headers: [...visited],
      unresolved: [...unresolved],
      has: (name) => names.has(name),
      macros: (name) => summaries.flatMap((s) => s.macros.get(name) ?? []),
    };
  }

  /** `#include "x.h"` looks beside the including file first; `<x.h>` only in the -I directories. */
  resolve(include: IncludeDirective, fromDir: string): string | undefined {
    const dirs = include.system ? this.headers.includeDirs : [fromDir, ...this.headers.includeDirs];
    for (const dir of dirs) {
      const candidate = path.join(dir, include.path);
      if (this.load(candidate) !== undefined) return candidate;
    }
    return undefined;
  }

  private resolveAll(includes: readonly IncludeDirective[], fromDir: string): { files: string[] } {
    const files: string[] = [];
    for (const include of includes) {
      const file = this.resolve(include, fromDir);
      if (file !== undefined) files.push(file);
    }
    return { files };
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
    const parsed = ParsedSource.parse(this.parser, text);
    try {
      const { tree } = parsed;
      const names = new Set<string>();
      const macros = new Map<string, MacroBody[]>();
      const { includes, defines } = findPreprocessorFacts(this.parser, tree, text);
      for (const define of defines) {
        names.add(define.name);
        if (define.parameters !== undefined) {
          const bodies = macros.get(define.name) ?? [];
          bodies.push({ parameters: define.parameters, value: define.value });
          macros.set(define.name, bodies);
        }
      }
      const shapes = findFunctionShapes(this.parser, tree, text);
      for (const shape of shapes) names.add(shape.name);
      const scope = readFileScope(tree, text, parsed.annotations, new Map(shapes.map((f) => [f.start, f.bodyStart])));
      for (const declaration of scope.declarations) names.add(declaration.name);
      for (const capture of this.parser.query('enumerators').captures(tree.rootNode)) {
        names.add(text.slice(capture.node.startIndex, capture.node.endIndex));
      }
      return { names, macros, includes };
    } finally {
      parsed.dispose();
    }
  }
}
