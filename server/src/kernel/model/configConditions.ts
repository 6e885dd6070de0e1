import type { KernelConfig } from '../kbuild/kernelConfig';
import { evaluateCondition } from './preprocessorConditions';

const CONFIG_TEST = /^(!?)\s*(IS_ENABLED|IS_BUILTIN|IS_MODULE|IS_REACHABLE)\s*\(\s*(CONFIG_\w+)\s*\)$/;
const FALSE_LITERAL = /^(?:0|false|NULL)$/;
const CALL = /^([A-Za-z_]\w*)\s*\(/;
const MAX_DEPTH = 16;

/**
 * Whether a C condition is false for sure under the .config, as gcc folds it: one of its `&&`
 * conjuncts is a config test that fails (`IS_ENABLED(CONFIG_X)` with X off), a literal false
 * (`0`, `false`, `NULL`), or a call to a static inline that always returns false
 * (`ubifs_authenticated(c)`, which returns `IS_ENABLED(CONFIG_UBIFS_FS_AUTHENTICATION) && …`).
 */
export function falseUnder(
  condition: string,
  config: KernelConfig | undefined,
  alwaysFalse?: (name: string) => boolean,
  depth = 0,
): boolean {
  if (depth > MAX_DEPTH) return false;
  const expression = unwrapped(condition);
  const conjuncts = topLevelConjuncts(expression);
  if (conjuncts.length > 1) return conjuncts.some((c) => falseUnder(c, config, alwaysFalse, depth + 1));
  if (conjuncts.length === 0) return false;
  if (FALSE_LITERAL.test(expression)) return true;
  const test = CONFIG_TEST.exec(expression);
  if (test !== null) {
    if (config === undefined) return false;
    const holds = evaluateCondition(`${test[2]}(${test[3]})`, config);
    return holds !== undefined && holds === (test[1] === '!');
  }
  const call = CALL.exec(expression);
  return call !== null && closingAt(expression, call[0].length - 1) === expression.length - 1
    ? alwaysFalse?.(call[1]!) === true
    : false;
}

/** The expression without the parentheses that wrap all of it. */
function unwrapped(text: string): string {
  let expression = text.trim();
  while (expression.startsWith('(') && closingAt(expression, 0) === expression.length - 1) {
    expression = expression.slice(1, -1).trim();
  }
  return expression;
}

/** The index of the `)` closing the `(` at `open`, or -1. */
function closingAt(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

/** The `&&` operands at the top level; none when a top-level `||` makes them say nothing alone. */
function topLevelConjuncts(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && c === '&' && text[i + 1] === '&') {
      parts.push(text.slice(start, i));
      start = i + 2;
      i++;
    } else if (depth === 0 && c === '|' && text[i + 1] === '|') return [];
    else if (depth === 0 && c === '?') return [];
  }
  parts.push(text.slice(start));
  return parts;
}
