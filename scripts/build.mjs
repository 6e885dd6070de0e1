#!/usr/bin/env node
// Bundles the client, the language server and the CLI with esbuild, and puts the grammar files and
// the bundled kernel profile beside the bundles. `--watch` rebuilds on change. esbuild does not
// typecheck: `npm run typecheck` does.
import { chmodSync, copyFileSync, cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { NODE_BUNDLE } from './lib/esbuild-options.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const watch = process.argv.includes('--watch');

const common = {
  ...NODE_BUNDLE,
  define: { LKM_VERSION: JSON.stringify(version) },
  // Loaded at run time from dist/grammars/ (see copyGrammarFiles), never bundled.
  external: ['web-tree-sitter'],
};
const bundles = [
  {
    entryPoints: [path.join(root, 'client/src/extension.ts')],
    outfile: path.join(dist, 'extension.js'),
    external: ['vscode'],
  },
  { entryPoints: [path.join(root, 'server/src/lsp/main.ts')], outfile: path.join(dist, 'server.js') },
  {
    entryPoints: [path.join(root, 'server/src/cli/lkm.ts')],
    outfile: path.join(dist, 'lkm.js'),
    banner: { js: '#!/usr/bin/env node' },
  },
];

function copyGrammarFiles() {
  const target = path.join(dist, 'grammars');
  mkdirSync(target, { recursive: true });
  copyFileSync(path.join(root, 'grammars/tree-sitter-c.wasm'), path.join(target, 'tree-sitter-c.wasm'));
  // NOTE: the runtime is loaded from its own file, not bundled, so that recovering from a wasm fault
  // can load a fresh copy of it (see cParser.ts). Its CJS build finds its wasm through locateFile.
  copyFileSync(path.join(root, 'node_modules/web-tree-sitter/tree-sitter.wasm'), path.join(target, 'tree-sitter.wasm'));
  copyFileSync(
    path.join(root, 'node_modules/web-tree-sitter/tree-sitter.cjs'),
    path.join(target, 'web-tree-sitter.cjs'),
  );
  cpSync(path.join(root, 'grammars/queries'), path.join(target, 'queries'), { recursive: true });
}

/** The bundled default kernel profile, read at run time from dist/profiles/ (see bundledProfile.ts). */
function copyKernelProfiles() {
  cpSync(path.join(root, 'server/profiles'), path.join(dist, 'profiles'), { recursive: true });
}

rmSync(dist, { recursive: true, force: true });
copyGrammarFiles();
copyKernelProfiles();
if (watch) {
  for (const options of bundles) await (await esbuild.context({ ...common, ...options })).watch();
  console.log('watching for changes…');
} else {
  await Promise.all(bundles.map((options) => esbuild.build({ ...common, ...options })));
  chmodSync(path.join(dist, 'lkm.js'), 0o755);
}
