import type { Node, Tree } from 'web-tree-sitter';
import type { CParser, TextSpan as Span } from '../parsing/cParser';
import type { ParsedSource } from '../parsing/parsedSource';
import { isIdentifier, readArgumentList, skipLiteralOrComment, type TextSpan } from '../text/cLexing';
import { branchesAt, readFileScope, type FileScopeDeclaration, type PreprocessorBranch } from './fileScope';
import { readFunctionBodies, type FlowEvent, type NameUse } from './functionFacts';

/** A macro used like a statement at file scope: `module_init(hello_init);`. Offsets are UTF-16. */
export interface MacroInvocation {
  readonly name: string;
  readonly nameStart: number;
  readonly nameEnd: number;
  readonly args: readonly TextSpan[];
  /** From the name to the closing parenthesis, or the `;` when there is one. */
  readonly start: number;
  readonly end: number;
  /** The `#if` branches it sits in, outermost first. */
  readonly branches: readonly PreprocessorBranch[];
}

export interface FunctionDefinition {
  readonly name: string;
  readonly nameStart: number;
  readonly nameEnd: number;
  readonly start: number;
  readonly end: number;
  readonly bodyStart: number;
  readonly bodyEnd: number;
  readonly isStatic: boolean;
  /** Section and attribute annotations written on it: `__init`, `__exit`, `__ref`, … */
  readonly annotations: readonly string[];
  readonly branches: readonly PreprocessorBranch[];
  /** Calls, returns, gotos and labels in source order. */
  readonly events: readonly FlowEvent[];
  /** Names used in the body that the body does not declare. */
  readonly uses: readonly NameUse[];
}

export interface IncludeDirective {
  readonly path: string;
  readonly system: boolean;
  readonly start: number;
  readonly end: number;
}

export interface MacroDefinition {
  readonly name: string;
  /** Parameter names for a function-like macro; undefined for an object-like one. */
  readonly parameters?: readonly string[];
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

/** What one C source says about itself, before any module-level reasoning. */
export interface SourceFacts {
  readonly macros: readonly MacroInvocation[];
  readonly functions: readonly FunctionDefinition[];
  readonly declarations: readonly FileScopeDeclaration[];
  readonly includes: readonly IncludeDirective[];
  readonly defines: readonly MacroDefinition[];
  /** Enumeration constants the file defines, where it defines them. */
  readonly enumerators: readonly NameUse[];
  /** Names used at file scope, e.g. in initializers: `.llseek = default_llseek`. */
  readonly fileScopeUses: readonly NameUse[];
  readonly branches: readonly PreprocessorBranch[];
  /** The `SPDX-License-Identifier:` expression from the first lines, if any. */
  readonly spdxLicense?: string;
}

export function extractFacts(parser: CParser, source: ParsedSource): SourceFacts {
  return extractFactsWithin(parser, source);
}

/**
 * Facts of the top-level nodes that overlap `within` (the whole file when absent). Facts of a
 * top-level node depend only on its own text, which is what lets IncrementalFacts reuse them.
 */
export function extractFactsWithin(
  parser: CParser,
  source: ParsedSource,
  within?: Span,
  topLevel?: readonly Node[],
): SourceFacts {
  const { text, tree, annotations } = source;
  const shapes = findFunctionShapes(parser, tree, text, within);
  const bodyStarts = new Map(shapes.map((f) => [f.start, f.bodyStart]));
  const scope = readFileScope(tree, text, annotations, bodyStarts, topLevel);
  const bodies = readFunctionBodies(
    parser,
    tree,
    text,
    shapes.map((f) => ({ start: f.bodyStart, end: f.bodyEnd })),
    within,
  );
  const functions: FunctionDefinition[] = shapes.map((shape, i) => ({
    ...shape,
    annotations: annotations.filter((a) => a.start >= shape.start && a.end <= shape.bodyStart).map((a) => a.name),
    branches: branchesAt(scope.branches, shape.start),
    events: bodies.bodies[i]!.events,
    uses: bodies.bodies[i]!.uses,
  }));
  const macros = findMacroInvocations(parser, tree, text, shapes, scope.regionsToScan, within).map((m) => ({
    ...m,
    branches: branchesAt(scope.branches, m.start),
  }));
  const { includes, defines } = findPreprocessorFacts(parser, tree, text, within);
  const spdxLicense = spdxLicenseOf(text);
  return {
    macros,
    functions,
    declarations: scope.declarations,
    includes,
    defines,
    enumerators: bodies.enumerators,
    fileScopeUses: bodies.fileScopeUses,
    branches: scope.branches,
    ...(spdxLicense ? { spdxLicense } : {}),
  };
}

/** The `SPDX-License-Identifier:` expression, which the kernel's style puts on the first lines. */
export function spdxLicenseOf(text: string): string | undefined {
  return /^\s*(?:\/\/|\/\*)\s*SPDX-License-Identifier:\s*(.+?)\s*(?:\*\/)?\s*$/m.exec(text.slice(0, 1024))?.[1];
}

export type FunctionShape = Omit<FunctionDefinition, 'annotations' | 'branches' | 'events' | 'uses'>;

export function findFunctionShapes(parser: CParser, tree: Tree, text: string, within?: Span): FunctionShape[] {
  const functions: FunctionShape[] = [];
  for (const match of parser.matches('functions', tree.rootNode, within)) {
    const name = capture(match.captures, 'name');
    const body = capture(match.captures, 'body');
    const whole = capture(match.captures, 'function');
    if (!name || !body || !whole) continue;
    functions.push({
      name: text.slice(name.startIndex, name.endIndex),
      nameStart: name.startIndex,
      nameEnd: name.endIndex,
      start: whole.startIndex,
      end: whole.endIndex,
      bodyStart: body.startIndex,
      bodyEnd: body.endIndex,
      isStatic: /\bstatic\b/.test(text.slice(whole.startIndex, name.startIndex)),
    });
  }
  return functions.sort((a, b) => a.start - b.start);
}

type UnplacedInvocation = Omit<MacroInvocation, 'branches'>;

function findMacroInvocations(
  parser: CParser,
  tree: Tree,
  text: string,
  functions: readonly FunctionShape[],
  regionsToScan: readonly { start: number; end: number }[],
  within: Span | undefined,
): UnplacedInvocation[] {
  const found = new Map<number, UnplacedInvocation>();
  for (const match of parser.matches('module-macros', tree.rootNode, within)) {
    const name = capture(match.captures, 'name');
    const args = capture(match.captures, 'arguments');
    const statement = capture(match.captures, 'statement');
    if (!name || !args || !statement || insideFunctionBody(functions, name.startIndex)) continue;
    const list = readArgumentList(text, args.startIndex, args.endIndex);
    if (!list) continue;
    found.set(name.startIndex, {
      name: text.slice(name.startIndex, name.endIndex),
      nameStart: name.startIndex,
      nameEnd: name.endIndex,
      args: list.args,
      start: name.startIndex,
      end: text[statement.endIndex - 1] === ';' ? statement.endIndex : list.end,
    });
  }
  // Module macros without their `;` parse as ERROR or declaration shapes: read those regions as text.
  for (const region of regionsToScan) {
    for (const invocation of scanForModuleMacros(text, region.start, region.end)) {
      // A region can reach into a function the tree did read: a call there is no module macro.
      if (insideFunctionBody(functions, invocation.nameStart)) continue;
      if (!found.has(invocation.nameStart)) found.set(invocation.nameStart, invocation);
    }
  }
  return [...found.values()].sort((a, b) => a.start - b.start);
}

function scanForModuleMacros(text: string, start: number, end: number): UnplacedInvocation[] {
  const invocations: UnplacedInvocation[] = [];
  const identifier = /[A-Za-z_]\w*/y;
  for (let i = start; i < end; i++) {
    const skipped = skipLiteralOrComment(text, i);
    if (skipped !== i) {
      i = skipped - 1;
      continue;
    }
    if (!/[A-Za-z_]/.test(text[i]!) || (i > 0 && /\w/.test(text[i - 1]!))) continue;
    identifier.lastIndex = i;
    const name = identifier.exec(text)![0];
    const nameEnd = i + name.length;
    let open = nameEnd;
    // The argument list may run past the region: the grammar can split `NAME` from `(...)`.
    while (open < text.length && /\s/.test(text[open]!)) open++;
    // Module macros stand at the start of a line; which of them matter is the catalog's call.
    if (text[open] === '(' && startsLine(text, i) && !C_KEYWORDS.has(name)) {
      const list = readArgumentList(text, open, Math.min(text.length, open + 65536));
      if (list) {
        let close = list.end;
        while (close < text.length && /[ \t]/.test(text[close]!)) close++;
        invocations.push({
          name,
          nameStart: i,
          nameEnd,
          args: list.args,
          start: i,
          end: text[close] === ';' ? close + 1 : list.end,
        });
        i = list.end - 1;
        continue;
      }
    }
    i = nameEnd - 1;
  }
  return invocations;
}

/** Words that start a line followed by `(` without being a macro: `void (*fp)(int)`, `if (x)`. */
const C_KEYWORDS = new Set([
  'void',
  'char',
  'short',
  'int',
  'long',
  'float',
  'double',
  'signed',
  'unsigned',
  'struct',
  'union',
  'enum',
  'const',
  'volatile',
  'static',
  'extern',
  'inline',
  'typedef',
  'return',
  'if',
  'while',
  'for',
  'switch',
  'sizeof',
  'typeof',
  '__typeof__',
  'do',
  'else',
  'case',
  'goto',
  'bool',
  'u8',
  'u16',
  'u32',
  'u64',
]);

function startsLine(text: string, offset: number): boolean {
  for (let i = offset - 1; i >= 0; i--) {
    const c = text[i]!;
    if (c === '\n') return true;
    if (c !== ' ' && c !== '\t') return false;
  }
  return true;
}

export function findPreprocessorFacts(
  parser: CParser,
  tree: Tree,
  text: string,
  within?: Span,
): { includes: IncludeDirective[]; defines: MacroDefinition[] } {
  const includes: IncludeDirective[] = [];
  const defines: MacroDefinition[] = [];
  const slice = (node: Node | undefined): string => (node ? text.slice(node.startIndex, node.endIndex) : '');
  for (const match of parser.matches('preprocessor', tree.rootNode, within)) {
    const local = capture(match.captures, 'include.local');
    const system = capture(match.captures, 'include.system');
    const include = capture(match.captures, 'include');
    if (include && (local || system)) {
      const pathNode = (local ?? system)!;
      includes.push({
        path: text.slice(pathNode.startIndex + 1, pathNode.endIndex - 1),
        system: system !== undefined,
        start: include.startIndex,
        end: include.endIndex,
      });
      continue;
    }
    const define = capture(match.captures, 'define') ?? capture(match.captures, 'macro');
    const name = capture(match.captures, 'define.name') ?? capture(match.captures, 'macro.name');
    if (!define || !name || !isIdentifier(slice(name))) continue;
    const parameters = capture(match.captures, 'macro.parameters');
    const value = slice(capture(match.captures, 'define.value') ?? capture(match.captures, 'macro.value')).trim();
    defines.push({
      name: slice(name),
      ...(parameters
        ? {
            parameters: slice(parameters)
              .slice(1, -1)
              .split(',')
              .map((p) => p.trim())
              .filter((p) => p.length > 0),
          }
        : {}),
      value,
      start: define.startIndex,
      end: define.endIndex,
    });
  }
  return { includes, defines };
}

function insideFunctionBody(functions: readonly FunctionShape[], offset: number): boolean {
  let low = 0;
  let high = functions.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const fn = functions[mid]!;
    if (offset < fn.bodyStart) high = mid - 1;
    else if (offset >= fn.bodyEnd) low = mid + 1;
    else return true;
  }
  return false;
}

function capture(captures: readonly { name: string; node: Node }[], name: string): Node | undefined {
  return captures.find((c) => c.name === name)?.node;
}
