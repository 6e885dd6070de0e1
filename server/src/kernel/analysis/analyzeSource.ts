import type { Diagnostic } from '../checks/diagnostic';
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
