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
    // list.end is just past the `)`: a prototype's `;` right after it must be seen.
    // Directive lines may stand between them (dlm's `)\n#else\nint f(…)\n#endif\n{`).
    const following = text.slice(list.end, list.end + 400).replace(/^[ \t]*#[^\n]*$/gm, ' ');
    const after = /^[\s\w()]*?([{;,=])/.exec(following);
    if (after?.[1] !== '{') continue;
    if (prefix.trim() === '' && !/\S[ \t]*\n\s*$/.test(text.slice(Math.max(0, match.index - 200), match.index)))
      continue;
    const offset = match.index + prefix.length;
    // `static inline void __releases(x)\nname(…)`: the storage class may sit on the line before.
    const lineBefore =
      prefix.trim() === '' ? /[^\n]*\n\s*$/.exec(text.slice(Math.max(0, match.index - 200), match.index)) : null;
    const leading = prefix + (lineBefore?.[0] ?? '');
    found.push({ name, offset, inline: /\b(static|inline|__always_inline|__inline__)\b/.test(leading) });
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
 * an argument standing alone may be the defined name (`DEFINE_MUTEX(lock)`); a pasted name with
 * the arguments put in is made whole (`dev_attr_ ## name`), or known at its start or end up to the
 * first part no argument gives (`prefix ## _iter_first ## __VA_ARGS__`). A nested macro may paste
 * more onto a whole one, so it is also a prefix and a suffix. Found textually, so
 * `static SIMPLE_DEV_PM_OPS(pm, …)` counts even where it parses as a prototype.
 */
export function macroArgumentRoles(
  text: string,
  bodiesOf: (macro: string) => readonly MacroShape[],
  isMacro: (name: string) => boolean = () => false,
): {
  readonly names: Set<string>;
  readonly exact: Set<string>;
  readonly prefixes: Set<string>;
  readonly suffixes: Set<string>;
} {
  const names = new Set<string>();
  const exact = new Set<string>();
  const prefixes = new Set<string>();
  const suffixes = new Set<string>();
  for (const match of text.matchAll(/\b([A-Za-z_]\w*)[ \t]*\(/g)) {
    const bodies = bodiesOf(match[1]!);
    // An object-like alias (`#define DECLARE_TLV_DB_SCALE SNDRV_CTL_TLVD_DECLARE_DB_SCALE`): no roles known.
    if (bodies.length === 0 && !isMacro(match[1]!)) continue;
    const open = match.index + match[0].length - 1;
    const list = readArgumentList(text, open, Math.min(text.length, open + 4000));
    if (list === undefined) continue;
    for (const argument of list.args) if (/^[A-Za-z_]\w*$/.test(argument.text)) names.add(argument.text);
    for (const body of bodies) {
      const argumentOf = new Map<string, string | undefined>();
      body.parameters.forEach((parameter, index) => {
        const text = list.args[index]?.text;
        if (parameter !== '...') argumentOf.set(parameter, text !== undefined && /^\w+$/.test(text) ? text : undefined);
      });
      for (const chain of body.value.matchAll(PASTING_CHAIN)) {
        const tokens = chain[0].split(/\s*##\s*/);
        if (!tokens.some((token) => argumentOf.has(token))) continue;
        // Each parameter as its argument: the name is known up to the first part that is not.
        const parts = tokens.map((token) =>
          token === '__VA_ARGS__' ? undefined : argumentOf.has(token) ? argumentOf.get(token) : token,
        );
        const unknown = parts.indexOf(undefined);
        if (unknown === -1) {
          // Whole: a nested macro may paste more onto either end.
          const made = parts.join('');
          exact.add(made);
          prefixes.add(made);
          suffixes.add(made);
          continue;
        }
        const head = parts.slice(0, unknown).join('');
        const tail = parts.slice(parts.lastIndexOf(undefined) + 1).join('');
        if (head.length >= 3 && tokens.slice(0, unknown).some((token) => argumentOf.has(token))) prefixes.add(head);
        if (tail.length >= 3 && tokens.slice(parts.lastIndexOf(undefined) + 1).some((token) => argumentOf.has(token)))
          suffixes.add(tail);
      }
    }
  }
  return { names, exact, prefixes, suffixes };
}

/** `typedef … name;` and `typedef … (*name)(…);`, read from the text (annotations can hide the name from the tree). */
export function textualTypedefNames(text: string): { name: string; offset: number }[] {
  const names: { name: string; offset: number }[] = [];
  for (const match of text.matchAll(/\btypedef\b/g)) {
    let depth = 0;
    let end = match.index + 7;
    for (; end < text.length && end < match.index + 20_000; end++) {
      const c = text[end];
      if (c === '{' || c === '(') depth++;
      else if (c === '}' || c === ')') depth--;
      else if (c === ';' && depth <= 0) break;
    }
    const statement = text.slice(match.index, end);
    const pointer = /\(\s*\*\s*([A-Za-z_]\w*)\s*\)\s*\(/.exec(statement);
    const last = /([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)*$/.exec(statement);
    const name = pointer?.[1] ?? last?.[1];
    if (name !== undefined) names.push({ name, offset: match.index });
  }
  return names;
}

/** Function-like #defines read from the text, continued lines joined: for those the tree lost. */
export function textualMacroDefinitions(text: string): { name: string; offset: number; shape: MacroShape }[] {
  const found: { name: string; offset: number; shape: MacroShape }[] = [];
  for (const match of text.matchAll(/^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)\(([^)]*)\)/gm)) {
    let end = match.index + match[0].length;
    let value = '';
    for (let guard = 0; guard < 500; guard++) {
      const lineEnd = text.indexOf('\n', end);
      const line = text.slice(end, lineEnd === -1 ? text.length : lineEnd);
      value += line.endsWith('\\') ? line.slice(0, -1) + ' ' : line;
      if (!line.endsWith('\\') || lineEnd === -1) break;
      end = lineEnd + 1;
    }
    const parameters = match[2]!
      .replace(/\\\s*\n/g, ' ')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    found.push({ name: match[1]!, offset: match.index, shape: { parameters, value: value.trim() } });
  }
  return found;
}

/** `#include <x.h>` and `#include "x.h"` lines, read from the text (a stray token can hide them from the tree). */
export function textualIncludes(text: string): { path: string; system: boolean; start: number; end: number }[] {
  const found: { path: string; system: boolean; start: number; end: number }[] = [];
  for (const match of text.matchAll(/^[ \t]*#[ \t]*include[ \t]*([<"])([^>"\n]+)[>"]/gm)) {
    found.push({
      path: match[2]!.trim(),
      system: match[1] === '<',
      start: match.index,
      end: match.index + match[0].length,
    });
  }
  return found;
}

/** Enumeration constants read from the text: the items of every `enum … { … }` body. */
export function textualEnumerators(text: string): { name: string; offset: number }[] {
  const found: { name: string; offset: number }[] = [];
  for (const match of text.matchAll(/\benum\b[\s\w]*\{/g)) {
    const open = match.index + match[0].length - 1;
    let depth = 0;
    let itemStart = open + 1;
    for (let i = open; i < text.length && i < open + 200_000; i++) {
      const c = text[i];
      if (c === '{' || c === '(') depth++;
      else if (c === '}' || c === ')') depth--;
      const atEnd = depth === 0;
      if ((c === ',' && depth === 1) || atEnd) {
        const item = text
          .slice(itemStart, i)
          .replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|^[ \t]*#[^\n]*$/gm, ' ')
          .trim();
        const name = /^([A-Za-z_]\w*)/.exec(item)?.[1];
        if (name !== undefined) found.push({ name, offset: itemStart });
        itemStart = i + 1;
      }
      if (atEnd) break;
    }
  }
  return found;
}

/**
 * A name a macro body makes by pasting: its literal ends and the literal pieces between pasted
 * parameters, in order (`pci_##o##_config_##s` is `pci_`, ``, [`_config_`]).
 */
export interface PastingPattern {
  readonly prefix: string;
  readonly suffix: string;
  readonly middles: readonly string[];
  /** The body calls the pasted name (`spi_##parm(starget)` after `;`): a use, not a definition. */
  readonly calledInBody: boolean;
}

/** Each `a ## PARAM ## b` chain of a body as a PastingPattern; those with ends too short to tell anything dropped. */
export function pastingPatterns(body: MacroShape): PastingPattern[] {
  if (!body.value.includes('##')) return [];
  const isParameter = (word: string): boolean => body.parameters.includes(word) || word === '__VA_ARGS__';
  const patterns: PastingPattern[] = [];
  for (const chain of body.value.matchAll(PASTING_CHAIN)) {
    const tokens = chain[0].split(/\s*##\s*/);
    const first = tokens.findIndex(isParameter);
    if (first === -1) continue;
    let last = first;
    for (let k = tokens.length - 1; k >= 0; k--) {
      if (isParameter(tokens[k]!)) {
        last = k;
        break;
      }
    }
    const prefix = tokens.slice(0, first).join('');
    const suffix = tokens.slice(last + 1).join('');
    if (prefix.length < 3 && suffix.length < 3) continue;
    const middles: string[] = [];
    let piece = '';
    for (let k = first + 1; k < last; k++) {
      if (isParameter(tokens[k]!)) {
        if (piece !== '') middles.push(piece);
        piece = '';
      } else piece += tokens[k];
    }
    if (piece !== '') middles.push(piece);
    patterns.push({ prefix, suffix, middles, calledInBody: calledAt(body.value, chain.index, chain[0].length) });
  }
  return patterns;
}

const PASTING_CHAIN = /[A-Za-z0-9_]+(?:\s*##\s*[A-Za-z0-9_]+)+/g;
const NOT_A_TYPE = new Set(['return', 'case', 'else', 'do', 'goto', 'sizeof', 'typeof', '__typeof__']);

/**
 * Whether the chain at this offset is called as a statement or expression (`; spi_##x(t)`,
 * `= f_##x(…)`, `return f_##x(…)`) rather than declared (`static int show_##x(…)`), which
 * follows a type word or `*`.
 */
function calledAt(text: string, start: number, length: number): boolean {
  if (!/^\s*\(/.test(text.slice(start + length, start + length + 40))) return false;
  const before = /([\w*])?\s*$/.exec(text.slice(Math.max(0, start - 40), start));
  const word = /(\w+)\s*$/.exec(text.slice(Math.max(0, start - 40), start))?.[1];
  return before?.[1] === undefined || (word !== undefined && NOT_A_TYPE.has(word));
}

/**
 * Whether a name fits a pasting pattern: its literal ends, the middle pieces in order, and
 * something of its own where each parameter goes.
 */
export function fitsPattern(name: string, pattern: Pick<PastingPattern, 'prefix' | 'suffix' | 'middles'>): boolean {
  const end = name.length - pattern.suffix.length;
  if (end <= pattern.prefix.length || !name.startsWith(pattern.prefix) || !name.endsWith(pattern.suffix)) return false;
  let at = pattern.prefix.length;
  for (const middle of pattern.middles) {
    const found = name.indexOf(middle, at + 1);
    if (found === -1 || found + middle.length >= end) return false;
    at = found + middle.length;
  }
  return true;
}

/** Stands for what an object-like macro the analysis cannot see expands to, in expandedName. */
export const UNKNOWN_TEXT = '\u0000';

/**
 * The name a function-like macro invocation expands to, with the given macros (`BTREE_FN(init)` with
 * `BTREE_FN(name) BTREE_TP(btree_ ## name)` … gives `btree_init` and then the unknown value of
 * BTREE_TYPE_SUFFIX). Parameters next to `##` take the argument as written, others expanded first,
 * as cpp does; an upper-case name that is no known function-like macro stands for unknown text
 * (UNKNOWN_TEXT). Undefined when the expansion is not a name, with or without unknown parts.
 */
export function expandedName(
  invocation: string,
  macrosOf: (name: string) => readonly MacroShape[] | undefined,
): string | undefined {
  const result = expandText(invocation, macrosOf, 0).trim();
  const known = result.split(UNKNOWN_TEXT).join('');
  return result !== '' && /^\w*$/.test(known) && !/^[0-9]/.test(result) ? result : undefined;
}

function expandText(
  text: string,
  macrosOf: (name: string) => readonly MacroShape[] | undefined,
  depth: number,
): string {
  if (depth > 12) return UNKNOWN_TEXT;
  let out = '';
  let at = 0;
  const word = /[A-Za-z_]\w*/g;
  for (let match = word.exec(text); match !== null; match = word.exec(text)) {
    out += text.slice(at, match.index);
    at = word.lastIndex;
    const body = macrosOf(match[0])?.[0];
    if (body !== undefined) {
      let open = word.lastIndex;
      while (open < text.length && /\s/.test(text[open]!)) open++;
      const list = text[open] === '(' ? readArgumentList(text, open) : undefined;
      if (list !== undefined) {
        const args = list.args.map((a) => a.text);
        out += expandText(substituted(body, args, macrosOf, depth), macrosOf, depth + 1);
        at = list.end;
        word.lastIndex = at;
        continue;
      }
    }
    out += /^[A-Z_][A-Z0-9_]*$/.test(match[0]) ? UNKNOWN_TEXT : match[0];
  }
  return out + text.slice(at);
}

/** A body with its parameters replaced and `##` applied. */
function substituted(
  body: MacroShape,
  args: readonly string[],
  macrosOf: (name: string) => readonly MacroShape[] | undefined,
  depth: number,
): string {
  const value = body.value.replace(/\b[A-Za-z_]\w*\b/g, (name: string, offset: number, whole: string) => {
    const index = body.parameters.indexOf(name);
    if (index === -1) return name;
    const argument = (args[index] ?? '').trim();
    const pasted = /##\s*$/.test(whole.slice(0, offset)) || /^\s*##/.test(whole.slice(offset + name.length));
    return pasted ? argument : expandText(argument, macrosOf, depth + 1);
  });
  return value.replace(/\s*##\s*/g, '');
}

/**
 * Functions a header defines with a macro for a name (`static inline int BTREE_FN(init)(…) {`), as
 * their expanded names: a plain name, or one with unknown parts (UNKNOWN_TEXT) where an object-like
 * macro of the includer goes (btree.h includes btree-type.h once per BTREE_TYPE_SUFFIX).
 */
export function macroNamedFunctions(
  text: string,
  macrosOf: (name: string) => readonly MacroShape[] | undefined,
): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/^[ \t]*(?:[A-Za-z_]\w*[ \t*]+)+?([A-Z_][A-Z0-9_]*)[ \t]*\(/gm)) {
    if (macrosOf(match[1]!) === undefined) continue;
    const open = match.index + match[0].length - 1;
    const name = readArgumentList(text, open, Math.min(text.length, open + 400));
    if (name === undefined) continue;
    let next = name.end;
    while (next < text.length && /\s/.test(text[next]!)) next++;
    const parameters = readArgumentList(text, next, Math.min(text.length, next + 4000));
    if (parameters === undefined || !/^\s*\{/.test(text.slice(parameters.end, parameters.end + 200))) continue;
    const expanded = expandedName(text.slice(match.index + match[0].lastIndexOf(match[1]!), name.end), macrosOf);
    if (expanded !== undefined) found.push(expanded);
  }
  return found;
}
