/**
 * Which kernel module a source file belongs to, from the Kbuild files around it: the `Kbuild` (or,
 * when there is none, the `Makefile`) of its own directory, else of a parent directory that names
 * it with its folder (`foo-y += sub/x.o`).
 */
import * as path from 'node:path';
import { type KbuildFile, type KbuildMember, type KbuildModule, parseKbuild } from './kbuildFile';
import type { KernelConfig } from './kernelConfig';

/** The file access the locator needs; an editor can answer from its open documents first. */
export interface KbuildFileSystem {
  /** The file's text, or undefined when it does not exist or cannot be read. */
  readFile(path: string): Promise<string | undefined>;
  exists(path: string): Promise<boolean>;
}

export interface LocatedModule {
  /** Absolute path of the Kbuild file or Makefile that declares the module. */
  readonly kbuildPath: string;
  /** The object name, as written (`usb-storage`). */
  readonly objectName: string;
  /** KBUILD_MODNAME (`usb_storage`). */
  readonly moduleName: string;
  /** Absolute paths of the members that exist as `.c` files, in member order. */
  readonly sources: readonly string[];
  /** The symbol that selects the module (`CONFIG_FOO` for `obj-$(CONFIG_FOO) += foo.o`). */
  readonly config?: string;
  /** `-I` directories the Kbuild file adds (ccflags-y, …), absolute. */
  readonly includeDirs?: readonly string[];
  /** All members, relative to the Kbuild file's directory, including assembly and generated ones. */
  readonly members: readonly KbuildMember[];
  /** 1-based line in the Kbuild file. */
  readonly line: number;
}

export type KbuildMembership =
  | { readonly kind: 'module'; readonly modules: readonly LocatedModule[] }
  | { readonly kind: 'built-in'; readonly kbuildPath: string };

export interface KbuildModuleLocatorOptions {
  /** The kernel configuration; without one, every `obj-$(CONFIG_X)` object is a candidate module. */
  readonly config?: KernelConfig;
  /** How many parent directories above the source's own are searched (default 3). */
  readonly maxParentLevels?: number;
}

/** Names of the kbuild file in a directory, in kbuild's order of preference. */
const KBUILD_NAMES = ['Kbuild', 'Makefile'] as const;

/** A source file's extension that is compiled to an object of the same name. */
const COMPILED_EXTENSIONS = new Set(['.c', '.S', '.s', '.rs']);

/** Include rounds per Kbuild file: includes found in included files are read in the next round. */
const MAX_INCLUDE_ROUNDS = 4;

/** A kernel source tree is recognised by this file, for `$(srctree)` in includes. */
const KERNEL_TREE_MARKER = 'scripts/Makefile.lib';
const MAX_KERNEL_TREE_DEPTH = 12;

export class KbuildModuleLocator {
  private readonly parsed = new Map<string, Promise<KbuildFile | undefined>>();
  private readonly kernelRoots = new Map<string, Promise<string | undefined>>();
  /** For each file that Kbuild files include, the Kbuild files that include it. */
  private readonly includedBy = new Map<string, Set<string>>();
  private readonly config: KernelConfig | undefined;
  private readonly maxParentLevels: number;

  constructor(
    private readonly fs: KbuildFileSystem,
    options: KbuildModuleLocatorOptions = {},
  ) {
    this.config = options.config;
    this.maxParentLevels = Math.max(0, options.maxParentLevels ?? 3);
  }

  /** The first module `sourcePath` is a member of, or undefined when no Kbuild file nearby names it. */
  async moduleOf(sourcePath: string): Promise<LocatedModule | undefined> {
    return (await this.modulesOf(sourcePath))[0];
  }

  /**
   * Every module `sourcePath` is a member of (kbuild allows one object in several composite
   * modules), from the nearest Kbuild file that names it. A header or a file without a compiled
   * extension belongs to none.
   */
  async modulesOf(sourcePath: string): Promise<LocatedModule[]> {
    const membership = await this.membershipOf(sourcePath);
    return membership?.kind === 'module' ? [...membership.modules] : [];
  }

  /**
   * What kbuild makes of a source: part of modules, built into the kernel (by the Kbuild file
   * named), or undefined when no Kbuild file nearby names it (a lone file, or a header).
   */
  async membershipOf(sourcePath: string): Promise<KbuildMembership | undefined> {
    const source = path.resolve(sourcePath);
    const extension = path.extname(source);
    if (!COMPILED_EXTENSIONS.has(extension)) return undefined;
    let dir = path.dirname(source);
    for (let level = 0; level <= this.maxParentLevels; level++) {
      const found = await this.kbuildIn(dir);
      if (found !== undefined) {
        const object = toPosix(path.relative(dir, source)).slice(0, -extension.length) + '.o';
        const modules = found.file.modules.filter((m) => m.members.some((member) => sameObject(member.object, object)));
        if (modules.length > 0) {
          return {
            kind: 'module',
            modules: await Promise.all(modules.map((m) => this.locate(found.path, m, source, found.file.includeDirs))),
          };
        }
        // Built into the kernel here: kbuild will not look for it anywhere else.
        if (found.file.builtinMembers.some((member) => sameObject(member, object))) {
          return { kind: 'built-in', kbuildPath: found.path };
        }
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    return undefined;
  }

  /** All modules one Kbuild file or Makefile declares; none when it cannot be read. */
  async modulesIn(kbuildPath: string): Promise<LocatedModule[]> {
    const absolute = path.resolve(kbuildPath);
    const file = await this.parse(absolute);
    if (file === undefined) return [];
    return Promise.all(file.modules.map((m) => this.locate(absolute, m, undefined, file.includeDirs)));
  }

  /**
   * Forgets what was read from `filePath` (a Kbuild file or Makefile that changed, appeared or went
   * away, or a file one of them includes); with no path, forgets everything.
   */
  invalidate(filePath?: string): void {
    if (filePath === undefined) {
      this.parsed.clear();
      this.kernelRoots.clear();
      this.includedBy.clear();
      return;
    }
    const absolute = path.resolve(filePath);
    this.parsed.delete(absolute);
    // The Kbuild files that include it are stale too.
    for (const kbuildPath of this.includedBy.get(absolute) ?? []) this.parsed.delete(kbuildPath);
    this.includedBy.delete(absolute);
    if (absolute.endsWith(path.join(path.sep, KERNEL_TREE_MARKER))) this.kernelRoots.clear();
  }

  /** The Kbuild file kbuild would read in `dir`: `Kbuild` when there is one, else `Makefile`. */
  private async kbuildIn(dir: string): Promise<{ path: string; file: KbuildFile } | undefined> {
    for (const name of KBUILD_NAMES) {
      const candidate = path.join(dir, name);
      const file = await this.parse(candidate);
      if (file !== undefined) return { path: candidate, file };
    }
    return undefined;
  }

  private parse(kbuildPath: string): Promise<KbuildFile | undefined> {
    const cached = this.parsed.get(kbuildPath);
    if (cached !== undefined) return cached;
    const pending: Promise<KbuildFile | undefined> = this.read(kbuildPath).catch(() => {
      // A read that failed (not one that found nothing) is tried again next time.
      if (this.parsed.get(kbuildPath) === pending) this.parsed.delete(kbuildPath);
      return undefined;
    });
    this.parsed.set(kbuildPath, pending);
    return pending;
  }

  private async read(kbuildPath: string): Promise<KbuildFile | undefined> {
    const text = await this.fs.readFile(kbuildPath);
    if (text === undefined) return undefined;
    const dir = path.dirname(kbuildPath);
    // srctree and src set as kbuild sets them (relative paths resolve against srctree, as make
    // runs there); outside a kernel tree it is an external module: kbuild runs with M= its directory.
    const root = await this.kernelRoot(dir);
    const variables = root !== undefined ? kernelTreeVariables(root, dir) : { src: dir, obj: dir, M: dir };
    const base = root ?? dir;
    let file = withAbsoluteIncludeDirs(parseKbuild(text, this.config, { variables }), base);
    if (file.includes.length === 0) return file;
    // Included files are read and the Kbuild file parsed again with them.
    const texts = new Map<string, string | undefined>();
    for (let round = 0; round < MAX_INCLUDE_ROUNDS; round++) {
      const wanted = file.includes
        .map((i) => path.resolve(base, i.path))
        .filter((p) => !texts.has(p) && !p.includes('$'));
      if (round > 0 && wanted.length === 0) break;
      for (const p of wanted) {
        const including = this.includedBy.get(p) ?? new Set<string>();
        this.includedBy.set(p, including.add(kbuildPath));
      }
      await Promise.all(wanted.map(async (p) => texts.set(p, await this.readSafely(p))));
      file = withAbsoluteIncludeDirs(
        parseKbuild(text, this.config, {
          variables,
          readInclude: (p) => texts.get(path.resolve(base, p)),
        }),
        base,
      );
    }
    return file;
  }

  private async readSafely(filePath: string): Promise<string | undefined> {
    try {
      return await this.fs.readFile(filePath);
    } catch {
      return undefined;
    }
  }

  /** The root of the kernel source tree `dir` is in, if it is in one. */
  private kernelRoot(dir: string): Promise<string | undefined> {
    const cached = this.kernelRoots.get(dir);
    if (cached !== undefined) return cached;
    const pending = (async () => {
      let candidate = dir;
      for (let depth = 0; depth <= MAX_KERNEL_TREE_DEPTH; depth++) {
        if (await this.existsSafely(path.join(candidate, KERNEL_TREE_MARKER))) return candidate;
        const parent = path.dirname(candidate);
        if (parent === candidate) break;
        candidate = parent;
      }
      return undefined;
    })();
    this.kernelRoots.set(dir, pending);
    return pending;
  }

  private async existsSafely(filePath: string): Promise<boolean> {
    try {
      return await this.fs.exists(filePath);
    } catch {
      return false;
    }
  }

  private async locate(
    kbuildPath: string,
    module: KbuildModule,
    requested: string | undefined,
    includeDirs?: readonly string[],
  ): Promise<LocatedModule> {
    const dir = path.dirname(kbuildPath);
    const candidates = unique(module.members.map((m) => path.join(dir, ...`${m.object.slice(0, -2)}.c`.split('/'))));
    const present = await Promise.all(
      candidates.map((c) => (c === requested ? Promise.resolve(true) : this.existsSafely(c))),
    );
    return {
      kbuildPath,
      objectName: module.objectName,
      moduleName: module.moduleName,
      sources: candidates.filter((_, i) => present[i]),
      ...(module.config !== undefined ? { config: module.config } : {}),
      members: module.members,
      line: module.line,
      ...(includeDirs !== undefined && includeDirs.length > 0 ? { includeDirs } : {}),
    };
  }
}

function withAbsoluteIncludeDirs(file: KbuildFile, base: string): KbuildFile {
  return file.includeDirs === undefined
    ? file
    : { ...file, includeDirs: file.includeDirs.map((d) => path.resolve(base, d)) };
}

/** srctree, src and obj as kbuild sets them for a directory of the kernel tree at `root`. */
function kernelTreeVariables(root: string, dir: string): Record<string, string> {
  const relative = toPosix(path.relative(root, dir)) || '.';
  return { srctree: root, src: relative, obj: relative };
}

function sameObject(member: string, object: string): boolean {
  return member === object || path.posix.normalize(member) === object;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
