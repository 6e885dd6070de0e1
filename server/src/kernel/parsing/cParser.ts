import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type * as WebTreeSitter from 'web-tree-sitter';
import type { Language, Node, Parser, Query, QueryCapture, QueryMatch, QueryOptions, Tree } from 'web-tree-sitter';
import { locateGrammarFiles, type GrammarFiles } from './grammarFiles';

export type QueryName = 'module-macros' | 'functions' | 'preprocessor' | 'names' | 'function-flow' | 'enumerators';
const QUERY_NAMES: readonly QueryName[] = [
  'module-macros',
  'functions',
  'preprocessor',
  'names',
  'function-flow',
  'enumerators',
];

type Runtime = typeof WebTreeSitter;

interface Instance {
  readonly parser: Parser;
  readonly queries: ReadonlyMap<QueryName, Query>;
}

/** Parses C with web-tree-sitter; one instance serves a whole process. */
export class CParser {
  /**
   * Bumped whenever the wasm instance is replaced. Trees from an older generation belong to a dead
   * instance and must be re-parsed from scratch, never edited or deleted.
   */
  generation = 0;
  private instance!: Instance;
  private recovering: Promise<void> | undefined;

  private constructor(private readonly files: GrammarFiles) {}

  static async load(files: GrammarFiles = locateGrammarFiles()): Promise<CParser> {
    const parser = new CParser(files);
    parser.instance = await instantiate(files);
    parser.generation = 1;
    return parser;
  }

  /**
   * NOTE: a wasm RuntimeError (e.g. from very deep trees) can corrupt the instance for every later
   * parse (lab notes §1), and web-tree-sitter keeps one instance per loaded copy of its module. So
   * recovery loads a fresh copy of the runtime module and a new instance with it; the old one is
   * dropped whole, with its trees. Concurrent calls share one recovery.
   */
  recover(): Promise<void> {
    this.recovering ??= instantiate(this.files)
      .then((instance) => {
        this.instance = instance;
        this.generation++;
      })
      .finally(() => {
        this.recovering = undefined;
      });
    return this.recovering;
  }

  parse(text: string, previous?: Tree): Tree {
    const tree = this.instance.parser.parse(text, previous ?? null);
    if (tree === null) throw new Error('tree-sitter returned no tree');
    return tree;
  }

  query(name: QueryName): Query {
    const query = this.instance.queries.get(name);
    if (query === undefined) throw new Error(`query ${name} is not loaded`);
    return query;
  }

  /** The query's matches under `node`, limited to nodes that overlap `within` when given. */
  matches(name: QueryName, node: Node, within?: TextSpan): QueryMatch[] {
    return this.query(name).matches(node, rangeOptions(within));
  }

  captures(name: QueryName, node: Node, within?: TextSpan): QueryCapture[] {
    return this.query(name).captures(node, rangeOptions(within));
  }
}

async function instantiate(files: GrammarFiles): Promise<Instance> {
  const runtime = loadFreshRuntime(files.runtimeModule);
  await runtime.Parser.init({ locateFile: () => files.runtimeWasm });
  const language: Language = await runtime.Language.load(files.languageWasm);
  const parser = new runtime.Parser();
  parser.setLanguage(language);
  const queries = new Map(
    QUERY_NAMES.map((name) => {
      const source = readFileSync(path.join(files.queriesDir, `${name}.scm`), 'utf8');
      return [name, new runtime.Query(language, source)] as const;
    }),
  );
  return { parser, queries };
}

/** A new copy of the runtime module, so that its wasm instance is a new one too. */
function loadFreshRuntime(modulePath: string): Runtime {
  const resolved = require.resolve(modulePath);
  delete require.cache[resolved];
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded from a file on purpose
  return require(resolved) as Runtime;
}

/** A stretch of text in UTF-16 offsets, as nodes report them. */
export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

/**
 * NOTE: web-tree-sitter reports node offsets in UTF-16 code units but takes query ranges in bytes
 * of the UTF-16 text it parsed, so a range's offsets are doubled here.
 */
function rangeOptions(within: TextSpan | undefined): QueryOptions | undefined {
  return within === undefined ? undefined : { startIndex: within.start * 2, endIndex: within.end * 2 };
}

/** A WebAssembly.RuntimeError (out-of-bounds access, unreachable): the instance may now be corrupt. */
export function isWasmFault(error: unknown): boolean {
  return error instanceof Error && error.name === 'RuntimeError';
}
