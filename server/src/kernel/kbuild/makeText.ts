/**
 * Reading makefile text the way GNU make does, as far as Kbuild files need it: logical lines
 * (backslash-newline joins), comments, and scanning `$(...)` references without expanding them.
 */

/** One logical line: physical lines joined at backslash-newline. */
export interface LogicalLine {
  /** The joined text, comments not yet removed. */
  readonly text: string;
  /** 1-based number of the first physical line, as make reports it (`Makefile:12:`). */
  readonly line: number;
  /** Whether the first physical line starts with a tab: a recipe line when it follows a rule. */
  readonly startsWithTab: boolean;
}

/**
 * Splits text into logical lines. A line ending in an odd number of backslashes goes on on the next
 * one; the backslash-newline and the whitespace around it become one space, as make does outside
 * recipes. A continuation at the end of the text just ends there.
 */
export function logicalLines(text: string): LogicalLine[] {
  const result: LogicalLine[] = [];
  const physical = text.split('\n');
  let pending: string[] = [];
  let pendingLine = 0;
  let pendingTab = false;
  const flush = (): void => {
    result.push({
      text: pending.filter((part) => part !== '').join(' '),
      line: pendingLine,
      startsWithTab: pendingTab,
    });
    pending = [];
  };
  for (let n = 0; n < physical.length; n++) {
    let line = physical[n]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (pending.length === 0) {
      pendingLine = n + 1;
      pendingTab = line.startsWith('\t');
    } else {
      line = line.trimStart();
    }
    if (continues(line)) {
      pending.push(line.slice(0, -1).trimEnd());
      continue;
    }
    pending.push(line);
    flush();
  }
  if (pending.length > 0) flush();
  return result;
}

function continues(line: string): boolean {
  let backslashes = 0;
  for (let i = line.length - 1; i >= 0 && line.charCodeAt(i) === 92; i--) backslashes++;
  return backslashes % 2 === 1;
}

/** The line without its comment: `#` starts one unless escaped as `\#`, which stands for `#`. */
export function stripComment(line: string): string {
  const hash = line.indexOf('#');
  if (hash === -1) return line;
  let out = '';
  let from = 0;
  for (let i = hash; i !== -1; i = line.indexOf('#', i + 1)) {
    let backslashes = 0;
    for (let j = i - 1; j >= 0 && line.charCodeAt(j) === 92; j--) backslashes++;
    if (backslashes % 2 === 0) return out + line.slice(from, i);
    out += line.slice(from, i - 1) + '#';
    from = i + 1;
  }
  return out + line.slice(from);
}

/**
 * Index just past the reference that starts with `$` at `i` (`$(...)`, `${...}`, `$$` or `$x`).
 * An unterminated `$(` runs to the end of the text.
 */
export function referenceEnd(text: string, i: number): number {
  const open = text[i + 1];
  if (open === undefined) return i + 1;
  if (open !== '(' && open !== '{') return i + 2;
  const close = open === '(' ? ')' : '}';
  let depth = 1;
  for (let j = i + 2; j < text.length; j++) {
    const c = text[j];
    if (c === open) depth++;
    else if (c === close && --depth === 0) return j + 1;
  }
  return text.length;
}

/** Whether the reference at `i` (a `$(` or `${`) is closed before the end of the text. */
export function referenceClosed(text: string, i: number): boolean {
  const end = referenceEnd(text, i);
  const close = text[i + 1] === '{' ? '}' : ')';
  return end > i + 2 && text[end - 1] === close;
}

/**
 * Splits `text` at `separator` characters that are outside any `$(...)`/`${...}` reference and any
 * bare parentheses, at most `maxParts` parts (the last one keeps the rest).
 */
export function splitTopLevel(text: string, separator: string, maxParts = Infinity): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '{') depth++;
    else if ((c === ')' || c === '}') && depth > 0) depth--;
    else if (c === separator && depth === 0 && parts.length < maxParts - 1) {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(text.slice(from));
  return parts;
}

/** The variable names referenced directly as `$(NAME)`/`${NAME}` in `text`, in order. */
export function referencedNames(text: string): string[] {
  const names: string[] = [];
  const pattern = /\$[({]([A-Za-z0-9_.-]+)[)}]/g;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) names.push(match[1]!);
  return names;
}

/** Whitespace-separated words of a make value. */
export function words(text: string): string[] {
  return text.split(/[ \t\n\r\f\v]+/).filter((w) => w !== '');
}
