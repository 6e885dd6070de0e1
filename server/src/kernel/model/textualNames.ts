import { readArgumentList } from '../text/cLexing';

/**
 * Names read from the text where the tree may have lost them: error recovery drops whole function
 * definitions (a `#if` inside a `return` expression is enough). These only ever make the analysis
 * more careful: a name found here is taken as defined, never as missing.
 */

const CONTROL = new Set(['if', 'for', 'while', 'switch', 'return', 'sizeof', 'do', 'else', 'case', 'defined']);

/**
 * Functions defined at file scope, by their shape in the text: a line that starts at column 0 with
 * a declaration ending in `name(`, whose parameter list is followed by `{` rather than `;`.
 * `inline` says whether `static`/`inline` came before the name (a header's inline).
 */
export function textualFunctionDefinitions(text: string): { name: string; offset: number; inline: boolean }[] {
  const found: { name: string; offset: number; inline: boolean }[] = [];
  const pattern = /^([A-Za-z_][\w \t*]*?[ \t*])?([A-Za-z_]\w*)[ \t]*\(/gm;
  for (const match of text.matchAll(pattern)) {
    const name = match[2]!;
    if (CONTROL.has(name)) continue;
    const prefix = match[1] ?? '';
    // A line of its own holding just `name(` needs the type on the line before.
    const open = match.index + match[0].length - 1;
    const list = readArgumentList(text, open, Math.min(text.length, open + 4000));
    if (list === undefined) continue;
    const after = /^[\s\w()]*?([{;,=])/.exec(text.slice(list.end + 1, list.end + 400));
    if (after?.[1] !== '{') continue;
    if (prefix.trim() === '' && !/\S[ \t]*\n\s*$/.test(text.slice(Math.max(0, match.index - 200), match.index)))
      continue;
    const offset = match.index + prefix.length;
    found.push({ name, offset, inline: /\b(static|inline|__always_inline|__inline__)\b/.test(prefix) });
  }
  return found;
}

/** A function-like macro's body, as headers and `#define`s give it. */
export interface MacroShape {
  readonly parameters: readonly string[];
  readonly value: string;
}

/**
 * What macro invocations in the text may define, from how each macro's body uses its parameters:
 * an argument standing alone may be the defined name (`DEFINE_MUTEX(lock)`); one pasted in front
 * (`prefix ## _iter_first`) is a prefix of defined names, one pasted behind (`dev_attr_ ## name`) a
 * suffix. Found textually, so `static SIMPLE_DEV_PM_OPS(pm, …)` counts even where it parses as a
 * prototype.
 */
export function macroArgumentRoles(
  text: string,
  bodiesOf: (macro: string) => readonly MacroShape[],
): { readonly names: Set<string>; readonly prefixes: Set<string>; readonly suffixes: Set<string> } {
  const names = new Set<string>();
  const prefixes = new Set<string>();
  const suffixes = new Set<string>();
  for (const match of text.matchAll(/\b([A-Za-z_]\w*)[ \t]*\(/g)) {
    const bodies = bodiesOf(match[1]!);
    if (bodies.length === 0) continue;
    const open = match.index + match[0].length - 1;
    const list = readArgumentList(text, open, Math.min(text.length, open + 4000));
    if (list === undefined) continue;
    list.args.forEach((argument, index) => {
      if (!/^[A-Za-z_]\w*$/.test(argument.text)) return;
      names.add(argument.text);
      for (const body of bodies) {
        const parameter = body.parameters[index];
        if (parameter === undefined || parameter === '...') continue;
        if (new RegExp(`\\b${parameter}\\s*##`).test(body.value)) prefixes.add(argument.text);
        if (new RegExp(`##\\s*${parameter}\\b`).test(body.value)) suffixes.add(argument.text);
      }
    });
  }
  return { names, prefixes, suffixes };
}
