#!/usr/bin/env node
// Copies the C grammar that the tree-sitter-c package ships into grammars/ and records where it came
// from. With --check, only verifies that grammars/ still matches the installed packages.
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const packageJson = (name) => JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8'));
const grammarPackage = packageJson('tree-sitter-c');
const runtimePackage = packageJson('web-tree-sitter');
const source = path.join(root, 'node_modules', 'tree-sitter-c', 'tree-sitter-c.wasm');
const target = path.join(root, 'grammars', 'tree-sitter-c.wasm');
const provenanceFile = path.join(root, 'grammars', 'tree-sitter-c.provenance.json');

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');
const provenance = {
  file: 'tree-sitter-c.wasm',
  sha256: sha256(source),
  bytes: readFileSync(source).length,
  grammar: { package: 'tree-sitter-c', version: grammarPackage.version, file: 'tree-sitter-c.wasm' },
  runtime: { package: 'web-tree-sitter', version: runtimePackage.version },
  howToUpdate: 'npm install --save-dev tree-sitter-c@<version> && npm run grammar:update',
};

if (process.argv.includes('--check')) {
  const recorded = JSON.parse(readFileSync(provenanceFile, 'utf8'));
  const problems = [];
  if (sha256(target) !== recorded.sha256)
    problems.push('grammars/tree-sitter-c.wasm does not match its recorded sha256');
  if (recorded.sha256 !== provenance.sha256 || recorded.grammar.version !== provenance.grammar.version) {
    problems.push(
      `installed tree-sitter-c ${provenance.grammar.version} differs from the recorded ${recorded.grammar.version}`,
    );
  }
  if (recorded.runtime.version !== provenance.runtime.version) {
    problems.push(
      `installed web-tree-sitter ${provenance.runtime.version} differs from the recorded ${recorded.runtime.version}`,
    );
  }
  if (problems.length > 0) {
    console.error(`${problems.join('\n')}\nrun: npm run grammar:update`);
    process.exit(1);
  }
  console.log(`grammar ok: tree-sitter-c ${recorded.grammar.version}, sha256 ${recorded.sha256.slice(0, 16)}…`);
} else {
  copyFileSync(source, target);
  writeFileSync(provenanceFile, `${JSON.stringify(provenance, null, 2)}\n`);
  console.log(`copied tree-sitter-c ${provenance.grammar.version} (${provenance.bytes} bytes) into grammars/`);
}
