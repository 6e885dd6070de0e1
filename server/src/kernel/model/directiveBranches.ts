import type { KernelConfig } from '../kbuild/kernelConfig';
import { skipLiteralOrComment } from '../text/cLexing';
import type { PreprocessorBranch } from './fileScope';
import { compiledUnder } from './preprocessorConditions';

const DIRECTIVE = /^[ \t]*#[ \t]*(ifdef|ifndef|if|elifdef|elifndef|elif|else|endif)\b(.*)$/;

/**
 * The `#if` chains of a text, read from its directive lines. Tree-sitter's preprocessor shapes can
 * misplace where a branch ends (an `#else` that swallows the rest of a header); the lines cannot.
 * Directives inside block comments are skipped; continued lines are joined; an unclosed chain
 * ends at the end of the text.
 */
export function directiveBranches(text: string): PreprocessorBranch[] {
  const branches: PreprocessorBranch[] = [];
  const open: { chain: number; branch: number; directive: string; start: number }[] = [];
  let inComment = false;
  let lineStart = 0;
  while (lineStart <= text.length) {
    const lineEnd = text.indexOf('\n', lineStart) === -1 ? text.length : text.indexOf('\n', lineStart);
    let line = text.slice(lineStart, lineEnd);
    // A directive may continue over several lines.
    let next = lineEnd + 1;
    while (line.endsWith('\\') && next <= text.length) {
      let end = text.indexOf('\n', next);
      if (end === -1) end = text.length;
      line = line.slice(0, -1) + ' ' + text.slice(next, end);
      next = end + 1;
    }
    const startsInComment = inComment;
    inComment = commentStateAfter(line, inComment);
    const match = startsInComment ? null : DIRECTIVE.exec(line);
    if (match !== null) {
      const keyword = match[1]!;
      const rest = stripComments(match[2]!).trim();
      const directive = rest === '' ? keyword : `${keyword} ${rest}`;
      if (keyword.startsWith('if')) {
        open.push({ chain: lineStart, branch: 0, directive, start: lineStart });
      } else if (open.length > 0) {
        const current = open.pop()!;
        branches.push({ ...current, end: lineStart });
        if (keyword !== 'endif') {
          open.push({ chain: current.chain, branch: current.branch + 1, directive, start: lineStart });
        }
      }
    }
    lineStart = next;
  }
  for (const current of open.reverse()) branches.push({ ...current, end: text.length });
  return branches.sort((a, b) => a.start - b.start);
}

/** Whether a block comment is still open at the end of the line. */
function commentStateAfter(line: string, inComment: boolean): boolean {
  // Most lines open and close nothing: no `/` outside a comment, no `*/` inside one.
  if (inComment ? !line.includes('*/') : !line.includes('/')) return inComment;
  let state = inComment;
  for (let i = 0; i < line.length; i++) {
    if (state) {
      if (line[i] === '*' && line[i + 1] === '/') {
        state = false;
        i++;
      }
    } else if (line[i] === '/' && line[i + 1] === '*') {
      state = true;
      i++;
    } else if (line[i] === '/' && line[i + 1] === '/') {
      break;
    } else if (line[i] === '"' || line[i] === "'") {
      const quote = line[i];
      for (i++; i < line.length && line[i] !== quote; i++) if (line[i] === '\\') i++;
    }
  }
  return state;
}

function stripComments(text: string): string {
  return text.replace(/\/\*.*?(\*\/|$)/g, ' ').replace(/\/\/.*$/, '');
}

/**
 * For offsets asked in increasing order: whether the code there is compiled under `config`
 * (false only when some enclosing branch is certainly not taken). Each branch is judged once.
 */
export function compiledOffsets(
  branches: readonly PreprocessorBranch[],
  config: KernelConfig | undefined,
  definedBefore?: (name: string, offset: number) => boolean | undefined,
): (offset: number) => boolean | undefined {
  if (branches.length === 0) return () => true;
  const taken = branches.map((branch) => compiledUnder([branch], branches, config, definedBefore));
  const order = branches.map((_, i) => i).sort((a, b) => branches[a]!.start - branches[b]!.start);
  const open: number[] = [];
  let next = 0;
  return (offset) => {
    while (next < order.length && branches[order[next]!]!.start <= offset) {
      const index = order[next++]!;
      while (open.length > 0 && branches[open[open.length - 1]!]!.end <= branches[index]!.start) open.pop();
      open.push(index);
    }
    let result: boolean | undefined = true;
    for (const index of open) {
      const branch = branches[index]!;
      if (branch.start > offset || offset >= branch.end) continue;
      if (taken[index] === false) return false;
      if (taken[index] === undefined) result = undefined;
    }
    return result;
  };
}

/**
 * What the text itself says about its macros at a directive further down: defined where a
 * `#define X` before it is compiled for certain (riptide's `#if IS_REACHABLE(…)` `#define
 * SUPPORT_JOYSTICK 1`), and not defined at its include guard's `#ifndef X` (`#define X` next),
 * which holds on the first inclusion. Otherwise undecided: a header may define it, and a name the
 * text ever `#undef`s is left alone.
 */
export function localDefinitions(
  text: string,
  branches: readonly PreprocessorBranch[],
  config: KernelConfig | undefined,
): (name: string, offset: number) => boolean | undefined {
  const guardAt = afterLeadingComments(text);
  const guard = /#[ \t]*ifndef[ \t]+(\w+)[ \t]*\r?\n[ \t]*#[ \t]*define[ \t]+(\w+)/y;
  guard.lastIndex = guardAt;
  const match = guard.exec(text);
  const guardName = match !== null && match[1] === match[2] ? match[1] : undefined;
  const atGuard = (name: string, offset: number) => (name === guardName && offset <= guardAt ? false : undefined);
  const compiledAt = compiledOffsets(branches, config, atGuard);
  const defined = new Map<string, number>();
  const undefinedSomewhere = new Set<string>();
  for (const match of text.matchAll(/^[ \t]*#[ \t]*(define|undef)[ \t]+([A-Za-z_]\w*)/gm)) {
    const name = match[2]!;
    if (match[1] === 'undef') undefinedSomewhere.add(name);
    else if (!defined.has(name) && compiledAt(match.index) === true) defined.set(name, match.index);
  }
  return (name, offset) => {
    if (undefinedSomewhere.has(name)) return undefined;
    if ((defined.get(name) ?? Infinity) < offset) return true;
    return atGuard(name, offset);
  };
}

/** Where the text's first token is, past blanks and comments. */
function afterLeadingComments(text: string): number {
  let at = 0;
  for (;;) {
    while (at < text.length && /\s/.test(text[at]!)) at++;
    const past = text[at] === '/' ? skipLiteralOrComment(text, at) : at;
    if (past === at) return at;
    at = past;
  }
}
