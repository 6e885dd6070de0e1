import type { Node, QueryCapture, Tree } from 'web-tree-sitter';
import type { CParser } from '../parsing/cParser';
import { readArgumentList, type TextSpan } from '../text/cLexing';

/** Something that happens in a function body, in source order. Offsets are UTF-16. */
export type FlowEvent = CallEvent | ReturnEvent | GotoEvent | LabelEvent;

interface EventBase {
  readonly start: number;
  readonly end: number;
  /** Start offsets of the enclosing blocks (compound statements and if-consequences), outermost first. */
  readonly blocks: readonly number[];
  /** The innermost enclosing `if` whose consequence holds this event, if any. */
  readonly guard?: Guard;
}

export interface Guard {
  readonly ifStart: number;
  readonly condition: string;
}

export interface CallEvent extends EventBase {
  readonly kind: 'call';
  readonly name: string;
  readonly nameStart: number;
  readonly nameEnd: number;
  readonly args: readonly TextSpan[];
  /** `x = f()` or `T *x = f()`: the text of what the result is stored in. */
  readonly assignedTo?: string;
  /** When the call sits in an `if` condition, that `if`'s start. */
  readonly inConditionOf?: number;
}

export interface ReturnEvent extends EventBase {
  readonly kind: 'return';
  /** The returned expression's text, empty for `return;`. */
  readonly value: string;
}

export interface GotoEvent extends EventBase {
  readonly kind: 'goto';
  readonly label: string;
}

export interface LabelEvent extends EventBase {
  readonly kind: 'label';
  readonly label: string;
}

/** An identifier in an expression, that no declaration in the same function declares. */
export interface NameUse {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly isCall: boolean;
  /**
   * Callees of the calls whose argument lists hold it, innermost first: when one of them is a
   * macro, the "name" may be a member or a type (`container_of(p, struct s, member)`).
   */
  readonly argumentOf?: readonly string[];
  /** Inside an error-recovered part of the tree: it may not be a name use at all. */
  readonly inError?: boolean;
  /** Conditions of the `if`s whose then-branch holds it, innermost first. */
  readonly guards?: readonly string[];
}

export interface FunctionBodyFacts {
  readonly events: readonly FlowEvent[];
  readonly uses: readonly NameUse[];
}

interface Span {
  readonly start: number;
  readonly end: number;
}

/** Reads calls, returns, gotos, labels and name uses for each body in `bodies` (sorted, disjoint). */
export function readFunctionBodies(
  parser: CParser,
  tree: Tree,
  text: string,
  bodies: readonly Span[],
  within?: Span,
): { bodies: FunctionBodyFacts[]; fileScopeUses: NameUse[]; enumerators: NameUse[] } {
  const events = bodies.map((): FlowEvent[] => []);
  const slice = (node: Node): string => text.slice(node.startIndex, node.endIndex);
  const owner = (offset: number): number => containingSpan(bodies, offset);

  // Blocks, if-statements and assignments first, so each event can be placed inside them.
  const matches = parser.matches('function-flow', tree.rootNode, within);
  const blocks: Span[] = [];
  const ifs: IfStatement[] = [];
  const assignments = new Map<number, string>();
  const pending: { kind: 'call' | 'return' | 'goto' | 'label'; captures: ReadonlyMap<string, Node> }[] = [];
  for (const match of matches) {
    const captures = new Map(match.captures.map((c) => [c.name, c.node]));
    const block = captures.get('block');
    const statement = captures.get('if');
    const assigned = captures.get('assign.value');
    if (block) blocks.push({ start: block.startIndex, end: block.endIndex });
    else if (statement) {
      const condition = captures.get('if.condition')!;
      const consequence = captures.get('if.consequence')!;
      ifs.push({
        start: statement.startIndex,
        condition: { start: condition.startIndex, end: condition.endIndex },
        conditionText: slice(condition),
        consequence: { start: consequence.startIndex, end: consequence.endIndex },
      });
    } else if (assigned) assignments.set(assigned.startIndex, declaredName(slice(captures.get('assign.target')!)));
    else if (captures.has('call')) pending.push({ kind: 'call', captures });
    else if (captures.has('return')) pending.push({ kind: 'return', captures });
    else if (captures.has('goto')) pending.push({ kind: 'goto', captures });
    else if (captures.has('label')) pending.push({ kind: 'label', captures });
  }
  const place = placer(blocks, ifs);
  pending.sort((a, b) => a.captures.get(a.kind)!.startIndex - b.captures.get(b.kind)!.startIndex);
  for (const { kind, captures } of pending) {
    const node = captures.get(kind)!;
    const index = owner(node.startIndex);
    if (index === -1) continue;
    const where = place(node.startIndex);
    const base = {
      start: node.startIndex,
      end: node.endIndex,
      blocks: where.blocks,
      ...(where.guard ? { guard: where.guard } : {}),
    };
    if (kind === 'call') {
      const callee = captures.get('call.name')!;
      const argumentList = captures.get('call.arguments')!;
      const args = readArgumentList(text, argumentList.startIndex, argumentList.endIndex)?.args ?? [];
      const assignedTo = assignments.get(node.startIndex);
      events[index]!.push({
        kind: 'call',
        ...base,
        name: slice(callee),
        nameStart: callee.startIndex,
        nameEnd: callee.endIndex,
        args,
        ...(assignedTo !== undefined ? { assignedTo } : {}),
        ...(where.inConditionOf !== undefined ? { inConditionOf: where.inConditionOf } : {}),
      });
    } else if (kind === 'return') {
      const value = slice(node)
        .replace(/^return\b/, '')
        .replace(/;\s*$/, '')
        .trim();
      events[index]!.push({ kind: 'return', ...base, value });
    } else {
      const label = slice(captures.get(kind === 'goto' ? 'goto.label' : 'label.name')!);
      events[index]!.push({ kind, ...base, label });
    }
  }

  const { uses, fileScopeUses, enumerators } = readNameUses(parser, tree, text, bodies, within, ifs);
  return {
    bodies: bodies.map((_, i) => ({ events: events[i]!.sort((a, b) => a.start - b.start), uses: uses[i]! })),
    fileScopeUses,
    enumerators,
  };
}

interface IfStatement {
  readonly start: number;
  readonly consequence: Span;
  readonly condition: Span;
  readonly conditionText: string;
}

interface Placement {
  readonly blocks: number[];
  readonly guard?: Guard;
  readonly inConditionOf?: number;
}

/**
 * Places offsets, asked for in increasing order, inside the nested blocks, if-consequences and
 * if-conditions that enclose them. A sweep with a stack: linear, however many blocks a file has.
 */
function placer(blocks: readonly Span[], ifs: readonly IfStatement[]): (offset: number) => Placement {
  type Scope = Span & { readonly kind: 'block' | 'consequence' | 'condition'; readonly owner?: IfStatement };
  const scopes: Scope[] = [
    ...blocks.map((b) => ({ ...b, kind: 'block' as const })),
    ...ifs.map((i) => ({ ...i.consequence, kind: 'consequence' as const, owner: i })),
    ...ifs.map((i) => ({ ...i.condition, kind: 'condition' as const, owner: i })),
  ].sort((a, b) => a.start - b.start || b.end - a.end);
  const open: Scope[] = [];
  let next = 0;
  return (offset) => {
    while (next < scopes.length && scopes[next]!.start <= offset) {
      const scope = scopes[next++]!;
      while (open.length > 0 && open[open.length - 1]!.end <= scope.start) open.pop();
      open.push(scope);
    }
    while (open.length > 0 && open[open.length - 1]!.end <= offset) open.pop();
    const enclosing = open.filter((s) => s.start <= offset && offset < s.end);
    const blocksHere = enclosing.filter((s) => s.kind !== 'condition').map((s) => s.start);
    const consequence = enclosing.filter((s) => s.kind === 'consequence').pop();
    const condition = enclosing.filter((s) => s.kind === 'condition').pop();
    return {
      blocks: blocksHere,
      ...(consequence?.owner
        ? { guard: { ifStart: consequence.owner.start, condition: consequence.owner.conditionText } }
        : {}),
      ...(condition?.owner ? { inConditionOf: condition.owner.start } : {}),
    };
  };
}

/** `buf`, `*p` or `dev->x` as written; for declarations like `*q` just the name. */
function declaredName(target: string): string {
  return target.replace(/^\*+\s*/, '').trim();
}

function readNameUses(
  parser: CParser,
  tree: Tree,
  text: string,
  bodies: readonly Span[],
  within: Span | undefined,
  ifs: readonly IfStatement[],
): { uses: NameUse[][]; fileScopeUses: NameUse[]; enumerators: NameUse[] } {
  const role = new Map<number, { declared: boolean; callee: boolean; preprocessor: boolean; end: number }>();
  const preprocessorScopes: Span[] = [];
  const argumentLists: Span[] = [];
  const parameters: { name: string; at: number }[] = [];
  const errors = errorSpans(tree, within);
  const enumerators: NameUse[] = [];
  const captures: QueryCapture[] = parser.captures('names', tree.rootNode, within);
  for (const { name, node } of captures) {
    if (name === 'name.preprocessor.scope') {
      preprocessorScopes.push({ start: node.startIndex, end: node.endIndex });
      continue;
    }
    if (name === 'name.parameter') {
      const declared = declaratorName(node);
      if (declared) parameters.push({ name: text.slice(declared.startIndex, declared.endIndex), at: node.startIndex });
      continue;
    }
    if (name === 'name.call.arguments') {
      argumentLists.push({ start: node.startIndex, end: node.endIndex });
      continue;
    }
    const entry = role.get(node.startIndex) ?? {
      declared: false,
      callee: false,
      preprocessor: false,
      end: node.endIndex,
    };
    if (name === 'name.declaration') entry.declared = true;
    else if (name === 'name.callee') entry.callee = true;
    else if (name === 'name.preprocessor') entry.preprocessor = true;
    else if (name === 'name.enumerator') {
      enumerators.push({
        name: text.slice(node.startIndex, node.endIndex),
        start: node.startIndex,
        end: node.endIndex,
        isCall: false,
      });
    }
    role.set(node.startIndex, entry);
  }
  const uses = bodies.map((): NameUse[] => []);
  const locals = bodies.map(() => new Set<string>());
  // A parameter belongs to the body that follows its declarator.
  for (const parameter of parameters) {
    const index = firstSpanAfter(bodies, parameter.at);
    if (index !== -1) locals[index]!.add(parameter.name);
  }
  const fileScopeUses: NameUse[] = [];
  const candidates: { name: string; start: number; end: number; callee: boolean }[] = [];
  preprocessorScopes.sort((a, b) => a.start - b.start);
  let scope = 0;
  for (const [start, entry] of [...role].sort((a, b) => a[0] - b[0])) {
    while (scope < preprocessorScopes.length && preprocessorScopes[scope]!.end <= start) scope++;
    const inPreprocessorCondition = scope < preprocessorScopes.length && preprocessorScopes[scope]!.start <= start;
    if (entry.preprocessor || inPreprocessorCondition) continue;
    const name = text.slice(start, entry.end);
    const index = containingSpan(bodies, start);
    if (entry.declared) {
      if (index !== -1) locals[index]!.add(name);
      continue;
    }
    candidates.push({ name, start, end: entry.end, callee: entry.callee });
  }
  candidates.sort((a, b) => a.start - b.start);
  const enclosingCalls = nestedSpans(argumentLists);
  const enclosingErrors = nestedSpans(errors);
  const conditionOf = new Map(ifs.map((i) => [i.consequence.start, i.conditionText]));
  const enclosingConsequences = nestedSpans(ifs.map((i) => i.consequence));
  for (const candidate of candidates) {
    const index = containingSpan(bodies, candidate.start);
    const argumentOf = enclosingCalls(candidate.start).map((list) => calleeBefore(text, list.start));
    const inError = enclosingErrors(candidate.start).length > 0;
    const guards = enclosingConsequences(candidate.start).map((c) => conditionOf.get(c.start) ?? '');
    const use = {
      name: candidate.name,
      start: candidate.start,
      end: candidate.end,
      isCall: candidate.callee,
      ...(argumentOf.length > 0 ? { argumentOf } : {}),
      ...(inError ? { inError } : {}),
      ...(guards.length > 0 ? { guards } : {}),
    };
    if (index === -1) fileScopeUses.push(use);
    else if (!locals[index]!.has(candidate.name)) uses[index]!.push(use);
  }
  return { uses, fileScopeUses, enumerators };
}

/**
 * For offsets asked in increasing order, the spans (possibly nested) that contain each one,
 * innermost first. A sweep with a stack: linear in the number of spans.
 */
function nestedSpans(spans: readonly Span[]): (offset: number) => Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const open: Span[] = [];
  let next = 0;
  return (offset) => {
    while (next < sorted.length && sorted[next]!.start <= offset) {
      const span = sorted[next++]!;
      while (open.length > 0 && open[open.length - 1]!.end <= span.start) open.pop();
      open.push(span);
    }
    while (open.length > 0 && open[open.length - 1]!.end <= offset) open.pop();
    return open.filter((s) => s.start <= offset && offset < s.end).reverse();
  };
}

/** The identifier written right before an argument list's `(`; empty for `(*fp)(x)` and the like. */
function calleeBefore(text: string, listStart: number): string {
  let end = listStart;
  while (end > 0 && /\s/.test(text[end - 1]!)) end--;
  let start = end;
  while (start > 0 && /[A-Za-z0-9_]/.test(text[start - 1]!)) start--;
  return text.slice(start, end);
}

/**
 * The error-recovered stretches overlapping `within` (the whole tree when absent): names there may
 * be anything. An ERROR node often holds whole function definitions it recovered intact (one
 * `#ifdef` splitting an `if` makes the rest of the file an ERROR): those are no stretch, only the
 * loose pieces beside them are. Walked with a cursor, descending only into nodes that hold an error.
 */
function errorSpans(tree: Tree, within: Span | undefined): Span[] {
  const spans: Span[] = [];
  const cursor = tree.walk();
  const overlapping = (node: Node) =>
    within === undefined || (node.endIndex > within.start && node.startIndex < within.end);
  try {
    // The root may itself be an ERROR holding every top-level node: judge those one by one, so a
    // node's facts never depend on its neighbours (IncrementalFacts reuses them).
    if (!cursor.gotoFirstChild()) return spans;
    walk: for (;;) {
      const node = cursor.currentNode;
      const overlaps = overlapping(node);
      const recovered = overlaps && node.type === 'ERROR';
      if (recovered && !node.children.some((child) => child?.type === 'function_definition'))
        spans.push({ start: node.startIndex, end: node.endIndex });
      else if (recovered) {
        for (const child of node.children) {
          if (child === null || !overlapping(child)) continue;
          if (child.type !== 'function_definition') spans.push({ start: child.startIndex, end: child.endIndex });
        }
        if (cursor.gotoFirstChild()) continue;
      } else if (overlaps && node.hasError && cursor.gotoFirstChild()) continue;
      // The next sibling, or the next sibling of the nearest ancestor (below the root) that has one.
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent() || cursor.currentNode.equals(tree.rootNode)) break walk;
      }
    }
  } finally {
    cursor.delete();
  }
  return mergedSpans(spans);
}

/** Spans sorted, those inside another dropped (descending into an ERROR finds its pieces twice). */
function mergedSpans(spans: Span[]): Span[] {
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: Span[] = [];
  for (const span of spans) {
    const last = kept[kept.length - 1];
    if (last !== undefined && span.end <= last.end) continue;
    kept.push(span);
  }
  return kept;
}

/** The identifier a (possibly nested) declarator declares: `*tb[]`, `(*cb)(int)`, `name`. */
function declaratorName(declarator: Node): Node | undefined {
  let current: Node | null = declarator;
  for (let depth = 0; current !== null && depth < 16; depth++) {
    if (current.type === 'identifier') return current;
    current =
      current.childForFieldName('declarator') ??
      current.namedChildren.find((c) => c?.type === 'identifier' || c?.type.endsWith('_declarator')) ??
      null;
  }
  return undefined;
}

/** Index of the first span (sorted, disjoint) starting after `offset`, or -1. */
function firstSpanAfter(spans: readonly Span[], offset: number): number {
  let low = 0;
  let high = spans.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (spans[mid]!.start <= offset) low = mid + 1;
    else high = mid;
  }
  return low < spans.length ? low : -1;
}

/** Index of the span (sorted, disjoint) that contains `offset`, or -1. */
function containingSpan(spans: readonly Span[], offset: number): number {
  let low = 0;
  let high = spans.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const span = spans[mid]!;
    if (offset < span.start) high = mid - 1;
    else if (offset >= span.end) low = mid + 1;
    else return mid;
  }
  return -1;
}
