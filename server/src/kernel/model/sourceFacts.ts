import type { Node, Tree } from 'web-tree-sitter';
import type { CParser } from '../parsing/cParser';
import type { ParsedSource } from '../parsing/parsedSource';
import { isIdentifier, readArgumentList, skipLiteralOrComment, type TextSpan } from '../text/cLexing';
import { isModuleMacroName } from './moduleMacros';

/** A macro used like a statement at file scope: `module_init(hello_init);`. Offsets are UTF-16. */
export interface MacroInvocation {
  readonly name: string;
  readonly nameStart: number;
  readonly nameEnd: number;
  readonly args: readonly TextSpan[];
  /** From the name to the closing parenthesis, or the `;` when there is one. */
  readonly start: number;
  readonly end: number;
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
}

export interface IncludeDirective {
  readonly path: string;
  readonly system: boolean;
  readonly start: number;
  readonly end: number;
}

export interface ObjectLikeDefine {
  readonly name: string;
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

/** What one C source says about itself, before any module-level reasoning. */
export interface SourceFacts {
  readonly macros: readonly MacroInvocation[];
  readonly functions: readonly FunctionDefinition[];
  readonly includes: readonly IncludeDirective[];
  readonly defines: readonly ObjectLikeDefine[];
  /** The `SPDX-License-Identifier:` expression from the first lines, if any. */
  readonly spdxLicense?: string;
}

export function extractFacts(parser: CParser, source: ParsedSource): SourceFacts {
  const { text, tree } = source;
  const functions = findFunctions(parser, tree, text);
  const macros = findMacroInvocations(parser, tree, text, functions);
  const { includes, defines } = findPreprocessorFacts(parser, tree, text);
  const spdxLicense = /^\s*(?:\/\/|\/\*)\s*SPDX-License-Identifier:\s*(.+?)\s*(?:\*\/)?\s*$/m.exec(
    text.slice(0, 1024),
  )?.[1];
  return { macros, functions, includes, defines, ...(spdxLicense ? { spdxLicense } : {}) };
}

function findFunctions(parser: CParser, tree: Tree, text: string): FunctionDefinition[] {
  const functions: FunctionDefinition[] = [];
  for (const match of parser.query('functions').matches(tree.rootNode)) {
    const name = capture(match.captures, 'name');
    const body = capture(match.captures, 'body');
    const whole = capture(match.captures, 'function');
    if (!name || !body || !whole) continue;
    functions.push({
      name: name.text,
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

function findMacroInvocations(
  parser: CParser,
  tree: Tree,
  text: string,
  functions: readonly FunctionDefinition[],
): MacroInvocation[] {
  const found = new Map<number, MacroInvocation>();
  for (const match of parser.query('module-macros').matches(tree.rootNode)) {
    const name = capture(match.captures, 'name');
    const args = capture(match.captures, 'arguments');
    const statement = capture(match.captures, 'statement');
    if (!name || !args || !statement || insideFunctionBody(functions, name.startIndex)) continue;
    const list = readArgumentList(text, args.startIndex, args.endIndex);
    if (!list) continue;
    found.set(name.startIndex, {
      name: name.text,
      nameStart: name.startIndex,
      nameEnd: name.endIndex,
      args: list.args,
      start: name.startIndex,
      end: text[statement.endIndex - 1] === ';' ? statement.endIndex : list.end,
    });
  }
  // Module macros without their `;` parse as ERROR or declaration shapes: read those regions as text.
  for (const region of fileScopeRegionsToScan(tree, functions)) {
    for (const invocation of scanForModuleMacros(text, region.start, region.end)) {
      if (!found.has(invocation.nameStart)) found.set(invocation.nameStart, invocation);
    }
  }
  return [...found.values()].sort((a, b) => a.start - b.start);
}

const PREPROCESSOR_CONTAINERS = new Set([
  'preproc_if',
  'preproc_ifdef',
  'preproc_else',
  'preproc_elif',
  'preproc_elifdef',
  'linkage_specification',
  'declaration_list',
]);
const NOTHING_TO_SCAN = new Set(['expression_statement', 'comment', 'preproc_include', 'preproc_def']);

/**
 * File-scope stretches that may hide macro invocations the query could not see. Walks with a cursor
 * and never asks for `parent`, which faults on very deep trees (lab notes §1).
 */
function fileScopeRegionsToScan(
  tree: Tree,
  functions: readonly FunctionDefinition[],
): { start: number; end: number }[] {
  const regions: { start: number; end: number }[] = [];
  const bodyStartOf = new Map(functions.map((f) => [f.start, f.bodyStart]));
  const cursor = tree.walk();
  try {
    if (!cursor.gotoFirstChild()) return regions;
    const visit = (): void => {
      do {
        const type = cursor.nodeType;
        if (PREPROCESSOR_CONTAINERS.has(type)) {
          if (cursor.gotoFirstChild()) {
            visit();
            cursor.gotoParent();
          }
        } else if (type === 'function_definition') {
          // Only the part before the body: a macro without `;` can be glued onto the next definition.
          regions.push({ start: cursor.startIndex, end: bodyStartOf.get(cursor.startIndex) ?? cursor.startIndex });
        } else if (!NOTHING_TO_SCAN.has(type) && !type.startsWith('preproc_')) {
          regions.push({ start: cursor.startIndex, end: cursor.endIndex });
        }
      } while (cursor.gotoNextSibling());
    };
    visit();
  } finally {
    cursor.delete();
  }
  return regions;
}

function scanForModuleMacros(text: string, start: number, end: number): MacroInvocation[] {
  const invocations: MacroInvocation[] = [];
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
    while (open < end && /\s/.test(text[open]!)) open++;
    if (text[open] === '(' && isModuleMacroName(name)) {
      const list = readArgumentList(text, open, end);
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

function findPreprocessorFacts(
  parser: CParser,
  tree: Tree,
  text: string,
): { includes: IncludeDirective[]; defines: ObjectLikeDefine[] } {
  const includes: IncludeDirective[] = [];
  const defines: ObjectLikeDefine[] = [];
  for (const match of parser.query('preprocessor').matches(tree.rootNode)) {
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
    const name = capture(match.captures, 'define.name');
    const value = capture(match.captures, 'define.value');
    const define = capture(match.captures, 'define');
    if (name && value && define && isIdentifier(name.text)) {
      const valueText = text.slice(value.startIndex, value.endIndex).trim();
      defines.push({ name: name.text, value: valueText, start: define.startIndex, end: define.endIndex });
    }
  }
  return { includes, defines };
}

function insideFunctionBody(functions: readonly FunctionDefinition[], offset: number): boolean {
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
