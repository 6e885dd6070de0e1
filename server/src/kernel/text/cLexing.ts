/**
 * Just enough C lexing to read macro arguments from raw text: module macros that lack their `;`
 * often parse as ERROR shapes, so their argument lists are re-read from the text (lab notes §1).
 */

export interface TextSpan {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Index just past a comment, string or character literal starting at `i`, or `i` when none starts there. */
export function skipLiteralOrComment(text: string, i: number): number {
  const c = text[i];
  if (c === '/' && text[i + 1] === '/') {
    const nl = text.indexOf('\n', i);
    return nl === -1 ? text.length : nl;
  }
  if (c === '/' && text[i + 1] === '*') {
    const close = text.indexOf('*/', i + 2);
    return close === -1 ? text.length : close + 2;
  }
  if (c === '"' || c === "'") {
    for (let j = i + 1; j < text.length; j++) {
      const d = text[j];
      if (d === '\\') j++;
      else if (d === c || d === '\n') return j + 1;
    }
    return text.length;
  }
  return i;
}

/** The text with every comment turned into a space (literals are not looked at). */
export function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ' ');
}

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/**
 * Splits the parenthesised list that opens at `open` into its top-level arguments, trimmed.
 * Returns undefined when the list does not close within `limit`.
 */
export function readArgumentList(
  text: string,
  open: number,
  limit = text.length,
): { readonly args: TextSpan[]; readonly end: number } | undefined {
  if (text[open] !== '(') return undefined;
  const args: TextSpan[] = [];
  const stack: string[] = [')'];
  let argStart = open + 1;
  const pushArg = (end: number): void => {
    const raw = text.slice(argStart, end);
    const lead = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    if (trimmed.length > 0 || args.length > 0 || text[end] === ',') {
      args.push({ text: trimmed, start: argStart + lead, end: argStart + lead + trimmed.length });
    }
  };
  for (let i = open + 1; i < limit; i++) {
    const skipped = skipLiteralOrComment(text, i);
    if (skipped !== i) {
      i = skipped - 1;
      continue;
    }
    const c = text[i]!;
    const closer = OPENERS[c];
    if (closer !== undefined) stack.push(closer);
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) {
        pushArg(i);
        return { args, end: i + 1 };
      }
    } else if (c === ',' && stack.length === 1) {
      pushArg(i);
      argStart = i + 1;
    }
  }
  return undefined;
}

/** The value of a C string literal or a concatenation of them, e.g. `"GPL" " v2"`; undefined otherwise. */
export function stringLiteralValue(expression: string): string | undefined {
  const pieces = /^(?:\s*"((?:[^"\\\n]|\\.)*)")+\s*$/.test(expression)
    ? [...expression.matchAll(/"((?:[^"\\\n]|\\.)*)"/g)].map((m) => m[1]!)
    : undefined;
  if (pieces === undefined) return undefined;
  return pieces
    .join('')
    .replace(/\\(["\\'?])/g, '$1')
    .replace(/\\n/g, '\n')
    .replace(/\\t/g, '\t');
}

export function isIdentifier(text: string): boolean {
  return /^[A-Za-z_]\w*$/.test(text);
}
