import { fileURLToPath } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analysisFailed } from '../kernel/analysis/analysisFailed';
import { ModuleWorkspace, readFromDisk, type ModuleAnalysis } from '../kernel/analysis/moduleWorkspace';
import { inspectSourceText, type InputLimits } from '../kernel/analysis/sourceInput';
import type { Diagnostic } from '../kernel/checks/diagnostic';
import { isWasmFault, type CParser } from '../kernel/parsing/cParser';
import { ParsedSource } from '../kernel/parsing/parsedSource';
import type { HeaderIndex } from '../kernel/headers/headerIndex';
import type { ResourcePairs } from '../kernel/checks/resourcePairs';
import { WorkspaceExportIndex } from '../kernel/analysis/workspaceExports';
import type { KernelProfile } from '../kernel/symbols/kernelProfile';
import type { SymbolScope } from '../kernel/checks/symbolChecks';

/** Diagnostics for one document at one version. */
export interface DocumentDiagnostics {
  readonly uri: string;
  readonly version: number;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * The open documents, each parsed incrementally as it changes, and analysed as part of its Kbuild
 * module (the other files of the module come from disk, or from the editor when open).
 */
export class AnalyzedDocuments {
  private readonly parsed = new Map<string, ParsedSource>();
  private readonly documents = new Map<string, TextDocument>();
  /** Why a document cannot be analysed (too large, binary), decided once per change. */
  private readonly inputProblems = new Map<string, Diagnostic>();
  private readonly workspace: ModuleWorkspace;
  private limits: InputLimits;
  private limitations: readonly string[] = [];
  /** Each document's latest analysis, for hover and completion between publishes. */
  private readonly latest = new Map<string, { version: number; analysis: ModuleAnalysis }>();

  constructor(
    private readonly parser: CParser,
    private readonly log: (message: string) => void,
    limits: InputLimits,
    readClosedFile: (filePath: string) => Promise<string | undefined> = readFromDisk,
  ) {
    this.limits = limits;
    this.workspace = new ModuleWorkspace(parser, {
      limits,
      readText: async (filePath) => this.openText(filePath) ?? (await readClosedFile(filePath)),
    });
  }

  setLimits(limits: InputLimits): void {
    this.limits = limits;
    this.workspace.limits = limits;
  }

  /** The resource pairs the unpaired-resource check knows (built-in plus the user's). */
  setResourcePairs(resourcePairs: ResourcePairs): void {
    this.workspace.context = { ...this.workspace.context, resourcePairs };
  }

  /** The target kernel's symbols: with a profile, what modules link against is checked. */
  setProfile(profile: KernelProfile | undefined): void {
    this.workspace.profile = profile;
    this.latest.clear();
  }

  /** The workspace folders, whose modules' exports count as available to each other. */
  setWorkspaceRoots(roots: readonly string[]): void {
    this.workspace.exportIndex =
      roots.length === 0
        ? undefined
        : new WorkspaceExportIndex(roots, {
            moduleOf: (file) => this.workspace.moduleNameOf(file),
            readText: async (file) => this.openText(file) ?? (await readFromDisk(file)),
          });
  }

  /** The profile and workspace exports, for requests that have no document (workspace symbols). */
  async symbolScope(): Promise<SymbolScope | undefined> {
    const profile = this.workspace.profile;
    if (profile === undefined) return undefined;
    const index = this.workspace.exportIndex;
    await index?.refresh().catch(() => undefined);
    return {
      profile,
      workspaceExports: (name) => index?.lookup(name) ?? [],
      workspaceExportNames: () => index?.names() ?? [],
    };
  }

  /** A declaration of the name in any kernel header read so far. */
  findDeclaration(name: string): { file: string; offset: number } | undefined {
    return this.workspace.headers?.findDeclaration(name);
  }

  /** The document's module analysis at its current version, analysing only when it is stale. */
  async analysisOf(document: TextDocument): Promise<ModuleAnalysis | undefined> {
    const cached = this.latest.get(document.uri);
    if (cached?.version === document.version) return cached.analysis;
    await this.analyze(document);
    return this.latest.get(document.uri)?.analysis;
  }

  /** The target's kernel headers (or none): every module reads differently with them. */
  setHeaders(headers: HeaderIndex | undefined): void {
    this.workspace.headers = headers;
    this.latest.clear();
  }

  /** What the last analyses could not check, for the user to hear once. */
  get lastLimitations(): readonly string[] {
    return this.limitations;
  }

  /** Brings the document's tree up to date with its text. */
  update(document: TextDocument): void {
    this.documents.set(document.uri, document);
    const text = document.getText();
    const problem = inspectSourceText(text, this.limits);
    if (problem !== undefined) {
      this.workspace.forget(pathOf(document.uri));
      this.dropTree(document.uri);
      this.inputProblems.set(document.uri, problem);
      return;
    }
    this.inputProblems.delete(document.uri);
    const existing = this.parsed.get(document.uri);
    try {
      if (existing) existing.update(text);
      else this.parsed.set(document.uri, ParsedSource.parse(this.parser, text));
    } catch (error) {
      this.workspace.forget(pathOf(document.uri));
      this.dropTree(document.uri);
      this.handleFault(error, document.uri);
    }
  }

  /**
   * Analyses the document's module. The result covers every open document of that module, since
   * an edit in one file can change what is reported in another.
   */
  async analyze(document: TextDocument): Promise<DocumentDiagnostics[]> {
    const problem = this.inputProblems.get(document.uri);
    if (problem !== undefined) return [{ uri: document.uri, version: document.version, diagnostics: [problem] }];
    if (!this.parsed.has(document.uri)) this.update(document);
    const parsed = this.parsed.get(document.uri);
    let analysis: ModuleAnalysis;
    try {
      if (parsed === undefined) throw new Error('the document could not be parsed');
      this.workspace.useParsed(pathOf(document.uri), parsed);
      for (const [uri, other] of this.parsed) {
        if (uri !== document.uri) this.workspace.useParsed(pathOf(uri), other);
      }
      analysis = await this.workspace.analyze(pathOf(document.uri));
      this.limitations = analysis.limitations;
      this.latest.set(document.uri, { version: document.version, analysis });
    } catch (error) {
      this.dropTree(document.uri);
      this.handleFault(error, document.uri);
      return [{ uri: document.uri, version: document.version, diagnostics: [analysisFailed(error)] }];
    }
    const results: DocumentDiagnostics[] = [];
    for (const source of analysis.module.sources) {
      const open = [...this.documents.values()].find((d) => pathOf(d.uri) === source.path);
      if (open === undefined || (open.uri !== document.uri && !this.parsed.has(open.uri))) continue;
      results.push({
        uri: open.uri,
        version: open.version,
        diagnostics: analysis.diagnostics.filter((d) => d.path === source.path).map((d) => d.diagnostic),
      });
    }
    if (!results.some((r) => r.uri === document.uri)) {
      results.push({ uri: document.uri, version: document.version, diagnostics: [] });
    }
    return results;
  }

  /** The diagnostics that offer fixes for a document, from a fresh analysis of its module. */
  async diagnosticsOf(document: TextDocument): Promise<readonly Diagnostic[]> {
    const results = await this.analyze(document);
    return results.find((r) => r.uri === document.uri)?.diagnostics ?? [];
  }

  forget(uri: string): void {
    this.latest.delete(uri);
    this.dropTree(uri);
    this.documents.delete(uri);
    this.inputProblems.delete(uri);
    this.workspace.forget(pathOf(uri));
  }

  /** A file changed outside the editor (Kbuild, or a closed source): read it again when needed. */
  fileChanged(uri: string): void {
    this.latest.clear();
    this.workspace.forget(pathOf(uri));
  }

  private openText(filePath: string): string | undefined {
    for (const document of this.documents.values()) {
      if (pathOf(document.uri) === filePath) return document.getText();
    }
    return undefined;
  }

  private dropTree(uri: string): void {
    this.parsed.get(uri)?.dispose();
    this.parsed.delete(uri);
  }

  private handleFault(error: unknown, uri: string): void {
    this.log(`analysis of ${uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (isWasmFault(error)) {
      // Every tree belonged to the broken instance: drop them all; they re-parse on next use.
      for (const key of [...this.parsed.keys()]) this.dropTree(key);
      this.workspace
        .recover()
        .catch((recoverError: unknown) => this.log(`parser recovery failed: ${String(recoverError)}`));
    }
  }
}

export function pathOf(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}
