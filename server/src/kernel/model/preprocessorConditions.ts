import type { KernelConfig } from '../kbuild/kernelConfig';
import type { PreprocessorBranch } from './fileScope';

/** Three-valued: a condition the analysis cannot decide is `undefined`, and counts as maybe compiled. */
export type Truth = boolean | undefined;

/** Macros every module build defines (kbuild passes -DMODULE -D__KERNEL__). */
const ALWAYS_DEFINED = new Set(['MODULE', '__KERNEL__', '__GNUC__', '__linux__']);

/**
 * kconfig's autoconf.h: `=y` defines CONFIG_X, `=m` defines CONFIG_X_MODULE, others define CONFIG_X.
 * Without a configuration every CONFIG_ symbol is unknown.
 */
function tristate(config: KernelConfig | undefined, name: string): 'y' | 'm' | 'n' | undefined {
  if (config === undefined) return undefined;
  const value = config.value(name);
  if (value === undefined || value === 'n' || value === '') return 'n';
  return value === 'm' ? 'm' : 'y';
}

/** Whether the file itself decides that a name is defined at the directive (see localDefinitions). */
type DefinedHere = (name: string) => Truth;

function isDefined(config: KernelConfig | undefined, name: string, definedHere?: DefinedHere): Truth {
  if (ALWAYS_DEFINED.has(name)) return true;
  if (!name.startsWith('CONFIG_')) return definedHere?.(name);
  const module = name.endsWith('_MODULE');
  const state = tristate(config, module ? name.slice(0, -'_MODULE'.length) : name);
  return state === undefined ? undefined : state === (module ? 'm' : 'y');
}

type Token = { kind: 'name' | 'number' | 'op'; text: string };

function tokenize(expression: string): Token[] | undefined {
  const tokens: Token[] = [];
  const pattern = /\s*(?:([A-Za-z_]\w*)|(\d+)[uUlL]*|(&&|\|\||==|!=|>=|<=|[()!<>,]))/y;
  let index = 0;
  const text = expression
    .replace(/\/\*.*?\*\//g, ' ')
    .replace(/\/\/.*$/, '')
    .trim();
  while (index < text.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(text);
    if (match === null) return undefined;
    index = pattern.lastIndex;
    if (match[1] !== undefined) tokens.push({ kind: 'name', text: match[1] });
    else if (match[2] !== undefined) tokens.push({ kind: 'number', text: match[2] });
    else tokens.push({ kind: 'op', text: match[3]! });
  }
  return tokens;
}

/**
 * Evaluates a `#if` expression against the kernel configuration: defined(), IS_ENABLED(),
 * IS_BUILTIN(), IS_MODULE(), IS_REACHABLE(), CONFIG_ symbols, !, &&, ||, and integer comparisons.
 * Anything else (version checks, other macros) is undecided.
 */
export function evaluateCondition(
  expression: string,
  config: KernelConfig | undefined,
  definedHere?: DefinedHere,
): Truth {
  const tokens = tokenize(expression);
  if (tokens === undefined) return undefined;
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const take = (text?: string): Token | undefined => {
    const token = tokens[position];
    if (token === undefined || (text !== undefined && token.text !== text)) return undefined;
    position++;
    return token;
  };
  type Value = number | undefined;
  const truth = (value: Value): Truth => (value === undefined ? undefined : value !== 0);
  const number = (value: Truth): Value => (value === undefined ? undefined : value ? 1 : 0);

  const primary = (): Value => {
    const token = take();
    if (token === undefined) throw new Error('end');
    if (token.text === '(') {
      const value = or();
      if (!take(')')) throw new Error(')');
      return value;
    }
    if (token.kind === 'number') return Number(token.text);
    if (token.text === 'defined') {
      const parenthesised = take('(') !== undefined;
      const name = take();
      if (name?.kind !== 'name' || (parenthesised && !take(')'))) throw new Error('defined');
      return number(isDefined(config, name.text, definedHere));
    }
    if (['IS_ENABLED', 'IS_BUILTIN', 'IS_MODULE', 'IS_REACHABLE'].includes(token.text) && peek()?.text === '(') {
      take('(');
      const name = take();
      if (name?.kind !== 'name' || !take(')')) throw new Error(token.text);
      const state = tristate(config, name.text);
      if (state === undefined) return undefined;
      if (token.text === 'IS_BUILTIN') return number(state === 'y');
      if (token.text === 'IS_MODULE') return number(state === 'm');
      return number(state !== 'n');
    }
    if (token.kind === 'name' && peek()?.text === '(') return skipCall();
    if (token.text.startsWith('CONFIG_')) {
      if (config === undefined) return undefined;
      const value = config.value(token.text);
      if (value === undefined || value === 'm' || value === 'n') return 0;
      if (value === 'y') return 1;
      return /^\d+$/.test(value) ? Number(value) : undefined;
    }
    return ALWAYS_DEFINED.has(token.text) ? 1 : undefined;
  };
  const unary = (): Value => {
    if (take('!')) {
      const value = truth(unary());
      return value === undefined ? undefined : value ? 0 : 1;
    }
    return primary();
  };
  const skipCall = (): Value => {
    let depth = 0;
    do {
      const token = take();
      if (token === undefined) throw new Error('call');
      if (token.text === '(') depth++;
      else if (token.text === ')') depth--;
    } while (depth > 0);
    return undefined;
  };
  const comparison = (): Value => {
    let left = unary();
    for (let op = peek(); op && ['==', '!=', '<', '>', '<=', '>='].includes(op.text); op = peek()) {
      take();
      const right = unary();
      if (left === undefined || right === undefined) left = undefined;
      else {
        const results: Record<string, boolean> = {
          '==': left === right,
          '!=': left !== right,
          '<': left < right,
          '>': left > right,
          '<=': left <= right,
          '>=': left >= right,
        };
        left = results[op.text] ? 1 : 0;
      }
    }
    return left;
  };
  const and = (): Value => {
    let value = truth(comparison());
    while (take('&&')) {
      const right = truth(comparison());
      value =
        value === false || right === false ? false : value === undefined || right === undefined ? undefined : true;
    }
    return number(value);
  };
  const or = (): Value => {
    let value = truth(and());
    while (take('||')) {
      const right = truth(and());
      value = value === true || right === true ? true : value === undefined || right === undefined ? undefined : false;
    }
    return number(value);
  };
  try {
    const value = or();
    return position === tokens.length ? truth(value) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a branch's own directive holds: `ifdef X`, `ifndef X`, `if EXPR`, `elif EXPR`, `else`. */
function directiveHolds(directive: string, config: KernelConfig | undefined, definedHere?: DefinedHere): Truth {
  const [, keyword = '', rest = ''] = /^(\w+)\s*(.*)$/s.exec(directive) ?? [];
  switch (keyword) {
    case 'ifdef':
    case 'elifdef':
      return isDefined(config, rest.trim(), definedHere);
    case 'ifndef':
    case 'elifndef': {
      const defined = isDefined(config, rest.trim(), definedHere);
      return defined === undefined ? undefined : !defined;
    }
    case 'if':
    case 'elif':
      return evaluateCondition(rest, config, definedHere);
    case 'else':
      return true;
    default:
      return undefined;
  }
}

/**
 * Whether code inside these branches is compiled for this configuration: false as soon as one
 * branch is known not to be taken, true when every branch is known taken, else undefined.
 */
export function compiledUnder(
  branches: readonly PreprocessorBranch[],
  allBranches: readonly PreprocessorBranch[],
  config: KernelConfig | undefined,
  definedBefore?: (name: string, offset: number) => Truth,
): Truth {
  const holds = (branch: PreprocessorBranch) =>
    directiveHolds(branch.directive, config, definedBefore && ((name) => definedBefore(name, branch.start)));
  let result: Truth = true;
  for (const branch of branches) {
    let taken: Truth = holds(branch);
    // A later branch of a chain is taken only when no earlier one was.
    for (const earlier of allBranches) {
      if (earlier.chain !== branch.chain || earlier.branch >= branch.branch) continue;
      const earlierHolds = holds(earlier);
      if (earlierHolds === true) taken = false;
      else if (earlierHolds === undefined && taken === true) taken = undefined;
    }
    if (taken === false) return false;
    if (taken === undefined) result = undefined;
  }
  return result;
}
