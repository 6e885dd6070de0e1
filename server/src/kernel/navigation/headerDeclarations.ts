import { readFileSync, statSync } from 'node:fs';

/** A declaration as written in a header: the prototype (or #define) and its kernel-doc comment. */
export interface DeclarationText {
  readonly file: string;
  /** Offset of the name in the file. */
  readonly offset: number;
  readonly line: number;
  readonly character: number;
  readonly declaration: string;
  /** The `/** … *\/` comment right before it, without its comment markers. */
  readonly documentation?: string;
}

const MAX_DECLARATION = 600;

/**
 * Reads declarations out of header files, keeping the last few files' text: hovers over names of
 * the same header come in runs.
 */
export class HeaderDeclarations {
  private readonly texts = new Map<string, { mtimeMs: number; text: string }>();

  read(file: string, offset: number): DeclarationText | undefined {
    const text = this.textOf(file);
    if (text === undefined || offset < 0 || offset >= text.length) return undefined;
    const start = statementStart(text, offset);
    const end = statementEnd(text, offset);
    const declaration = text
      .slice(start, Math.min(end, start + MAX_DECLARATION))
      .replace(/\\\n/g, '\n')
      .replace(/[ \t]+$/gm, '')
      .trim();
    const documentation = kernelDocBefore(text, start);
    const before = text.slice(0, offset);
    const line = before.split('\n').length - 1;
    return {
      file,
      offset,
      line,
      character: offset - (before.lastIndexOf('\n') + 1),
      declaration,
      ...(documentation !== undefined ? { documentation } : {}),
    };
  }

  private textOf(file: string): string | undefined {
    try {
      const { mtimeMs } = statSync(file);
      const cached = this.texts.get(file);
      if (cached?.mtimeMs === mtimeMs) return cached.text;
      const text = readFileSync(file, 'utf8');
      if (this.texts.size >= 16) this.texts.delete(this.texts.keys().next().value!);
      this.texts.set(file, { mtimeMs, text });
      return text;
    } catch {
      return undefined;
    }
  }
}

/** Back to the end of the previous statement, comment or directive: where this declaration begins. */
function statementStart(text: string, offset: number): number {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  if (/^\s*#\s*define\b/.test(text.slice(lineStart, offset))) return lineStart;
  let at = offset;
  while (at > 0) {
    const c = text[at - 1]!;
    if (c === ';' || c === '}' || c === '{') break;
    if (c === '/' && text[at - 2] === '*') break;
    if (c === '\n') {
      // A preprocessor line ends a declaration before it.
      const previousLine = text.slice(text.lastIndexOf('\n', at - 2) + 1, at - 1);
      if (/^\s*#/.test(previousLine) && !previousLine.endsWith('\\')) break;
    }
    at--;
  }
  while (at < offset && /\s/.test(text[at]!)) at++;
  return at;
}

/** To the `;` or the `{` of a body, or the end of a (continued) #define. */
function statementEnd(text: string, offset: number): number {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  if (/^\s*#\s*define\b/.test(text.slice(lineStart, offset))) {
    let end = text.indexOf('\n', offset);
    while (end !== -1 && text[end - 1] === '\\') end = text.indexOf('\n', end + 1);
    return end === -1 ? text.length : end;
  }
  let depth = 0;
  for (let at = offset; at < text.length && at < offset + MAX_DECLARATION * 2; at++) {
    const c = text[at]!;
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth <= 0 && c === ';') return at + 1;
    else if (depth <= 0 && c === '{') return at;
  }
  return Math.min(text.length, offset + MAX_DECLARATION);
}

/** The kernel-doc (`/** … *\/`) comment ending right before `start`, as plain lines. */
function kernelDocBefore(text: string, start: number): string | undefined {
  let end = start;
  while (end > 0 && /\s/.test(text[end - 1]!)) end--;
  if (!text.slice(0, end).endsWith('*/')) return undefined;
  const open = text.lastIndexOf('/**', end - 2);
  if (open === -1 || text.slice(open, end - 2).includes('*/')) return undefined;
  return text
    .slice(open + 3, end - 2)
    .split('\n')
    .map((line) => line.replace(/^\s*\*( |$)/, ''))
    .join('\n')
    .trim();
}
