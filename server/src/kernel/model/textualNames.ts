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
  isMacro: (name: string) => boolean = () => false,
): { readonly names: Set<string>; readonly prefixes: Set<string>; readonly suffixes: Set<string> } {
  const names = new Set<string>();
  const prefixes = new Set<string>();
  const suffixes = new Set<string>();
  for (const match of text.matchAll(/\b([A-Za-z_]\w*)[ \t]*\(/g)) {
    const bodies = bodiesOf(match[1]!);
    // An object-like alias (`#define DECLARE_TLV_DB_SCALE SNDRV_CTL_TLVD_DECLARE_DB_SCALE`): no roles known.
    if (bodies.length === 0 && !isMacro(match[1]!)) continue;
    const open = match.index + match[0].length - 1;
    const list = readArgumentList(text, open, Math.min(text.length, open + 4000));
    if (list === undefined) continue;
    list.args.forEach((argument, index) => {
      if (!/^[A-Za-z_]\w*$/.test(argument.text)) return;
      names.add(argument.text);
      for (const body of bodies) {
        const parameter = body.parameters[index];
        if (parameter === undefined || parameter === '...') continue;
        // Only where the argument starts or ends the pasted name (`ITPREFIX ## _iter_first`,
        // `dev_attr_ ## name`); in the middle (`__mod_##type##__##name`) it says nothing.
        for (const chain of body.value.matchAll(/[A-Za-z0-9_]+(?:\s*##\s*[A-Za-z0-9_]+)+/g)) {
          const tokens = chain[0].split(/\s*##\s*/);
          if (tokens[0] === parameter) prefixes.add(argument.text);
          if (tokens[tokens.length - 1] === parameter) suffixes.add(argument.text);
        }
      }
    });
  }
  return { names, prefixes, suffixes };
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

/** Each `a ## PARAM ## b` chain of a body as [literal before, literal after]; too-short ones dropped. */
export function pastingPatterns(body: MacroShape): [string, string][] {
  if (!body.value.includes('##')) return [];
  const isParameter = (word: string): boolean => body.parameters.includes(word) || word === '__VA_ARGS__';
  const patterns: [string, string][] = [];
  for (const chain of body.value.matchAll(/[A-Za-z0-9_]+(?:\s*##\s*[A-Za-z0-9_]+)+/g)) {
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
    if (prefix.length >= 3 || suffix.length >= 3) patterns.push([prefix, suffix]);
  }
  return patterns;
}
