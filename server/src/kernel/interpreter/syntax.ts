/**
 * The interpreter's own syntax tree, read once from tree-sitter's (the wasm tree is freed right
 * after): expressions, statements and declarations of the C subset, with types resolved against the
 * module's typedefs. Anything outside the subset becomes an `unsupported` node that says what it
 * was, so running it can take a default and say so. Walks use namedChildren and fields (never
 * `node.parent`), and stop at a nesting depth, so hostile trees cannot exhaust the stack.
 */
import type { Node } from 'web-tree-sitter';
import {
  charConstant,
  decodeEscapes,
  integerConstant,
  primitiveType,
  T,
  typedefType,
  VOID,
  type CType,
  type IntType,
} from './values';

/** Deeper nesting than this (expressions in expressions, blocks in blocks) is not read. */
export const MAX_SYNTAX_DEPTH = 200;

export type Expr =
  | { readonly k: 'const'; readonly value: bigint; readonly type: IntType }
  | { readonly k: 'string'; readonly bytes: readonly number[] }
  /** Adjacent string literals with macros among them: `KERN_INFO "x"`. */
  | { readonly k: 'concat'; readonly parts: readonly Expr[] }
  | { readonly k: 'null' }
  | { readonly k: 'name'; readonly name: string; readonly line: number }
  | { readonly k: 'binary'; readonly op: string; readonly left: Expr; readonly right: Expr }
  | { readonly k: 'unary'; readonly op: string; readonly arg: Expr }
  | { readonly k: 'update'; readonly op: '++' | '--'; readonly prefix: boolean; readonly arg: Expr }
  | { readonly k: 'assign'; readonly op: string; readonly target: Expr; readonly value: Expr }
  | { readonly k: 'conditional'; readonly test: Expr; readonly then: Expr | undefined; readonly else: Expr }
  | {
      readonly k: 'call';
      readonly callee: Expr;
      readonly args: readonly Expr[];
      /** The arguments' source text, for macros the module defines. */
      readonly argTexts: readonly string[];
      readonly line: number;
    }
  | { readonly k: 'cast'; readonly type: CType; readonly arg: Expr }
  /** `sizeof(x)` where x may be a type name or a variable (tree-sitter cannot tell). */
  | { readonly k: 'sizeof'; readonly type?: CType; readonly name?: string; readonly arg?: Expr }
  | { readonly k: 'index'; readonly array: Expr; readonly index: Expr }
  | { readonly k: 'address'; readonly arg: Expr }
  | { readonly k: 'deref'; readonly arg: Expr }
  | { readonly k: 'field'; readonly arg: Expr; readonly name: string; readonly arrow: boolean }
  | { readonly k: 'comma'; readonly left: Expr; readonly right: Expr }
  | { readonly k: 'init'; readonly items: readonly InitItem[] }
  | { readonly k: 'unsupported'; readonly what: string; readonly line: number };

export interface InitItem {
  readonly field?: string;
  readonly index?: Expr;
  readonly value: Expr;
}

export interface VarDecl {
  readonly name: string;
  readonly type: CType;
  /** For arrays: the written size (undefined for `[]`, sized by the initializer). */
  readonly arrayLength?: Expr | 'unsized';
  readonly init?: Expr;
  readonly isStatic: boolean;
  readonly isExtern: boolean;
  readonly line: number;
}

export type Stmt =
  | { readonly k: 'expr'; readonly e: Expr }
  | { readonly k: 'decl'; readonly vars: readonly VarDecl[] }
  | Block
  | { readonly k: 'if'; readonly test: Expr; readonly then: Stmt; readonly else?: Stmt }
  | { readonly k: 'while'; readonly test: Expr; readonly body: Stmt }
  | { readonly k: 'do'; readonly body: Stmt; readonly test: Expr }
  | {
      readonly k: 'for';
      readonly init?: Stmt;
      readonly test?: Expr;
      readonly update?: Expr;
      readonly body: Stmt;
    }
  | {
      readonly k: 'switch';
      readonly test: Expr;
      readonly body: readonly Stmt[];
      readonly cases: readonly { readonly value?: Expr; readonly index: number }[];
      readonly labels: ReadonlyMap<string, number>;
    }
  | { readonly k: 'break' }
  | { readonly k: 'continue' }
  | { readonly k: 'return'; readonly e?: Expr }
  | { readonly k: 'goto'; readonly label: string; readonly line: number }
  /** A label not directly inside a block: goto to it is not supported. */
  | { readonly k: 'labeled'; readonly label: string; readonly body: Stmt }
  | { readonly k: 'empty' }
  | { readonly k: 'unsupported'; readonly what: string; readonly line: number };

export interface Block {
  readonly k: 'block';
  readonly body: readonly Stmt[];
  /** Labels of statements directly in this block, to their index. */
  readonly labels: ReadonlyMap<string, number>;
}

export interface Param {
  readonly name: string | undefined;
  readonly type: CType;
}

export interface FunctionSyntax {
  readonly name: string;
  readonly returns: CType;
  readonly params: readonly Param[];
  readonly variadic: boolean;
  readonly body: Block;
  readonly isStatic: boolean;
  readonly file: string;
  readonly line: number;
}

/** What one declaration at file scope declares: variables, and function prototypes (their return types). */
export interface TopDeclaration {
  readonly vars: VarDecl[];
  readonly prototypes: { readonly name: string; readonly returns: CType }[];
}

const line = (node: Node) => node.startPosition.row + 1;

function named(node: Node): Node[] {
  const out: Node[] = [];
  for (const child of node.namedChildren) if (child !== null && child.type !== 'comment') out.push(child);
  return out;
}

/** Reads tree-sitter nodes into the interpreter's syntax; one per source file (typedefs accumulate). */
export class SyntaxReader {
  /** typedef name → type, from the module's own `typedef`s. */
  readonly typedefs = new Map<string, CType>();
  /** Enumeration constants the sources define. */
  readonly enumerators = new Map<string, Expr>();

  /**
   * @param branchItems the items of the branch of an `#if`/`#ifdef` chain that is taken (the
   *   program decides, knowing the module's macros); without it, the first branch.
   */
  constructor(
    private readonly file: string,
    private readonly branchItems: (node: Node) => readonly Node[] = (node) => preprocessorBranch(node, () => true),
  ) {}

  // ---- types

  /** The type a `type` node names (without declarators). */
  baseType(node: Node | null): CType {
    if (node === null) return T.int;
    switch (node.type) {
      case 'primitive_type': {
        const text = node.text;
        if (text === 'void') return VOID;
        return primitiveType([text]) ?? { kind: 'unknown', text };
      }
      case 'sized_type_specifier': {
        const words = node.text.split(/\s+/).filter((w) => w !== '');
        return primitiveType(words) ?? { kind: 'unknown', text: node.text };
      }
      case 'type_identifier': {
        const name = node.text;
        return this.typedefs.get(name) ?? typedefType(name) ?? { kind: 'unknown', text: name };
      }
      case 'struct_specifier':
      case 'union_specifier':
        return { kind: 'struct', name: node.childForFieldName('name')?.text ?? '(anonymous)' };
      case 'enum_specifier':
        this.readEnum(node);
        return T.int;
      default:
        return { kind: 'unknown', text: node.text };
    }
  }

  private readEnum(node: Node): void {
    const body = node.childForFieldName('body');
    if (body === null) return;
    let previous: Expr | undefined;
    for (const enumerator of named(body)) {
      if (enumerator.type !== 'enumerator') continue;
      const name = enumerator.childForFieldName('name')?.text;
      if (name === undefined) continue;
      const valueNode = enumerator.childForFieldName('value');
      const value: Expr =
        valueNode !== null
          ? this.expr(valueNode, 0)
          : previous === undefined
            ? { k: 'const', value: 0n, type: T.int }
            : {
                k: 'binary',
                op: '+',
                left: previous,
                right: { k: 'const', value: 1n, type: T.int },
              };
      this.enumerators.set(name, value);
      previous = { k: 'name', name, line: line(enumerator) };
    }
  }

  /** A declarator applied to a base type: name, full type, array size, function parameters. */
  declarator(
    node: Node | null,
    base: CType,
    depth = 0,
  ): {
    name: string | undefined;
    type: CType;
    arrayLength?: Expr | 'unsized';
    fn?: { params: Param[]; variadic: boolean };
  } {
    if (node === null || depth > MAX_SYNTAX_DEPTH) return { name: undefined, type: base };
    switch (node.type) {
      case 'identifier':
      case 'field_identifier':
        return { name: node.text, type: base };
      case 'pointer_declarator':
      case 'abstract_pointer_declarator':
        return this.declarator(node.childForFieldName('declarator'), { kind: 'pointer', to: base }, depth + 1);
      case 'array_declarator':
      case 'abstract_array_declarator': {
        const size = node.childForFieldName('size');
        const inner = this.declarator(
          node.childForFieldName('declarator'),
          { kind: 'array', of: base, length: undefined },
          depth + 1,
        );
        return { ...inner, arrayLength: size === null ? 'unsized' : this.expr(size, depth + 1) };
      }
      case 'function_declarator':
      case 'abstract_function_declarator': {
        const params = this.params(node.childForFieldName('parameters'));
        const inner = this.declarator(node.childForFieldName('declarator'), { kind: 'function', returns: base }, depth);
        return { ...inner, fn: params };
      }
      case 'parenthesized_declarator':
      case 'abstract_parenthesized_declarator':
        return this.declarator(named(node)[0] ?? null, base, depth + 1);
      case 'init_declarator':
        return this.declarator(node.childForFieldName('declarator'), base, depth + 1);
      default:
        return { name: undefined, type: { kind: 'unknown', text: node.text } };
    }
  }

  private params(node: Node | null): { params: Param[]; variadic: boolean } {
    const params: Param[] = [];
    let variadic = false;
    if (node === null) return { params, variadic };
    for (const p of named(node)) {
      if (p.type === 'variadic_parameter') {
        variadic = true;
        continue;
      }
      if (p.type !== 'parameter_declaration') continue;
      const base = this.baseType(p.childForFieldName('type'));
      const d = this.declarator(p.childForFieldName('declarator'), base);
      // An array parameter is a pointer.
      const type = d.type.kind === 'array' ? { kind: 'pointer' as const, to: d.type.of } : d.type;
      params.push({ name: d.name, type });
    }
    // `(void)` declares no parameters.
    if (params.length === 1 && params[0]!.name === undefined && params[0]!.type.kind === 'void') params.length = 0;
    return { params, variadic };
  }

  typeDescriptor(node: Node): CType {
    const base = this.baseType(node.childForFieldName('type'));
    return this.declarator(node.childForFieldName('declarator'), base).type;
  }

  // ---- file scope

  functionDefinition(node: Node): FunctionSyntax | undefined {
    const base = this.baseType(node.childForFieldName('type'));
    const d = this.declarator(node.childForFieldName('declarator'), base);
    const body = node.childForFieldName('body');
    if (d.name === undefined || d.fn === undefined || body === null) return undefined;
    const returns = d.type.kind === 'function' ? d.type.returns : T.int;
    return {
      name: d.name,
      returns,
      params: d.fn.params,
      variadic: d.fn.variadic,
      body: this.block(body, 0),
      isStatic: hasStorageClass(node, 'static'),
      file: this.file,
      line: line(node),
    };
  }

  declaration(node: Node, depth = 0): TopDeclaration {
    const out: TopDeclaration = { vars: [], prototypes: [] };
    const base = this.baseType(node.childForFieldName('type'));
    const isStatic = hasStorageClass(node, 'static');
    const isExtern = hasStorageClass(node, 'extern');
    for (const declaratorNode of node.childrenForFieldName('declarator')) {
      if (declaratorNode === null) continue;
      const d = this.declarator(declaratorNode, base, depth);
      if (d.name === undefined) continue;
      if (d.fn !== undefined && d.type.kind === 'function') {
        out.prototypes.push({ name: d.name, returns: d.type.returns });
        continue;
      }
      const valueNode = declaratorNode.type === 'init_declarator' ? declaratorNode.childForFieldName('value') : null;
      out.vars.push({
        name: d.name,
        type: d.type,
        ...(d.arrayLength !== undefined ? { arrayLength: d.arrayLength } : {}),
        ...(valueNode !== null ? { init: this.expr(valueNode, depth + 1) } : {}),
        isStatic,
        isExtern,
        line: line(declaratorNode),
      });
    }
    return out;
  }

  typeDefinition(node: Node): void {
    const base = this.baseType(node.childForFieldName('type'));
    for (const declaratorNode of node.childrenForFieldName('declarator')) {
      if (declaratorNode === null) continue;
      const d = this.declarator(declaratorNode, base);
      if (d.name !== undefined) this.typedefs.set(d.name, d.type);
    }
  }

  // ---- statements

  block(node: Node, depth: number): Block {
    const body: Stmt[] = [];
    const labels = new Map<string, number>();
    this.statementsInto(named(node), body, labels, depth + 1);
    return { k: 'block', body, labels };
  }

  /** Statements of a block (or a switch body), with their labels, flattening `#ifdef`s the reader decides. */
  private statementsInto(nodes: readonly Node[], body: Stmt[], labels: Map<string, number>, depth: number): void {
    for (let node of nodes) {
      while (node.type === 'labeled_statement') {
        const label = node.childForFieldName('label')?.text;
        if (label !== undefined && !labels.has(label)) labels.set(label, body.length);
        const inner = named(node).filter((c) => c.type !== 'statement_identifier');
        if (inner.length === 0) {
          body.push({ k: 'empty' });
          break;
        }
        node = inner[0]!;
      }
      if (node.type === 'labeled_statement') continue;
      if (node.type === 'preproc_if' || node.type === 'preproc_ifdef') {
        if (depth <= MAX_SYNTAX_DEPTH) this.statementsInto(this.branchItems(node), body, labels, depth + 1);
        continue;
      }
      body.push(this.statement(node, depth));
    }
  }

  statement(node: Node, depth: number): Stmt {
    if (depth > MAX_SYNTAX_DEPTH) return { k: 'unsupported', what: 'statements nested too deeply', line: line(node) };
    switch (node.type) {
      case 'compound_statement':
        return this.block(node, depth);
      case 'expression_statement': {
        const e = named(node)[0];
        return e === undefined ? { k: 'empty' } : { k: 'expr', e: this.expr(e, depth + 1) };
      }
      case 'declaration': {
        const d = this.declaration(node, depth + 1);
        return { k: 'decl', vars: d.vars };
      }
      case 'type_definition':
        this.typeDefinition(node);
        return { k: 'empty' };
      case 'enum_specifier':
      case 'struct_specifier':
      case 'union_specifier':
        this.baseType(node);
        return { k: 'empty' };
      case 'if_statement': {
        const alternative = node.childForFieldName('alternative');
        const elseBody = alternative === null ? undefined : named(alternative)[0];
        return {
          k: 'if',
          test: this.condition(node.childForFieldName('condition'), depth),
          then: this.optionalStatement(node.childForFieldName('consequence'), depth),
          ...(elseBody !== undefined ? { else: this.statement(elseBody, depth + 1) } : {}),
        };
      }
      case 'while_statement':
        return {
          k: 'while',
          test: this.condition(node.childForFieldName('condition'), depth),
          body: this.optionalStatement(node.childForFieldName('body'), depth),
        };
      case 'do_statement':
        return {
          k: 'do',
          body: this.optionalStatement(node.childForFieldName('body'), depth),
          test: this.condition(node.childForFieldName('condition'), depth),
        };
      case 'for_statement': {
        const init = node.childForFieldName('initializer');
        const test = node.childForFieldName('condition');
        const update = node.childForFieldName('update');
        return {
          k: 'for',
          ...(init !== null
            ? {
                init:
                  init.type === 'declaration'
                    ? this.statement(init, depth + 1)
                    : { k: 'expr' as const, e: this.expr(init, depth + 1) },
              }
            : {}),
          ...(test !== null ? { test: this.expr(test, depth + 1) } : {}),
          ...(update !== null ? { update: this.expr(update, depth + 1) } : {}),
          body: this.optionalStatement(node.childForFieldName('body'), depth),
        };
      }
      case 'switch_statement':
        return this.switchStatement(node, depth);
      case 'break_statement':
        return { k: 'break' };
      case 'continue_statement':
        return { k: 'continue' };
      case 'return_statement': {
        const e = named(node)[0];
        return e === undefined ? { k: 'return' } : { k: 'return', e: this.expr(e, depth + 1) };
      }
      case 'goto_statement':
        return { k: 'goto', label: node.childForFieldName('label')?.text ?? '', line: line(node) };
      case 'labeled_statement': {
        const label = node.childForFieldName('label')?.text ?? '';
        const inner = named(node).filter((c) => c.type !== 'statement_identifier')[0];
        return { k: 'labeled', label, body: inner === undefined ? { k: 'empty' } : this.statement(inner, depth + 1) };
      }
      case 'preproc_call':
        return { k: 'empty' };
      default:
        return {
          k: 'unsupported',
          what: node.type === 'ERROR' ? `code tree-sitter could not parse: ${snippet(node)}` : `${node.type}`,
          line: line(node),
        };
    }
  }

  private optionalStatement(node: Node | null, depth: number): Stmt {
    return node === null ? { k: 'empty' } : this.statement(node, depth + 1);
  }

  private condition(node: Node | null, depth: number): Expr {
    if (node === null) return { k: 'const', value: 0n, type: T.int };
    return this.expr(node, depth + 1);
  }

  private switchStatement(node: Node, depth: number): Stmt {
    const test = this.condition(node.childForFieldName('condition'), depth);
    const bodyNode = node.childForFieldName('body');
    const body: Stmt[] = [];
    const labels = new Map<string, number>();
    const cases: { value?: Expr; index: number }[] = [];
    for (const child of bodyNode === null ? [] : named(bodyNode)) {
      if (child.type !== 'case_statement') {
        this.statementsInto([child], body, labels, depth + 1);
        continue;
      }
      const isDefault = child.child(0)?.type === 'default';
      const valueNode = isDefault ? null : child.childForFieldName('value');
      cases.push({ ...(valueNode !== null ? { value: this.expr(valueNode, depth + 1) } : {}), index: body.length });
      const statements = named(child).filter((c) => valueNode === null || c.id !== valueNode.id);
      this.statementsInto(statements, body, labels, depth + 1);
    }
    return { k: 'switch', test, body, cases, labels };
  }

  // ---- expressions

  expr(node: Node, depth: number): Expr {
    if (depth > MAX_SYNTAX_DEPTH)
      return { k: 'unsupported', what: 'an expression nested too deeply', line: line(node) };
    const d = depth + 1;
    const field = (name: string) => node.childForFieldName(name);
    const sub = (n: Node | null): Expr =>
      n === null ? { k: 'unsupported', what: `an incomplete ${node.type}`, line: line(node) } : this.expr(n, d);
    switch (node.type) {
      case 'number_literal': {
        // tree-sitter reads a leading minus into the literal (`-1`): C sees unary minus on 1.
        const negative = /^-/.test(node.text);
        const c = integerConstant(node.text.replace(/^-\s*/, ''));
        if (c !== undefined && negative)
          return { k: 'unary', op: '-', arg: { k: 'const', value: c.value, type: c.type } };
        return c !== undefined
          ? { k: 'const', value: c.value, type: c.type }
          : { k: 'unsupported', what: `the number ${node.text} (floating point is not simulated)`, line: line(node) };
      }
      case 'char_literal': {
        const c = charConstant(node.text);
        return c !== undefined
          ? { k: 'const', value: c, type: T.int }
          : { k: 'unsupported', what: `the character ${node.text}`, line: line(node) };
      }
      case 'true':
        return { k: 'const', value: 1n, type: T.int };
      case 'false':
        return { k: 'const', value: 0n, type: T.int };
      case 'null':
        return { k: 'null' };
      case 'string_literal':
        return { k: 'string', bytes: stringLiteralBytes(node.text) };
      case 'concatenated_string': {
        const parts = named(node).map((p) => sub(p));
        if (parts.every((p) => p.k === 'string'))
          return { k: 'string', bytes: parts.flatMap((p) => (p.k === 'string' ? p.bytes : [])) };
        return { k: 'concat', parts };
      }
      case 'identifier':
        return { k: 'name', name: node.text, line: line(node) };
      case 'parenthesized_expression': {
        const inner = named(node)[0];
        return inner === undefined ? { k: 'unsupported', what: '()', line: line(node) } : this.expr(inner, d);
      }
      case 'binary_expression':
        return {
          k: 'binary',
          op: field('operator')?.type ?? '?',
          left: sub(field('left')),
          right: sub(field('right')),
        };
      case 'unary_expression':
        return { k: 'unary', op: field('operator')?.type ?? '?', arg: sub(field('argument')) };
      case 'update_expression': {
        const op = field('operator')?.type === '--' ? '--' : '++';
        return { k: 'update', op, prefix: node.child(0)?.type === op, arg: sub(field('argument')) };
      }
      case 'assignment_expression':
        return {
          k: 'assign',
          op: field('operator')?.type ?? '=',
          target: sub(field('left')),
          value: sub(field('right')),
        };
      case 'conditional_expression': {
        const then = field('consequence');
        return {
          k: 'conditional',
          test: sub(field('condition')),
          then: then === null ? undefined : this.expr(then, d),
          else: sub(field('alternative')),
        };
      }
      case 'comma_expression':
        return { k: 'comma', left: sub(field('left')), right: sub(field('right')) };
      case 'call_expression': {
        const argsNode = field('arguments');
        const args = argsNode === null ? [] : named(argsNode);
        return {
          k: 'call',
          callee: sub(field('function')),
          args: args.map((a) => this.expr(a, d)),
          argTexts: args.map((a) => a.text),
          line: line(node),
        };
      }
      case 'cast_expression': {
        const typeNode = field('type');
        return { k: 'cast', type: typeNode === null ? T.int : this.typeDescriptor(typeNode), arg: sub(field('value')) };
      }
      case 'sizeof_expression': {
        const typeNode = field('type');
        if (typeNode !== null) {
          const inner = typeNode.childForFieldName('type');
          const plainName =
            inner?.type === 'type_identifier' && typeNode.childForFieldName('declarator') === null
              ? inner.text
              : undefined;
          return { k: 'sizeof', type: this.typeDescriptor(typeNode), ...(plainName ? { name: plainName } : {}) };
        }
        return { k: 'sizeof', arg: sub(field('value')) };
      }
      case 'subscript_expression':
        return { k: 'index', array: sub(field('argument')), index: sub(field('index') ?? named(node)[1] ?? null) };
      case 'pointer_expression': {
        const op = field('operator')?.type;
        const arg = sub(field('argument'));
        return op === '&' ? { k: 'address', arg } : { k: 'deref', arg };
      }
      case 'field_expression':
        return {
          k: 'field',
          arg: sub(field('argument')),
          name: field('field')?.text ?? '',
          arrow: field('operator')?.type === '->',
        };
      case 'initializer_list': {
        const items: InitItem[] = [];
        for (const item of named(node)) {
          if (item.type === 'initializer_pair') {
            const designator = item.childForFieldName('designator');
            const value = sub(item.childForFieldName('value'));
            if (designator?.type === 'field_designator')
              items.push({ field: named(designator)[0]?.text ?? designator.text.replace(/^\./, ''), value });
            else if (designator?.type === 'subscript_designator')
              items.push({ index: sub(named(designator)[0] ?? null), value });
            else items.push({ value });
          } else items.push({ value: this.expr(item, d) });
        }
        return { k: 'init', items };
      }
      default:
        return {
          k: 'unsupported',
          what: node.type === 'ERROR' ? `code tree-sitter could not parse: ${snippet(node)}` : `${node.type}`,
          line: line(node),
        };
    }
  }
}

function hasStorageClass(node: Node, word: string): boolean {
  for (const child of node.namedChildren)
    if (child?.type === 'storage_class_specifier' && child.text === word) return true;
  return false;
}

function snippet(node: Node): string {
  const text = node.text.replace(/\s+/g, ' ').trim();
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** The bytes of a string literal (`"…"`, `u8"…"`, `L"…"` read byte-wise) without the terminating NUL. */
export function stringLiteralBytes(text: string): number[] {
  const open = text.indexOf('"');
  const close = text.lastIndexOf('"');
  if (open === -1 || close <= open) return [];
  return decodeEscapes(text.slice(open + 1, close));
}

/**
 * The items of the branch an `#if`/`#ifdef`/`#ifndef` chain takes, given a decision for each
 * condition (`#ifdef X` is asked as `defined(X)`, `#ifndef X` as `!defined(X)`).
 */
export function preprocessorBranch(node: Node, holds: (condition: string) => boolean, depth = 0): readonly Node[] {
  if (depth > MAX_SYNTAX_DEPTH) return [];
  const skip = new Set<number>();
  const name = node.childForFieldName('name');
  const condition = node.childForFieldName('condition');
  const alternative = node.childForFieldName('alternative');
  for (const n of [name, condition, alternative]) if (n !== null) skip.add(n.id);
  const items = named(node).filter((c) => !skip.has(c.id));
  let taken: boolean;
  if (node.type === 'preproc_else') return items;
  if (node.type === 'preproc_ifdef' || node.type === 'preproc_elifdef') {
    const negated = /^#\s*(el)?ifndef/.test(node.text);
    const defined = holds(`defined(${name?.text ?? ''})`);
    taken = negated ? !defined : defined;
  } else taken = holds(condition?.text ?? '0');
  if (taken) return items;
  return alternative === null ? [] : preprocessorBranch(alternative, holds, depth + 1);
}
