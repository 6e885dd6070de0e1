/** Positions are 0-based lines and UTF-16 characters, as in LSP, so the LSP layer can pass them through. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface TextEdit {
  readonly range: Range;
  readonly newText: string;
}

export interface Fix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
  /** The fix an editor applies for "auto fix"; at most one per diagnostic. */
  readonly preferred?: boolean;
}

export interface Diagnostic {
  readonly range: Range;
  readonly severity: Severity;
  /** A stable code from `diagnosticCodes`. */
  readonly code: string;
  readonly message: string;
  readonly source: 'lkm';
  readonly fixes?: readonly Fix[];
}

/** An empty range at the very start: where problems with a whole file are reported. */
export const START_OF_FILE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** The kernel's own words first, then one plain sentence on what follows from them. */
export function kernelMessage(kernelWords: string, explanation: string): string {
  return `${kernelWords} — ${explanation}`;
}

export function rangesIntersect(a: Range, b: Range): boolean {
  return !(comparePositions(a.end, b.start) < 0 || comparePositions(b.end, a.start) < 0);
}

export function comparePositions(a: Position, b: Position): number {
  return a.line !== b.line ? a.line - b.line : a.character - b.character;
}
