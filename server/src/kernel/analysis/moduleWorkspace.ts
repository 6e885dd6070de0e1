import { assemblyWords, unreadMembers } from './assemblyMembers';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { checkModule, NO_HEADERS_CONTEXT, type CheckContext } from '../checks/moduleChecks';
import type { ModuleDiagnostic } from '../checks/moduleDiagnostic';
import type { KernelConfig } from '../kbuild/kernelConfig';
import {
  KbuildModuleLocator,
  type KbuildFileSystem,
  type KbuildMembership,
  type LocatedModule,
} from '../kbuild/moduleLocator';
import type { HeaderIndex, HeaderVisibility } from '../headers/headerIndex';
import { derivedMacroCatalog } from '../model/derivedMacroCatalog';
import { buildModule, type KernelModule, type ModuleSource } from '../model/kernelModule';
import { IncrementalFacts } from '../model/incrementalFacts';
import { extractFacts } from '../model/sourceFacts';
import type { CParser } from '../parsing/cParser';
import { ParsedSource } from '../parsing/parsedSource';
import { LineIndex } from '../text/lineIndex';
import type { KernelProfile } from '../symbols/kernelProfile';
import type { SymbolScope } from '../checks/symbolChecks';
import type { WorkspaceExportIndex } from './workspaceExports';
import { decodeSourceBytes, inspectSourceText, DEFAULT_INPUT_LIMITS, type InputLimits } from './sourceInput';

export interface ModuleAnalysis {
  readonly module: KernelModule;
  /** What could not be checked, in words (no kernel headers, includes nobody provides, …). */
  readonly limitations: readonly string[];
  /** Where the module comes from: its Kbuild declaration, or undefined for a lone file. */
  readonly kbuild?: LocatedModule;
  readonly diagnostics: readonly ModuleDiagnostic[];
  /** What the module's headers make visible (for hover and go-to-definition). */
  readonly headerVisibility?: HeaderVisibility;
  /** What the module links against, when a kernel profile is set. */
  readonly symbols?: SymbolScope;
}

export interface ModuleWorkspaceOptions {
  /** Reads a file that is not open in an editor; the default reads the disk. */
  readonly readText?: (filePath: string) => Promise<string | undefined>;
  readonly context?: CheckContext;
  readonly limits?: InputLimits;
  /** The target kernel's headers, indexed; without them the analysis still runs, knowing less. */
  readonly headers?: HeaderIndex;
  /** The target kernel's symbols: with one, references are checked (undefined-symbol, gpl-only-symbol, …). */
  readonly profile?: KernelProfile;
  /** What the workspace's other modules export. */
  readonly exportIndex?: WorkspaceExportIndex;
}

/**
 * Modules as Kbuild defines them, analysed from their sources. Each file's facts are cached and
 * re-read only when its text changes, so an edit re-analyses one file and the module-level checks,
 * not the whole module. Files open in an editor are handed in already parsed.
 */
export class ModuleWorkspace {
  /** Reads Kbuild files without a configuration: every obj-$(CONFIG_X) is a candidate module. */
  readonly locator: KbuildModuleLocator;
  private configuredLocator: { config: KernelConfig; locator: KbuildModuleLocator } | undefined;
  private readonly kbuildFiles: KbuildFileSystem;
  private readonly sources = new Map<string, ModuleSource>();
  private readonly openFiles = new Set<string>();
  private readonly incremental = new Map<string, IncrementalFacts>();
  private readonly readText: (filePath: string) => Promise<string | undefined>;
  context: CheckContext;
  limits: InputLimits;
  headers: HeaderIndex | undefined;
  profile: KernelProfile | undefined;
  exportIndex: WorkspaceExportIndex | undefined;

  constructor(
    private readonly parser: CParser,
    options: ModuleWorkspaceOptions = {},
  ) {
    this.readText = options.readText ?? readFromDisk;
    this.context = options.context ?? NO_HEADERS_CONTEXT;
    this.limits = options.limits ?? DEFAULT_INPUT_LIMITS;
    this.headers = options.headers;
    this.profile = options.profile;
    this.exportIndex = options.exportIndex;
    this.kbuildFiles = {
      readFile: (file) => this.readText(file),
      exists: (file) =>
        fs.access(file).then(
          () => true,
          () => false,
        ),
    };
    this.locator = new KbuildModuleLocator(this.kbuildFiles);
  }

  /**
   * An open document's current parse: its facts replace whatever was read from disk. Only the
   * top-level nodes an edit touched are read again (IncrementalFacts).
   */
  useParsed(filePath: string, parsed: ParsedSource): ModuleSource {
    this.openFiles.add(filePath);
    const cached = this.sources.get(filePath);
    if (cached !== undefined && cached.text === parsed.text) return cached;
    let incremental = this.incremental.get(filePath);
    if (incremental === undefined) {
      incremental = new IncrementalFacts();
      this.incremental.set(filePath, incremental);
    }
    const source = {
      path: filePath,
      text: parsed.text,
      lines: new LineIndex(parsed.text),
      facts: incremental.extract(this.parser, parsed),
    };
    this.sources.set(filePath, source);
    return source;
  }

  /** After a wasm fault: a fresh parser instance, and every cached fact read again. */
  async recover(): Promise<void> {
    this.sources.clear();
    this.openFiles.clear();
    this.incremental.clear();
    await this.parser.recover().catch(() => undefined);
  }

  /** A document closed, or a file changed on disk: read it again next time. */
  forget(filePath: string): void {
    this.openFiles.delete(filePath);
    this.sources.delete(filePath);
    this.incremental.delete(filePath);
    this.exportIndex?.changed(filePath);
    if (/(^|\/)(Kbuild|Makefile)$|\.mk$/.test(filePath)) {
      this.locator.invalidate(filePath);
      this.configuredLocator?.locator.invalidate(filePath);
    }
  }

  /** Analyses the module `filePath` belongs to: its Kbuild module, or the file alone. */
  async analyze(filePath: string): Promise<ModuleAnalysis> {
    const membership = await this.membershipOf(filePath);
    if (membership?.kind === 'built-in') return this.builtIn(filePath);
    const kbuild = membership?.modules[0];
    const files = kbuild ? [...new Set([filePath, ...kbuild.sources])] : [filePath];
    const sources: ModuleSource[] = [];
    for (const file of files) {
      const source = await this.sourceOf(file);
      if (source !== undefined) sources.push(source);
    }
    await this.addIncludedSources(sources);
    const name = kbuild?.objectName ?? path.basename(filePath).replace(/\.[ch]$/, '');
    return this.analyzeSources(name, sortedLike(sources, files), {
      ...(kbuild
        ? {
            kbuild,
            unreadMembers: kbuild.members.length > kbuild.sources.length,
            unreadMemberFiles: unreadMembers(kbuild),
          }
        : {}),
    });
  }

  /**
   * Analyses a module made of exactly these sources (after `#include "x.c"` is followed): header
   * visibility, derived wrapper macros, the target's .config, the model, and every check. The
   * evaluation calls this with the sources Kbuild names, so it measures the editor's own path.
   */
  async analyzeSources(
    name: string,
    ordered: readonly ModuleSource[],
    origin: {
      readonly kbuild?: LocatedModule;
      readonly declaredByKbuild?: boolean;
      readonly unreadMembers?: boolean;
      /** The unread members' objects (`dir/foo.o`): their assembly (`foo.S`) is read for the names it holds. */
      readonly unreadMemberFiles?: readonly string[];
      /** The module's -I directories, when no LocatedModule carries them. */
      readonly includeDirs?: readonly string[];
    } = {},
  ): Promise<ModuleAnalysis> {
    const visibility = this.headers?.visibility(ordered, origin.kbuild?.includeDirs ?? origin.includeDirs ?? []);
    const context: CheckContext = {
      ...this.context,
      ...(this.headers?.headers.release !== undefined ? { release: this.headers.headers.release } : {}),
      ...(visibility ? { knowsName: (name: string) => visibility.has(name) } : {}),
      macroCatalog: derivedMacroCatalog(visibility, ordered),
      ...(this.headers?.config ? { config: this.headers.config } : {}),
      ...(visibility
        ? {
            headerNames: {
              kindOf: (name: string) => visibility.kindOf(name),
              mayBePasted: (name: string, isCall: boolean, moduleArguments?: ReadonlySet<string>) =>
                visibility.mayBePasted(name, isCall, moduleArguments),
              complete: visibility.unresolved.length === 0,
              macros: (name: string) => visibility.macros(name),
              alwaysFalse: (name: string) => visibility.alwaysFalse(name),
            },
          }
        : {}),
      ...(this.profile ? { symbols: await this.symbolScope(this.profile) } : {}),
    };
    const built = buildModule(name, ordered, context.macroCatalog, context.config);
    // Kbuild says it is a module (obj-m): so it is, even with no module macro at all (a library of exports).
    const kbuildDeclared = origin.kbuild !== undefined || origin.declaredByKbuild === true;
    const memberWords =
      origin.unreadMembers === true && origin.unreadMemberFiles !== undefined
        ? await assemblyWords(origin.unreadMemberFiles, readFromDisk)
        : undefined;
    const module = kbuildDeclared
      ? {
          ...built,
          isModule: true,
          ...(origin.unreadMembers === true ? { hasUnreadMembers: true } : {}),
          ...(memberWords !== undefined ? { unreadMemberWords: memberWords } : {}),
        }
      : built;
    const limitations =
      this.headers === undefined
        ? [
            'no kernel headers were found (setting lkm.kernelHeaders, or install linux-headers): wrapper macros defined in headers are not recognised, and names headers define cannot be told from missing ones',
          ]
        : visibility && visibility.unresolved.length > 0
          ? [
              `${visibility.unresolved.length} included headers were not found in ${this.headers.headers.root} (e.g. ${visibility.unresolved.slice(0, 3).join(', ')})`,
            ]
          : [];
    return {
      module,
      limitations,
      ...(origin.kbuild ? { kbuild: origin.kbuild } : {}),
      diagnostics: checkModule(module, context),
      ...(visibility ? { headerVisibility: visibility } : {}),
      ...(context.symbols ? { symbols: context.symbols } : {}),
    };
  }

  /** The Kbuild object name of the module a file belongs to; a lone file's own name. */
  async moduleNameOf(filePath: string): Promise<string> {
    const membership = await this.membershipOf(filePath);
    return membership?.kind === 'module' && membership.modules[0] !== undefined
      ? membership.modules[0].objectName
      : path.basename(filePath).replace(/\.[ch]$/, '');
  }

  private async symbolScope(profile: KernelProfile): Promise<SymbolScope> {
    const index = this.exportIndex;
    await index?.refresh().catch(() => undefined);
    return {
      profile,
      workspaceExports: (name) => index?.lookup(name) ?? [],
      workspaceExportNames: () => index?.names() ?? [],
    };
  }

  /**
   * Where kbuild puts the file: with the target's .config when the headers have one (so a bool
   * option's object is built in), else over every configuration.
   */
  private async membershipOf(filePath: string): Promise<KbuildMembership | undefined> {
    const config = this.headers?.config;
    if (config !== undefined) {
      if (this.configuredLocator?.config !== config) {
        this.configuredLocator = { config, locator: new KbuildModuleLocator(this.kbuildFiles, { config }) };
      }
      const configured = await this.configuredLocator.locator.membershipOf(filePath).catch(() => undefined);
      if (configured !== undefined) return configured;
    }
    return this.locator.membershipOf(filePath).catch(() => undefined);
  }

  /** obj-y: built into the kernel, so module checks (licence, init/exit, …) do not apply. */
  private async builtIn(filePath: string): Promise<ModuleAnalysis> {
    const source = await this.sourceOf(filePath);
    const module = buildModule(path.basename(filePath).replace(/\.[ch]$/, ''), source ? [source] : []);
    return {
      module: { ...module, isModule: false },
      limitations: ['files that Kbuild builds into the kernel (obj-y) are not modules: module checks skip them'],
      diagnostics: [],
    };
  }

  /** `#include "other.c"` makes the other file part of the module (lab notes §1). */
  private async addIncludedSources(sources: ModuleSource[]): Promise<void> {
    for (let i = 0; i < sources.length && sources.length < 64; i++) {
      for (const include of sources[i]!.facts.includes) {
        if (include.system || !include.path.endsWith('.c')) continue;
        const included = path.resolve(path.dirname(sources[i]!.path), include.path);
        if (sources.some((s) => s.path === included)) continue;
        const source = await this.sourceOf(included);
        if (source !== undefined) sources.push(source);
      }
    }
  }

  private async sourceOf(filePath: string): Promise<ModuleSource | undefined> {
    const cached = this.sources.get(filePath);
    if (cached !== undefined && this.openFiles.has(filePath)) return cached;
    const text = await this.readText(filePath);
    if (text === undefined || inspectSourceText(text, this.limits) !== undefined) return undefined;
    if (cached !== undefined && cached.text === text) return cached;
    const parsed = ParsedSource.parse(this.parser, text);
    try {
      const source = { path: filePath, text, lines: new LineIndex(text), facts: extractFacts(this.parser, parsed) };
      this.sources.set(filePath, source);
      return source;
    } finally {
      parsed.dispose();
    }
  }
}

function sortedLike(sources: readonly ModuleSource[], order: readonly string[]): ModuleSource[] {
  const rank = (s: ModuleSource): number => {
    const index = order.indexOf(s.path);
    return index === -1 ? order.length : index;
  };
  return [...sources].sort((a, b) => rank(a) - rank(b));
}

/** A file's text from disk, or undefined when it is missing, unreadable or not a regular file. */
export async function readFromDisk(filePath: string): Promise<string | undefined> {
  try {
    const stat = await fs.stat(filePath);
    if (!stat.isFile()) return undefined;
    return decodeSourceBytes(await fs.readFile(filePath)).text;
  } catch {
    return undefined;
  }
}
