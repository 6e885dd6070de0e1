import {
  TextDocumentSyncKind,
  TextDocuments,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { rangesIntersect } from '../kernel/checks/diagnostic';
import { HeaderIndex } from '../kernel/headers/headerIndex';
import { locateKernelHeaders, type KernelHeaders } from '../kernel/headers/kernelHeaders';
import { targetProfile } from '../kernel/analysis/targetProfile';
import type { FetchedSymbols } from '../kernel/remote/symbolFetch';
import { resolveKernelProfile, type ResolvedProfile } from '../kernel/symbols/resolveKernelProfile';
import {
  KernelProfileChangedNotification,
  KernelProfileRequest,
  type KernelProfileInfo,
  type LkmInitializationOptions,
} from '../protocol/lkmProtocol';
import { CParser } from '../kernel/parsing/cParser';
import { VERSION } from '../version';
import { AnalyzedDocuments, pathOf } from './analyzedDocuments';
import { SymbolFeatures } from './symbolFeatures';
import { TargetRequests } from './targetRequests';
import { toCodeAction, toLspDiagnostic } from './convert';
import { DEFAULT_SETTINGS, parseSettings, type ServerSettings } from './settings';

/** Waits this long after the last edit before publishing, so fast typing is not re-checked per key. */
const PUBLISH_DELAY_MS = 120;

/** Glue between LSP and the kernel library: it owns no kernel knowledge of its own. */
export class LkmLanguageServer {
  private readonly documents = new TextDocuments(TextDocument);
  private analyzed: AnalyzedDocuments | undefined;
  private settings: ServerSettings = DEFAULT_SETTINGS;
  private canAskForConfiguration = false;
  private parser: CParser | undefined;
  private settingsRequests = 0;
  private readonly pendingPublish = new Map<string, NodeJS.Timeout>();
  private readonly symbolFeatures = new SymbolFeatures();
  private profile: ResolvedProfile | undefined;
  private headers: KernelHeaders | undefined;
  private roots: string[] = [];
  private storagePath: string | undefined;
  /** Symbols fetched from the remote target: the profile until settings name files. */
  private fetched: FetchedSymbols | undefined;
  private readonly targets: TargetRequests;

  constructor(private readonly connection: Connection) {
    this.targets = new TargetRequests(connection, {
      parser: () => this.parser,
      profile: () => this.profile?.profile,
      workspaceRoots: () => this.roots,
      storagePath: () => this.storagePath,
      useFetchedSymbols: (fetched) => {
        this.fetched = fetched;
        this.useKernelProfile();
        return profileInfo(this.profile);
      },
      log: (message) => this.connection.console.info(message),
    });
  }

  static listen(connection: Connection): LkmLanguageServer {
    const server = new LkmLanguageServer(connection);
    server.register();
    connection.listen();
    return server;
  }

  private register(): void {
    const { connection, documents } = this;
    connection.onInitialize((params) => this.initialize(params));
    connection.onInitialized(() => {
      void this.reloadSettings();
    });
    connection.onDidChangeConfiguration((change) => {
      void this.reloadSettings(change.settings);
    });
    connection.onCodeAction((params) => this.guardAsync('codeAction', [], () => this.codeActions(params)));
    this.targets.register();
    connection.onRequest(KernelProfileRequest.method, () =>
      this.guard('kernelProfile', profileInfo(undefined), () => profileInfo(this.profile)),
    );
    connection.onHover((params) =>
      this.guardAsync('hover', null, async () => {
        const document = this.documents.get(params.textDocument.uri);
        if (document === undefined) return null;
        return this.symbolFeatures.hover(document, params.position, await this.analyzed?.analysisOf(document));
      }),
    );
    connection.onCompletion((params) =>
      this.guardAsync('completion', null, async () => {
        const document = this.documents.get(params.textDocument.uri);
        if (document === undefined) return null;
        return this.symbolFeatures.completion(document, params.position, await this.analyzed?.analysisOf(document));
      }),
    );
    connection.onDefinition((params) =>
      this.guardAsync('definition', [], async () => {
        const document = this.documents.get(params.textDocument.uri);
        if (document === undefined) return [];
        return this.symbolFeatures.definition(document, params.position, await this.analyzed?.analysisOf(document));
      }),
    );
    connection.onWorkspaceSymbol((params) =>
      this.guardAsync('workspaceSymbol', [], async () => {
        const analyzed = this.analyzed;
        if (analyzed === undefined) return [];
        return this.symbolFeatures.workspaceSymbols(params.query, await analyzed.symbolScope(), (name) =>
          analyzed.findDeclaration(name),
        );
      }),
    );
    connection.onDidChangeWatchedFiles(({ changes }) => {
      this.guard('didChangeWatchedFiles', undefined, () => {
        for (const change of changes) this.analyzed?.fileChanged(change.uri);
        // A Kbuild or another source of a module changed: every open document may read differently.
        for (const document of this.documents.all()) this.schedulePublish(document);
      });
    });
    connection.onShutdown(async () => {
      for (const timer of this.pendingPublish.values()) clearTimeout(timer);
      this.pendingPublish.clear();
      await this.targets.dispose();
    });

    documents.onDidChangeContent(({ document }) => {
      this.guard('didChange', undefined, () => {
        this.analyzed?.update(document);
        this.schedulePublish(document);
      });
    });
    documents.onDidClose(({ document }) => {
      this.guard('didClose', undefined, () => {
        clearTimeout(this.pendingPublish.get(document.uri));
        this.pendingPublish.delete(document.uri);
        this.analyzed?.forget(document.uri);
        void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
      });
    });
    documents.listen(connection);
  }

  private async initialize(params: InitializeParams): Promise<InitializeResult> {
    this.canAskForConfiguration = params.capabilities.workspace?.configuration === true;
    const options = params.initializationOptions as ({ lkm?: unknown } & LkmInitializationOptions) | null | undefined;
    if (options?.lkm !== undefined) this.settings = parseSettings(options.lkm);
    if (typeof options?.storagePath === 'string') this.storagePath = options.storagePath;
    this.roots = workspaceRoots(params);
    try {
      const parser = await CParser.load();
      this.parser = parser;
      this.analyzed = new AnalyzedDocuments(
        parser,
        (message) => this.connection.console.error(message),
        this.settings.limits,
      );
      this.analyzed.setResourcePairs(this.settings.resourcePairs);
      this.analyzed.setWorkspaceRoots(this.roots);
      this.useKernelHeaders();
      this.useKernelProfile();
    } catch (error) {
      // Keep serving the protocol: the user gets one clear message instead of a dead server.
      const reason = error instanceof Error ? error.message : String(error);
      this.connection.console.error(`cannot load the C grammar: ${reason}`);
      void this.connection.window.showErrorMessage(
        `Kernel Module Workbench cannot load its C grammar, so no module checks run: ${reason}`,
      );
    }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        hoverProvider: true,
        completionProvider: { resolveProvider: false },
        definitionProvider: true,
        workspaceSymbolProvider: true,
        executeCommandProvider: { commands: TargetRequests.commands() },
      },
      serverInfo: { name: 'lkm-language-server', version: VERSION },
    };
  }

  /** Finds the kernel headers (the setting, else the host's) and says which, or why none. */
  private useKernelHeaders(): void {
    if (this.parser === undefined || this.analyzed === undefined) return;
    const configured = this.settings.kernelHeaders;
    const found = locateKernelHeaders(configured !== undefined ? { configured } : {});
    this.headers = found;
    this.analyzed.setHeaders(found ? new HeaderIndex(this.parser, found) : undefined);
    if (found) {
      this.connection.console.info(`kernel headers: ${found.root} (${found.release ?? 'release unknown'})`);
    } else {
      const why =
        configured !== undefined ? `lkm.kernelHeaders (${configured}) is not a kernel build tree` : 'none were found';
      this.connection.console.warn(`kernel headers: ${why}; checks that need them know less`);
    }
  }

  /** Finds the kernel profile (settings, the headers' kernel, this machine's, the bundled one) and says which. */
  private useKernelProfile(): void {
    if (this.analyzed === undefined) return;
    const named = this.settings.symbols.kallsyms !== undefined || this.settings.symbols.moduleSymvers !== undefined;
    // Fetching from a target is an explicit choice: it beats what is detected, not what the settings name.
    const resolved =
      this.fetched !== undefined && !named
        ? resolveKernelProfile({
            remote: { profile: this.fetched.profile, description: fetchedDescription(this.fetched) },
            autoDetect: false,
          })
        : targetProfile({ ...this.settings.symbols, ...(this.headers ? { headers: this.headers } : {}) });
    this.profile = resolved;
    this.analyzed.setProfile(resolved.origin === 'none' ? undefined : resolved.profile);
    this.connection.console.info(`kernel symbols: ${resolved.description}`);
    for (const problem of resolved.problems) this.connection.console.warn(`kernel symbols: ${problem}`);
    if (this.settings.symbols.kallsyms !== undefined || this.settings.symbols.moduleSymvers !== undefined) {
      if (resolved.origin !== 'settings') {
        void this.connection.window.showWarningMessage(
          `Kernel Module Workbench cannot read the symbol files in the settings: ${resolved.problems.join('; ')}`,
        );
      }
    }
    void this.connection.sendNotification(KernelProfileChangedNotification.method);
    void this.targets.profileChanged().catch((error: unknown) => this.logFailure('profileChanged', error));
  }

  private async reloadSettings(pushed?: unknown): Promise<void> {
    const request = ++this.settingsRequests;
    try {
      const section: unknown = this.canAskForConfiguration
        ? await this.connection.workspace.getConfiguration('lkm')
        : (pushed as { lkm?: unknown } | null | undefined)?.lkm;
      // A later reload started while this one waited: its answer is the newer one.
      if (section === undefined || request !== this.settingsRequests) return;
      const previousHeaders = this.settings.kernelHeaders;
      const previousSymbols = JSON.stringify(this.settings.symbols);
      this.settings = parseSettings(section);
      this.analyzed?.setLimits(this.settings.limits);
      this.analyzed?.setResourcePairs(this.settings.resourcePairs);
      for (const problem of this.settings.problems) void this.connection.window.showWarningMessage(problem);
      const headersChanged = this.settings.kernelHeaders !== previousHeaders;
      if (headersChanged) this.useKernelHeaders();
      if (headersChanged || JSON.stringify(this.settings.symbols) !== previousSymbols || this.profile === undefined)
        this.useKernelProfile();
      for (const document of this.documents.all()) {
        this.analyzed?.update(document);
        this.schedulePublish(document);
      }
    } catch (error) {
      this.connection.console.error(`cannot read the lkm settings: ${String(error)}`);
    }
  }

  private schedulePublish(document: TextDocument): void {
    clearTimeout(this.pendingPublish.get(document.uri));
    this.pendingPublish.set(
      document.uri,
      setTimeout(() => {
        this.pendingPublish.delete(document.uri);
        void this.publish(document.uri);
      }, PUBLISH_DELAY_MS),
    );
  }

  private async publish(uri: string): Promise<void> {
    await this.guardAsync('publishDiagnostics', undefined, async () => {
      const document = this.documents.get(uri);
      if (document === undefined || this.analyzed === undefined) return;
      for (const result of await this.analyzed.analyze(document)) {
        // Skip what an edit made while the analysis ran has already made stale.
        if (this.documents.get(result.uri)?.version !== result.version) continue;
        void this.connection.sendDiagnostics({
          uri: result.uri,
          version: result.version,
          diagnostics: result.diagnostics.map(toLspDiagnostic),
        });
      }
    });
  }

  private async codeActions(params: CodeActionParams): Promise<CodeAction[]> {
    const document = this.documents.get(params.textDocument.uri);
    if (document === undefined || this.analyzed === undefined) return [];
    const diagnostics = await this.analyzed.diagnosticsOf(document);
    // Other tools' diagnostics on the same line (clangd, …) must not hide our fixes.
    const wantedCodes = new Set(params.context.diagnostics.filter((d) => d.source === 'lkm').map((d) => d.code));
    return diagnostics
      .filter((d) => rangesIntersect(d.range, params.range) && (wantedCodes.size === 0 || wantedCodes.has(d.code)))
      .flatMap((d) => (d.fixes ?? []).map((fix) => toCodeAction(document.uri, fix, d)));
  }

  /** No request or notification may take the server down: failures are logged and answered empty. */
  private guard<T>(what: string, fallback: T, action: () => T): T {
    try {
      return action();
    } catch (error) {
      this.logFailure(what, error);
      return fallback;
    }
  }

  private async guardAsync<T>(what: string, fallback: T, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      this.logFailure(what, error);
      return fallback;
    }
  }

  private logFailure(what: string, error: unknown): void {
    this.connection.console.error(
      `${what} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  }
}

/** The folders the client opened: their modules' exports are available to each other. */
function workspaceRoots(params: InitializeParams): string[] {
  const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  return folders.filter((uri) => uri.startsWith('file:')).map(pathOf);
}

function fetchedDescription(fetched: FetchedSymbols): string {
  const files = [fetched.kallsyms, ...(fetched.moduleSymvers !== undefined ? [fetched.moduleSymvers] : [])];
  return `Linux ${fetched.release} fetched from the target (${files.join(', ')})`;
}

function profileInfo(resolved: ResolvedProfile | undefined): KernelProfileInfo {
  if (resolved === undefined) {
    return {
      origin: 'none',
      description: 'no kernel profile yet',
      files: [],
      exports: 0,
      gplOnly: 0,
      symbols: 0,
      exportsKnown: false,
      addressesHidden: false,
      problems: [],
    };
  }
  const { profile } = resolved;
  return {
    origin: resolved.origin,
    description: resolved.description,
    ...(profile.release !== undefined ? { release: profile.release } : {}),
    files: profile.sources.map((s) => ({ kind: s.kind, path: s.path, entries: s.entries })),
    exports: profile.counts.exports,
    gplOnly: profile.counts.gplOnly,
    symbols: profile.counts.symbols,
    exportsKnown: profile.exportsKnown,
    addressesHidden: profile.addressesHidden,
    problems: resolved.problems,
  };
}
