import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** Where the parser's files live: the runtime's JavaScript and wasm, the C grammar wasm and the queries. */
export interface GrammarFiles {
  readonly runtimeModule: string;
  readonly runtimeWasm: string;
  readonly languageWasm: string;
  readonly queriesDir: string;
}

export const LANGUAGE_WASM = 'tree-sitter-c.wasm';
export const RUNTIME_WASM = 'tree-sitter.wasm';
export const RUNTIME_MODULE = 'web-tree-sitter.cjs';

/**
 * The bundles in dist/ carry their grammar files beside them; running from source (tests, tsx) uses
 * the repository's grammars/ and the runtime from node_modules.
 */
export function locateGrammarFiles(bundleDir: string = __dirname): GrammarFiles {
  const besideBundle = path.join(bundleDir, 'grammars');
  if (existsSync(path.join(besideBundle, LANGUAGE_WASM))) {
    return {
      runtimeModule: path.join(besideBundle, RUNTIME_MODULE),
      runtimeWasm: path.join(besideBundle, RUNTIME_WASM),
      languageWasm: path.join(besideBundle, LANGUAGE_WASM),
      queriesDir: path.join(besideBundle, 'queries'),
    };
  }
  const repositoryGrammars = path.resolve(__dirname, '../../../../grammars');
  const runtimeModule = require.resolve('web-tree-sitter');
  return {
    runtimeModule,
    runtimeWasm: path.join(path.dirname(runtimeModule), RUNTIME_WASM),
    languageWasm: path.join(repositoryGrammars, LANGUAGE_WASM),
    queriesDir: path.join(repositoryGrammars, 'queries'),
  };
}
