import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { release as hostRelease } from 'node:os';
import * as path from 'node:path';

/** A kernel build tree's headers: where `#include <linux/module.h>` is looked up, as kbuild does it. */
export interface KernelHeaders {
  /** The directory given (or found): objtree, where .config and generated headers live. */
  readonly root: string;
  /** srctree: the kernel sources' include/ and arch/ (Debian puts them in a -common package). */
  readonly sourceRoot: string;
  readonly arch: string;
  /** `-I` directories in kbuild's LINUXINCLUDE order. */
  readonly includeDirs: readonly string[];
  /** What kbuild passes with `-include` before every source. */
  readonly forcedIncludes: readonly string[];
  readonly release?: string;
  readonly configPath?: string;
}

export interface HeaderSearch {
  /** The `lkm.kernelHeaders` setting or `--kernel-headers`, when given. */
  readonly configured?: string;
  /** For tests: the places to look instead of the host's. */
  readonly candidates?: readonly string[];
}

/**
 * The setting first, then the running kernel's build tree, then the newest
 * /usr/src/linux-headers-*. Undefined when none is usable: the analysis then runs without headers.
 */
export function locateKernelHeaders(search: HeaderSearch = {}): KernelHeaders | undefined {
  const candidates = search.configured !== undefined ? [search.configured] : (search.candidates ?? hostCandidates());
  for (const candidate of candidates) {
    const headers = openKernelHeaders(candidate);
    if (headers !== undefined) return headers;
  }
  return undefined;
}

function hostCandidates(): string[] {
  const installed = safeList('/usr/src')
    .filter((name) => name.startsWith('linux-headers-') && !name.endsWith('-common'))
    .sort(compareVersions)
    .reverse()
    .map((name) => path.join('/usr/src', name));
  return [path.join('/lib/modules', hostRelease(), 'build'), ...installed];
}

export function openKernelHeaders(directory: string): KernelHeaders | undefined {
  let root: string;
  try {
    root = realpathSync(directory);
  } catch {
    return undefined;
  }
  const sourceRoot = findSourceRoot(root);
  if (sourceRoot === undefined) return undefined;
  const configPath = path.join(root, '.config');
  const config = existsSync(configPath) ? readFileSync(configPath, 'utf8') : '';
  const arch = archOf(config, sourceRoot);
  const src = (...parts: string[]): string => path.join(sourceRoot, ...parts);
  const obj = (...parts: string[]): string => path.join(root, ...parts);
  const includeDirs = [
    src('arch', arch, 'include'),
    obj('arch', arch, 'include', 'generated'),
    src('include'),
    obj('include'),
    src('arch', arch, 'include', 'uapi'),
    obj('arch', arch, 'include', 'generated', 'uapi'),
    src('include', 'uapi'),
    obj('include', 'generated', 'uapi'),
  ].filter((dir, index, all) => existsSync(dir) && all.indexOf(dir) === index);
  const forcedIncludes = ['linux/compiler-version.h', 'linux/kconfig.h', 'linux/compiler_types.h']
    .map((name) => src('include', name))
    .filter((file) => existsSync(file));
  const release = readRelease(root);
  return {
    root,
    sourceRoot,
    arch,
    includeDirs,
    forcedIncludes,
    ...(release !== undefined ? { release } : {}),
    ...(config ? { configPath } : {}),
  };
}

/** The tree with include/linux/module.h: the directory itself, its `source` link, or Debian's -common. */
function findSourceRoot(root: string): string | undefined {
  if (existsSync(path.join(root, 'include', 'linux', 'module.h'))) return root;
  const source = path.join(root, 'source');
  if (existsSync(path.join(source, 'include', 'linux', 'module.h'))) return realpathSync(source);
  try {
    // Debian: the arch package's Makefile is `include /usr/src/linux-headers-<v>-common/Makefile`.
    const makefile = readFileSync(path.join(root, 'Makefile'), 'utf8');
    const included = /^include\s+(\S+)\/Makefile\s*$/m.exec(makefile)?.[1];
    if (included !== undefined && existsSync(path.join(included, 'include', 'linux', 'module.h'))) return included;
  } catch {
    // no Makefile: not a build tree
  }
  return undefined;
}

function archOf(config: string, sourceRoot: string): string {
  const arches: readonly [RegExp, string][] = [
    [/^CONFIG_X86(_64)?=y/m, 'x86'],
    [/^CONFIG_ARM64=y/m, 'arm64'],
    [/^CONFIG_ARM=y/m, 'arm'],
    [/^CONFIG_RISCV=y/m, 'riscv'],
    [/^CONFIG_PPC=y/m, 'powerpc'],
    [/^CONFIG_S390=y/m, 's390'],
  ];
  const fromConfig = arches.find(([pattern]) => pattern.test(config))?.[1];
  if (fromConfig !== undefined) return fromConfig;
  return existsSync(path.join(sourceRoot, 'arch', 'x86'))
    ? 'x86'
    : (safeList(path.join(sourceRoot, 'arch'))[0] ?? 'x86');
}

/** UTS_RELEASE (what `uname -r` prints and vermagic starts with), else include/config/kernel.release. */
function readRelease(root: string): string | undefined {
  try {
    const header = readFileSync(path.join(root, 'include', 'generated', 'utsrelease.h'), 'utf8');
    const release = /UTS_RELEASE\s+"([^"]+)"/.exec(header)?.[1];
    if (release !== undefined) return release;
  } catch {
    // fall through
  }
  try {
    return readFileSync(path.join(root, 'include', 'config', 'kernel.release'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function safeList(directory: string): string[] {
  try {
    return readdirSync(directory);
  } catch {
    return [];
  }
}

/** `6.1.0-9` before `6.1.0-56`: numbers compare as numbers. */
export function compareVersions(a: string, b: string): number {
  const parts = (s: string): (string | number)[] => s.split(/(\d+)/).map((p, i) => (i % 2 === 1 ? Number(p) : p));
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const [p, q] = [x[i] ?? '', y[i] ?? ''];
    if (p === q) continue;
    if (typeof p === 'number' && typeof q === 'number') return p - q;
    return String(p) < String(q) ? -1 : 1;
  }
  return 0;
}
