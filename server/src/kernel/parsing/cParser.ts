import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Language, Parser, Query, type Tree } from 'web-tree-sitter';
import { locateGrammarFiles, type GrammarFiles } from './grammarFiles';

export type QueryName = 'module-macros' | 'functions' | 'preprocessor';
const QUERY_NAMES: readonly QueryName[] = ['module-macros', 'functions', 'preprocessor'];

/** Parses C with web-tree-sitter; one instance serves a whole process. */
export class CParser {
  /**
   * Bumped whenever the wasm instance is replaced. Trees from an older generation belong to a dead
   * instance and must be re-parsed from scratch, never edited or deleted.
   */
  generation = 0;
  private parser!: Parser;
  private language!: Language;
  private queries = new Map<QueryName, Query>();

  private constructor(private readonly files: GrammarFiles) {}

  static async load(files: GrammarFiles = locateGrammarFiles()): Promise<CParser> {
    const instance = new CParser(files);
    await instance.instantiate();
    return instance;
  }

  /**
   * NOTE: a wasm RuntimeError (e.g. from very deep trees) can corrupt the instance for every later
   * parse (lab notes §1), so after one the whole runtime is instantiated anew.
   */
  async recover(): Promise<void> {
    await this.instantiate();
  }

  parse(text: string, previous?: Tree): Tree {
    const tree = this.parser.parse(text, previous ?? null);
    if (tree === null) throw new Error('tree-sitter returned no tree');
    return tree;
  }

  query(name: QueryName): Query {
    const query = this.queries.get(name);
    if (query === undefined) throw new Error(`query ${name} is not loaded`);
    return query;
  }

  get languageVersion(): number {
    return this.language.abiVersion;
  }

  private async instantiate(): Promise<void> {
    const runtimeWasm = this.files.runtimeWasm;
    await Parser.init({ locateFile: () => runtimeWasm });
    this.language = await Language.load(this.files.languageWasm);
    this.parser = new Parser();
    this.parser.setLanguage(this.language);
    this.queries = new Map(
      QUERY_NAMES.map((name) => {
        const source = readFileSync(path.join(this.files.queriesDir, `${name}.scm`), 'utf8');
        return [name, new Query(this.language, source)];
      }),
    );
    this.generation++;
  }
}

/** A WebAssembly.RuntimeError (out-of-bounds access, unreachable): the instance may now be corrupt. */
export function isWasmFault(error: unknown): boolean {
  return error instanceof Error && error.name === 'RuntimeError';
}
