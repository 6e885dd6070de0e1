import { fileURLToPath } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analysisFailed, analyzeParsedSource } from '../kernel/analysis/analyzeSource';
import { inspectSourceText, type InputLimits } from '../kernel/analysis/sourceInput';
import type { Diagnostic } from '../kernel/checks/diagnostic';
import { isWasmFault, type CParser } from '../kernel/parsing/cParser';
import { ParsedSource } from '../kernel/parsing/parsedSource';

export interface DocumentAnalysis {
  readonly version: number;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * The parsed state of every open document. Each change re-parses incrementally from the previous
 * tree; analysis results are cached per document version.
 */
export class AnalyzedDocuments {
  private readonly parsed = new Map<string, ParsedSource>();
  /** Why a document cannot be analysed (too large, binary), decided once per change. */
  private readonly inputProblems = new Map<string, Diagnostic>();
  private readonly analyses = new Map<string, DocumentAnalysis>();

  constructor(
    private readonly parser: CParser,
    private readonly log: (message: string) => void,
  ) {}

  /** Brings the document's tree up to date with its text. */
  update(document: TextDocument, limits: InputLimits): void {
    this.analyses.delete(document.uri);
    const text = document.getText();
    const problem = inspectSourceText(text, limits);
    if (problem !== undefined) {
      this.forget(document.uri);
      this.inputProblems.set(document.uri, problem);
      return;
    }
    this.inputProblems.delete(document.uri);
    const existing = this.parsed.get(document.uri);
    try {
      if (existing) existing.update(text);
      else this.parsed.set(document.uri, ParsedSource.parse(this.parser, text));
    } catch (error) {
      this.forget(document.uri);
      this.handleFault(error, document.uri);
    }
  }

  analyze(document: TextDocument, limits: InputLimits): DocumentAnalysis {
    const cached = this.analyses.get(document.uri);
    if (cached?.version === document.version) return cached;
    if (!this.parsed.has(document.uri) && !this.inputProblems.has(document.uri)) this.update(document, limits);
    const problem = this.inputProblems.get(document.uri);
    if (problem !== undefined) return this.remember(document, [problem]);
    const parsed = this.parsed.get(document.uri);
    try {
      if (parsed === undefined) throw new Error('the document could not be parsed');
      return this.remember(document, analyzeParsedSource(this.parser, pathOf(document.uri), parsed).diagnostics);
    } catch (error) {
      this.forget(document.uri);
      this.handleFault(error, document.uri);
      // Not cached: the next request analyses again, on a recovered parser.
      return { version: document.version, diagnostics: [analysisFailed(error)] };
    }
  }

  forget(uri: string): void {
    this.parsed.get(uri)?.dispose();
    this.parsed.delete(uri);
    this.inputProblems.delete(uri);
    this.analyses.delete(uri);
  }

  private remember(document: TextDocument, diagnostics: readonly Diagnostic[]): DocumentAnalysis {
    const analysis = { version: document.version, diagnostics };
    this.analyses.set(document.uri, analysis);
    return analysis;
  }

  private handleFault(error: unknown, uri: string): void {
    this.log(`analysis of ${uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (isWasmFault(error)) {
      // Every tree belonged to the broken instance: drop them all; they re-parse on next use.
      for (const key of [...this.parsed.keys()]) this.forget(key);
      this.parser
        .recover()
        .catch((recoverError: unknown) => this.log(`parser recovery failed: ${String(recoverError)}`));
    }
  }
}

function pathOf(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}
