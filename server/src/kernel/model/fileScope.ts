import type { Node, Tree } from 'web-tree-sitter';
import type { BlankedAnnotation } from '../text/annotationBlanking';

/** One branch of a `#if`/`#ifdef` chain: which chain, which branch, and its directive's condition. */
export interface PreprocessorBranch {
  /** Offset of the `#if`, `#ifdef` or `#ifndef` that opens the chain: identifies the chain. */
  readonly chain: number;
  /** 0 for the `#if` part, then 1, 2, … for each `#elif`/`#else`. */
  readonly branch: number;
  /** `ifdef MODULE`, `if IS_ENABLED(CONFIG_FOO)`, `else`, … */
  readonly directive: string;
  readonly start: number;
  readonly end: number;
}

/** A variable or function declared at file scope (not a function definition). */
export interface FileScopeDeclaration {
  readonly name: string;
  readonly nameStart: number;
  readonly nameEnd: number;
  readonly start: number;
  readonly end: number;
  readonly kind: 'variable' | 'function-prototype';
  readonly isStatic: boolean;
  readonly isExtern: boolean;
  /** A variable that this file defines (not only declares with `extern`). */
  readonly defines: boolean;
  readonly annotations: readonly string[];
}

export interface FileScope {
  readonly branches: readonly PreprocessorBranch[];
  readonly declarations: readonly FileScopeDeclaration[];
  /** File-scope stretches that may hide module macros the query could not see (ERROR shapes). */
  readonly regionsToScan: readonly { readonly start: number; readonly end: number }[];
}

const CONTAINERS = new Set([
  'translation_unit',
  'preproc_if',
  'preproc_ifdef',
  'preproc_else',
  'preproc_elif',
  'preproc_elifdef',
  'linkage_specification',
  'declaration_list',
]);
const CHAIN_STARTS = new Set(['preproc_if', 'preproc_ifdef']);
const NOTHING_TO_SCAN = new Set([
  'expression_statement',
  'comment',
  'preproc_include',
  'preproc_def',
  'preproc_function_def',
  'preproc_call',
]);

/**
 * Walks the file scope (descending only into preprocessor branches) with a cursor. Never asks a
 * node for its `parent`, which faults on very deep trees (lab notes §1).
 */
export function readFileScope(
  tree: Tree,
  text: string,
  annotations: readonly BlankedAnnotation[],
  functionBodies: ReadonlyMap<number, number>,
  topLevelNodes?: readonly Node[],
): FileScope {
  const branches: PreprocessorBranch[] = [];
  const declarations: FileScopeDeclaration[] = [];
  const regionsToScan: { start: number; end: number }[] = [];

  const visitChildren = (container: Node): void => {
    for (const child of container.namedChildren) {
      if (child === null) continue;
      visit(child);
    }
  };

  const visitChain = (node: Node, chain: number, branch: number): void => {
    const alternative = node.childForFieldName('alternative');
    const end = alternative ? alternative.startIndex : node.endIndex;
    const firstLine = text.slice(node.startIndex, Math.min(end, text.indexOf('\n', node.startIndex) >>> 0));
    branches.push({ chain, branch, directive: firstLine.replace(/^#\s*/, '').trim(), start: node.startIndex, end });
    for (const child of node.namedChildren) {
      if (child === null || (alternative && child.startIndex === alternative.startIndex)) continue;
      if (child.type === 'identifier' || child.startIndex === node.childForFieldName('condition')?.startIndex) continue;
      visit(child);
    }
    if (alternative) visitChain(alternative, chain, branch + 1);
  };

  const visit = (node: Node): void => {
    const type = node.type;
    if (CHAIN_STARTS.has(type)) {
      visitChain(node, node.startIndex, 0);
    } else if (CONTAINERS.has(type)) {
      visitChildren(node);
    } else if (type === 'function_definition') {
      // Only the part before the body: a macro without `;` can be glued onto the next definition.
      regionsToScan.push({ start: node.startIndex, end: functionBodies.get(node.startIndex) ?? node.startIndex });
    } else if (type === 'declaration') {
      declarations.push(...readDeclaration(node, text, annotations));
      regionsToScan.push({ start: node.startIndex, end: node.endIndex });
    } else if (!NOTHING_TO_SCAN.has(type) && !type.startsWith('preproc_')) {
      regionsToScan.push({ start: node.startIndex, end: node.endIndex });
    }
  };

  if (topLevelNodes === undefined) visitChildren(tree.rootNode);
  else for (const node of topLevelNodes) visit(node);
  return { branches, declarations, regionsToScan };
}

function readDeclaration(node: Node, text: string, annotations: readonly BlankedAnnotation[]): FileScopeDeclaration[] {
  const storage = node.namedChildren
    .filter((c): c is Node => c !== null && c.type === 'storage_class_specifier')
    .map((c) => text.slice(c.startIndex, c.endIndex));
  const isStatic = storage.includes('static');
  const isExtern = storage.includes('extern');
  const own = annotations.filter((a) => a.start >= node.startIndex && a.end <= node.endIndex).map((a) => a.name);
  const found: FileScopeDeclaration[] = [];
  for (const declarator of node.childrenForFieldName('declarator')) {
    if (declarator === null) continue;
    const named = innermostName(declarator);
    if (named === undefined) continue;
    const isFunction = named.throughFunction;
    found.push({
      name: text.slice(named.node.startIndex, named.node.endIndex),
      nameStart: named.node.startIndex,
      nameEnd: named.node.endIndex,
      start: node.startIndex,
      end: node.endIndex,
      kind: isFunction ? 'function-prototype' : 'variable',
      isStatic,
      isExtern,
      // `int f(void) __attribute__((alias("g")))` defines f as another name for g.
      defines:
        (!isFunction && (!isExtern || declarator.type === 'init_declarator')) ||
        /\balias\s*\(/.test(text.slice(node.startIndex, node.endIndex)),
      annotations: own,
    });
  }
  return found;
}

const WRAPPERS = new Set([
  'init_declarator',
  'pointer_declarator',
  'array_declarator',
  'attributed_declarator',
  'parenthesized_declarator',
  'function_declarator',
]);

/**
 * The identifier a declarator declares, and whether it declares a function (a prototype). A
 * pointer inside the function declarator makes it a function pointer variable:
 * `int (*fp)(void)` is a variable, `int *f(void)` a prototype.
 */
function innermostName(declarator: Node): { node: Node; throughFunction: boolean } | undefined {
  let current: Node | null = declarator;
  let throughFunction = false;
  // Declarators nest only a few levels; the bound keeps a hostile input from walking forever.
  for (let depth = 0; current !== null && depth < 32; depth++) {
    if (current.type === 'identifier') return { node: current, throughFunction };
    if (!WRAPPERS.has(current.type)) return undefined;
    if (current.type === 'function_declarator') throughFunction = true;
    else if (current.type === 'pointer_declarator' && throughFunction) throughFunction = false;
    // A parenthesized declarator, `(*fp)`, has its declarator as its only named child.
    current =
      current.childForFieldName('declarator') ??
      (current.type === 'parenthesized_declarator' ? current.namedChild(0) : null) ??
      current.namedChildren.find((c) => c?.type === 'identifier') ??
      null;
  }
  return undefined;
}

/** The branches that enclose `offset`, outermost first. */
export function branchesAt(branches: readonly PreprocessorBranch[], offset: number): PreprocessorBranch[] {
  return branches.filter((b) => b.start <= offset && offset < b.end);
}

/** Two places can never both be compiled when they sit in different branches of one chain. */
export function mutuallyExclusive(a: readonly PreprocessorBranch[], b: readonly PreprocessorBranch[]): boolean {
  return a.some((x) => b.some((y) => x.chain === y.chain && x.branch !== y.branch));
}
