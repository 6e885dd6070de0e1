import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPOSITORY_ROOT } from '../../support/fixtures';

/** Real snapshot lines (see test/fixtures/symbols/README.md). */
export const SYMBOL_FIXTURES = path.join(REPOSITORY_ROOT, 'test/fixtures/symbols');
export const HOST_KALLSYMS = path.join(SYMBOL_FIXTURES, 'kallsyms-6.18-host.txt');
export const SYSTEM_MAP = path.join(SYMBOL_FIXTURES, 'System.map-6.1.0-56-amd64.sample');
export const MODULE_SYMVERS = path.join(SYMBOL_FIXTURES, 'Module.symvers-6.1.0-56-amd64.sample');
export const PROVIDER_KALLSYMS = path.join(SYMBOL_FIXTURES, 'kallsyms-6.1-provider-module.txt');
export const PROVIDER_KO = path.join(REPOSITORY_ROOT, 'test/fixtures/ko/provider.ko');

/** Debian's real files, when scripts/generate-bundled-profile.sh (or eval-kernel.sh) has fetched them. */
const CACHE =
  process.env.LKM_CACHE ??
  path.join(process.env.XDG_CACHE_HOME ?? path.join(process.env.HOME ?? '', '.cache'), 'lkm-workbench');
export const REAL_MODULE_SYMVERS = path.join(CACHE, 'headers/usr/src/linux-headers-6.1.0-56-amd64/Module.symvers');
export const REAL_SYSTEM_MAP = path.join(CACHE, 'dbg/usr/lib/debug/boot/System.map-6.1.0-56-amd64');

export function lines(file: string): string[] {
  return readFileSync(file, 'latin1')
    .split('\n')
    .filter((line) => line !== '');
}

export function bytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

/** Module.symvers lines as plain columns: the test's own oracle, written the obvious way. */
export function symversColumns(
  file: string,
): { crc: number; name: string; owner: string; type: string; namespace: string }[] {
  return lines(file).map((line) => {
    const [crc = '', name = '', owner = '', type = '', namespace = ''] = line.split('\t');
    return { crc: Number(crc), name, owner, type, namespace };
  });
}
