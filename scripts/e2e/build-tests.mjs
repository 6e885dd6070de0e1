#!/usr/bin/env node
// Bundles the extension-host suite (test/e2e/extensionHost/index.ts and the test files it loads)
// with esbuild into .vscode-test/e2e/extensionHost/index.js (gitignored), the file given to
// runTests as extensionTestsPath. `vscode` is the editor's; mocha is resolved from the repository's
// node_modules at run time. Prints the bundle's path.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { NODE_BUNDLE } from '../lib/esbuild-options.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const outfile = path.join(root, '.vscode-test', 'e2e', 'extensionHost', 'index.js');

await esbuild.build({
  entryPoints: [path.join(root, 'test', 'e2e', 'extensionHost', 'index.ts')],
  outfile,
  ...NODE_BUNDLE,
  external: ['vscode', 'mocha'],
});
console.log(outfile);
