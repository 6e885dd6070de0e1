import { START_OF_FILE, type Diagnostic } from '../checks/diagnostic';
import { checkModule } from '../checks/moduleChecks';
import { loneFileModule, type KernelModule } from '../model/kernelModule';
import { extractFacts } from '../model/sourceFacts';
import type { CParser } from '../parsing/cParser';
import type { ParsedSource } from '../parsing/parsedSource';
import { LineIndex } from '../text/lineIndex';

export interface SourceAnalysis {
  readonly module: KernelModule;
  /** Diagnostics that belong to this file. */
  readonly diagnostics: readonly Diagnostic[];
}

/** What to report when analysing a file failed: the run goes on, and the user learns why. */
export function analysisFailed(error: unknown): Diagnostic {
  return {
    range: START_OF_FILE,
    severity: 'error',
    code: 'analysis-failed',
    source: 'lkm',
    message: `internal error while analysing this file, please report it: ${error instanceof Error ? error.message : String(error)}`,
  };
}

/** Analyses one parsed C file as a module of its own. */
export function analyzeParsedSource(parser: CParser, filePath: string, parsed: ParsedSource): SourceAnalysis {
  const source = {
    path: filePath,
    text: parsed.text,
    lines: new LineIndex(parsed.text),
    facts: extractFacts(parser, parsed),
  };
  const module = loneFileModule(source);
  const diagnostics = checkModule(module)
    .filter((d) => d.path === filePath)
    .map((d) => d.diagnostic);
  return { module, diagnostics };
}
