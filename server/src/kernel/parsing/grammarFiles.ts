import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** Where the parser's three kinds of files live: the runtime wasm, the C grammar wasm and the queries. */
export interface GrammarFiles {
  readonly runtimeWasm: string;
  readonly languageWasm: string;
  readonly queriesDir: string;
}

export const LANGUAGE_WASM = 'tree-sitter-c.wasm';
export const RUNTIME_WASM = 'tree-sitter.wasm';

/**
 * The bundles in dist/ carry their grammar files beside them; running from source (tests, tsx) uses
 * the repository's grammars/ and the runtime wasm from node_modules.
 */
export function locateGrammarFiles(bundleDir: string = __dirname): GrammarFiles {
  const besideBundle = path.join(bundleDir, 'grammars');
  if (existsSync(path.join(besideBundle, LANGUAGE_WASM))) {
    return {
      runtimeWasm: path.join(besideBundle, RUNTIME_WASM),
      languageWasm: path.join(besideBundle, LANGUAGE_WASM),
      queriesDir: path.join(besideBundle, 'queries'),
    };
  }
  const repositoryGrammars = path.resolve(__dirname, '../../../../grammars');
  return {
    runtimeWasm: require.resolve(`web-tree-sitter/${RUNTIME_WASM}`),
    languageWasm: path.join(repositoryGrammars, LANGUAGE_WASM),
    queriesDir: path.join(repositoryGrammars, 'queries'),
  };
}
