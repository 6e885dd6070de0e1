import { fileURLToPath } from 'node:url';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeParsedSource } from '../kernel/analysis/analyzeSource';
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
  private readonly analyses = new Map<string, DocumentAnalysis>();

  constructor(
    private readonly parser: CParser,
    private readonly log: (message: string) => void,
  ) {}

  /** Brings the document's tree up to date with its text. */
  update(document: TextDocument, limits: InputLimits): void {
    this.analyses.delete(document.uri);
    const text = document.getText();
    if (inspectSourceText(text, limits) !== undefined) {
      this.forget(document.uri);
      return;
    }
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
    const analysis = { version: document.version, diagnostics: this.diagnose(document, limits) };
    this.analyses.set(document.uri, analysis);
    return analysis;
  }

  forget(uri: string): void {
    this.parsed.get(uri)?.dispose();
    this.parsed.delete(uri);
    this.analyses.delete(uri);
  }

  private diagnose(document: TextDocument, limits: InputLimits): Diagnostic[] {
    const inputProblem = inspectSourceText(document.getText(), limits);
    if (inputProblem !== undefined) return [inputProblem];
    if (!this.parsed.has(document.uri)) this.update(document, limits);
    const parsed = this.parsed.get(document.uri);
    if (parsed === undefined) return [];
    try {
      return [...analyzeParsedSource(this.parser, pathOf(document.uri), parsed).diagnostics];
    } catch (error) {
      this.forget(document.uri);
      this.handleFault(error, document.uri);
      return [];
    }
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
