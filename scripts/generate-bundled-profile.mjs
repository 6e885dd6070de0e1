#!/usr/bin/env node
/**
 * The node part of scripts/generate-bundled-profile.sh (run with tsx, since it imports the readers' TypeScript): reads a Module.symvers and a System.map with
 * the workbench's own readers, writes the bundled profile, then loads it back and checks it holds
 * exactly what the inputs do. Refuses inputs with any skipped line: bundled data must be whole.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { encodeBundledProfile } from '../server/src/kernel/symbols/bundledProfileFormat';
import { loadBundledProfile } from '../server/src/kernel/symbols/bundledProfile';
import { readKallsyms } from '../server/src/kernel/symbols/kallsymsReader';
import { readModuleSymvers } from '../server/src/kernel/symbols/moduleSymversReader';

const { values } = parseArgs({
  options: {
    release: { type: 'string' },
    symvers: { type: 'string' },
    'symvers-package': { type: 'string' },
    'symvers-version': { type: 'string' },
    'system-map': { type: 'string' },
    'system-map-package': { type: 'string' },
    'system-map-version': { type: 'string' },
    out: { type: 'string' },
  },
});

/** @param {string} name */
function required(name) {
  const value = values[name];
  if (typeof value !== 'string' || value === '') {
    console.error(`generate-bundled-profile: --${name} is required`);
    process.exit(2);
  }
  return value;
}

const release = required('release');
const symversFile = required('symvers');
const mapFile = required('system-map');
const out = required('out');
const sha256 = (/** @type {string} */ file) => createHash('sha256').update(readFileSync(file)).digest('hex');
/** The path inside the package: what follows the cache's unpack folder. */
const inPackage = (/** @type {string} */ file) => file.replace(/^.*?(?=\/usr\/)/, '');

const symvers = readModuleSymvers({ file: symversFile });
const map = readKallsyms({ file: mapFile }, 'system-map');
for (const warning of [...symvers.warnings, ...map.warnings]) console.error(`generate-bundled-profile: ${warning}`);
if (symvers.warnings.length > 0 || map.warnings.length > 0) process.exit(1);

const inputs = [
  {
    kind: 'module-symvers',
    package: required('symvers-package'),
    packageVersion: required('symvers-version'),
    file: inPackage(symversFile),
    sha256: sha256(symversFile),
    entries: symvers.exports.size,
  },
  {
    kind: 'system-map',
    package: required('system-map-package'),
    packageVersion: required('system-map-version'),
    file: inPackage(mapFile),
    sha256: sha256(mapFile),
    entries: map.symbols.size,
  },
];
const header = {
  format: 'lkm-kernel-profile',
  version: 1,
  release,
  description: `Debian's Linux ${release} (${inputs[0].packageVersion})`,
  inputs,
  hasDataSymbols: map.hasDataSymbols,
};
const bytes = encodeBundledProfile(header, symvers.exports, map.symbols);
writeFileSync(out, bytes);

// Load it back: every export and symbol must come out as it went in.
const { profile } = loadBundledProfile(path.resolve(out));
let mismatches = 0;
for (let i = 0; i < symvers.exports.size; i++) {
  const expected = symvers.exports.entryAt(i);
  if (JSON.stringify(profile.exported(expected.name)) !== JSON.stringify(expected)) mismatches++;
}
for (let i = 0; i < map.symbols.size; i++) {
  const expected = map.symbols.symbolAt(i);
  if (!profile.symbolsNamed(expected.name).some((s) => JSON.stringify(s) === JSON.stringify(expected))) {
    mismatches++;
  }
}
if (mismatches > 0) {
  console.error(`generate-bundled-profile: ${mismatches} entries differ after loading ${out} back`);
  process.exit(1);
}
console.log(
  `${out}: ${(bytes.length / 1024).toFixed(0)} KB; ${profile.counts.exports} exports (${profile.counts.gplOnly} GPL-only, ` +
    `${profile.counts.namespaced} namespaced), ${profile.counts.symbols} symbols; Linux ${release}`,
);
