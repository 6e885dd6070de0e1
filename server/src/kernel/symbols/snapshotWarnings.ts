/** How many warnings a snapshot keeps before it only counts them: a garbage file must not flood the user. */
export const MAX_WARNINGS = 20;

/** Warnings of one read, each naming `file:line`; past MAX_WARNINGS only counted, then summed up in one line. */
export class SnapshotWarnings {
  private readonly kept: string[] = [];
  private dropped = 0;
  /** The first bad line, for the error when nothing parses. */
  firstBadLine: { line: number; reason: string } | undefined;

  constructor(readonly file: string) {}

  /** A line that was skipped; `reason` is only worked out for the warnings kept (a junk file has millions). */
  badLine(line: number, reason: string | (() => string)): void {
    if (this.firstBadLine !== undefined && this.kept.length >= MAX_WARNINGS) {
      this.dropped++;
      return;
    }
    const text = typeof reason === 'string' ? reason : reason();
    this.firstBadLine ??= { line, reason: text };
    this.add(`${this.file}:${line}: ${text}; line skipped`);
  }

  /** A warning about a line that was still used, or (line 0) about the file as a whole. */
  add(message: string): void {
    if (this.kept.length < MAX_WARNINGS) this.kept.push(message);
    else this.dropped++;
  }

  /** Warnings about the whole file, always kept (they are few and matter most). */
  addAboutFile(message: string): void {
    this.kept.push(`${this.file}: ${message}`);
  }

  get count(): number {
    return this.kept.length + this.dropped;
  }

  list(): string[] {
    return this.dropped > 0 ? [...this.kept, `${this.file}: … ${this.dropped} more warnings`] : [...this.kept];
  }
}

/** A short, safe description of a bad line: what was expected, and the line's start (printable only). */
export function describeBadLine(text: string, start: number, end: number, expected: string): string {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09) || code > 0x7e) {
      return `not text (byte 0x${code.toString(16).padStart(2, '0')} at column ${i - start + 1}), expected ${expected}`;
    }
  }
  const shown = end - start > 60 ? `${text.slice(start, start + 60)}…` : text.slice(start, end);
  return `expected ${expected} in "${shown.replace(/\t/g, '\\t')}"`;
}
