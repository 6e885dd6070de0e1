import { readArgumentList } from '../text/cLexing';
import type { MacroShape } from './textualNames';

/** The callee of `g(…)(x)`: whatever g expands to. */
export const COMPUTED_CALLEE = ')';

/** An argument list around an offset: its callee, which argument holds the offset, and the arguments' texts. */
export interface EnclosingArgument {
  readonly callee: string;
  readonly index: number;
  readonly args: readonly string[];
}

/**
 * The argument lists that enclose `offset` within its statement, innermost first: `f(a, g(b, X))`
 * gives g's second and f's second argument for X; grouping parentheses are none. Undefined when the text does not read
 * consistently (a parenthesis inside a literal, a list cut short).
 */
export function enclosingArguments(text: string, offset: number, limit = 20_000): EnclosingArgument[] | undefined {
  const found: EnclosingArgument[] = [];
  let depth = 0;
  for (let i = offset - 1; i >= 0 && i >= offset - limit; i--) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      // Back over the literal (format strings hold parentheses).
      let open = i - 1;
      while (open >= 0 && !(text[open] === c && text[open - 1] !== '\\')) open--;
      if (open < 0) return undefined;
      i = open;
      continue;
    }
    if (c === ')' || c === ']') depth++;
    else if (c === '[') depth--;
    else if (c === '(') {
      if (depth > 0) {
        depth--;
        continue;
      }
      const list = readArgumentList(text, i, Math.min(text.length, i + limit));
      if (list === undefined || list.end <= offset) return undefined;
      const index = list.args.findIndex((a) => a.start <= offset && offset < a.end);
      if (index === -1) return undefined;
      let end = i;
      while (end > 0 && /\s/.test(text[end - 1]!)) end--;
      let start = end;
      while (start > 0 && /\w/.test(text[start - 1]!)) start--;
      // `(x)` groups; `f(x)` calls; `g(…)(x)` calls what g gives (COMPUTED_CALLEE).
      if (start === end && text[end - 1] !== ')') continue;
      found.push({
        callee: start === end ? COMPUTED_CALLEE : text.slice(start, end),
        index,
        args: list.args.map((a) => text.slice(a.start, a.end).trim()),
      });
    } else if (depth === 0 && (c === ';' || c === '{' || c === '}')) break;
  }
  return found;
}

/** Builtins and keywords that keep an operand from being compiled into a reference. */
const UNEVALUATED =
  /\b(?:sizeof|typeof|__typeof__|__typeof|_Static_assert|__builtin_constant_p|__builtin_choose_expr|_Generic|__is_constexpr)\b|\bif\s*\(\s*0\s*\)/;

/**
 * Whether a function-like macro compiles its `index`th argument as written, wherever it goes: every
 * body uses the parameter outside `#` and `##` (the GNU `, ## __VA_ARGS__` aside), holds nothing
 * that leaves operands unevaluated (sizeof, typeof, `if (0)`, …), and hands it only to macros that
 * pass it on the same way. `pr_info(fmt, …)` compiles its arguments; `no_printk` and
 * `BUILD_BUG_ON` do not, and a macro the analysis cannot see might not.
 */
export function argumentPassesThrough(
  macro: string,
  index: number,
  bodiesOf: (name: string) => readonly MacroShape[],
  isMacro: (name: string) => boolean,
  memo = new Map<string, boolean>(),
  depth = 0,
  /** The call's arguments as written, when known: a parameter called as a function is then the name given. */
  callArgs: readonly string[] = [],
): boolean {
  const named = callArgs.map((a) => (IDENTIFIER.test(a) ? a : ''));
  const key = `${macro}#${index}#${named.join(',')}`;
  const known = memo.get(key);
  if (known !== undefined) return known;
  if (depth > 10) return false;
  memo.set(key, false); // a cycle passes nothing through
  const bodies = bodiesOf(macro);
  const result =
    bodies.length > 0 && bodies.every((body) => bodyPassesThrough(body, index, bodiesOf, isMacro, memo, depth, named));
  memo.set(key, result);
  return result;
}

const IDENTIFIER = /^[A-Za-z_]\w*$/;

function bodyPassesThrough(
  body: MacroShape,
  index: number,
  bodiesOf: (name: string) => readonly MacroShape[],
  isMacro: (name: string) => boolean,
  memo: Map<string, boolean>,
  depth: number,
  named: readonly string[],
): boolean {
  const parameter = parameterAt(body.parameters, index);
  if (parameter === undefined || UNEVALUATED.test(body.value)) return false;
  const value = body.value;
  const parameters = new Set(body.parameters.map((p) => (p === '...' ? '__VA_ARGS__' : p.replace(/\.\.\.$/, ''))));
  for (const match of value.matchAll(new RegExp(`\\b${parameter}\\b`, 'g'))) {
    const before = value.slice(0, match.index);
    const after = value.slice(match.index + parameter.length);
    if (/(?:^|[^#])#\s*$/.test(before) || /^\s*##/.test(after)) continue;
    if (/##\s*$/.test(before) && !/,\s*##\s*$/.test(before)) continue;
    const enclosing = enclosingArguments(value, match.index);
    if (enclosing === undefined) continue;
    // `__VA_ARGS__` spreads: the argument sits that many places further in the inner list.
    const spread = index - (body.parameters.length - 1);
    if (parameter === variadicName(body.parameters) && spread > 0 && enclosing.length > 0) {
      const [innermost, ...outer] = enclosing;
      enclosing.splice(0, enclosing.length, { ...innermost!, index: innermost!.index + spread }, ...outer);
    }
    // A named parameter stands for the identifier the caller gave it (printk_index_wrap(_printk, …)).
    const bound = (word: string): string | undefined => {
      if (!parameters.has(word)) return word;
      const at = body.parameters.findIndex((p) => p === word || p === `${word}...`);
      return at >= 0 && named[at] ? named[at] : undefined;
    };
    // A parameter called as a function (`func(__VA_ARGS__)`) is the name the caller gave, or any
    // macro when that is unknown; a list after a computed callee (`NVVAL_(X, ##A, I, N)(X, ##A)`)
    // goes to a macro chosen by count.
    const passes = enclosing.every(({ callee: written, index: at, args }) => {
      const callee = bound(written);
      if (written === COMPUTED_CALLEE || callee === undefined) return false;
      if (!(isMacro(callee) || bodiesOf(callee).length > 0)) return true;
      const inner = args.map((a) => (IDENTIFIER.test(a) ? (bound(a) ?? '') : ''));
      return argumentPassesThrough(callee, at, bodiesOf, isMacro, memo, depth + 1, inner);
    });
    if (passes) return true;
  }
  return false;
}

/** The parameter an argument binds to: `...` and `args...` take every argument from theirs on. */
function parameterAt(parameters: readonly string[], index: number): string | undefined {
  const last = parameters[parameters.length - 1];
  const variadic = last !== undefined && last.endsWith('...');
  if (index < parameters.length - (variadic ? 1 : 0)) return parameters[index];
  if (!variadic) return undefined;
  return last === '...' ? '__VA_ARGS__' : last.slice(0, -3).trim();
}

/** The name the variadic parameter goes by in the body, if the macro has one. */
function variadicName(parameters: readonly string[]): string | undefined {
  const last = parameters[parameters.length - 1];
  if (last === undefined || !last.endsWith('...')) return undefined;
  return last === '...' ? '__VA_ARGS__' : last.slice(0, -3).trim();
}
