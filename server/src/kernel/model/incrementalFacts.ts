import type { Edit, Node } from 'web-tree-sitter';
import type { CParser, TextSpan } from '../parsing/cParser';
import type { ParsedSource } from '../parsing/parsedSource';
import type { FileScopeDeclaration, PreprocessorBranch } from './fileScope';
import type { FlowEvent, NameUse } from './functionFacts';
import {
  extractFactsWithin,
  spdxLicenseOf,
  type FunctionDefinition,
  type MacroInvocation,
  type SourceFacts,
} from './sourceFacts';

interface Entry {
  readonly start: number;
  readonly end: number;
  readonly type: string;
  /** Error recovery may parse the same text differently from one edit to the next: never reused. */
  readonly hasError: boolean;
  readonly facts: SourceFacts;
}

/**
 * The facts of one document, kept in step with its edits: after an edit only the top-level nodes
 * (functions, declarations, #if blocks, …) whose text changed are read again; the others keep their
 * facts, moved by the edit's length change. What a keystroke costs then depends on the size of
 * the function being typed in, not on the size of the file.
 */
export class IncrementalFacts {
  private entries: Entry[] = [];
  private source: ParsedSource | undefined;
  private revision = -1;
  /** How many top-level nodes the last extraction read again, for benchmarks and tests. */
  lastReread = 0;

  extract(parser: CParser, parsed: ParsedSource): SourceFacts {
    const nodes = parsed.tree.rootNode.namedChildren.filter((n): n is Node => n !== null);
    const edit = parsed.lastEdit;
    const incremental = this.source === parsed && parsed.revision === this.revision + 1 && edit !== undefined;
    const previous = new Map(this.entries.map((e) => [e.start, e]));
    const reused: (Entry | undefined)[] = nodes.map((node) =>
      incremental ? reusable(previous, node, edit) : undefined,
    );
    // A module macro's arguments can sit in the next node (a macro without `;`): re-read the node
    // before each one that changed, too.
    for (let i = 0; i + 1 < nodes.length; i++) if (reused[i + 1] === undefined) reused[i] = undefined;

    const entries: Entry[] = [];
    let reread = 0;
    for (let i = 0; i < nodes.length;) {
      const kept = reused[i];
      if (kept !== undefined) {
        entries.push(kept);
        i++;
        continue;
      }
      let last = i;
      while (last + 1 < nodes.length && reused[last + 1] === undefined) last++;
      const group = nodes.slice(i, last + 1);
      const span = { start: group[0]!.startIndex, end: group[group.length - 1]!.endIndex };
      const facts = extractFactsWithin(parser, parsed, span, group);
      entries.push(...split(facts, group));
      reread += group.length;
      i = last + 1;
    }
    this.entries = entries;
    this.source = parsed;
    this.revision = parsed.revision;
    this.lastReread = reread;
    return merge(entries, parsed.text);
  }
}

/** The previous facts of a node whose text the edit did not touch, moved to the node's new place. */
function reusable(previous: ReadonlyMap<number, Entry>, node: Node, edit: Edit): Entry | undefined {
  const { startIndex: start, endIndex: end, type } = node;
  if (node.hasError) return undefined;
  const same = (old: Entry | undefined, delta: number): old is Entry =>
    old !== undefined && !old.hasError && old.end + delta === end && old.type === type;
  if (end <= edit.startIndex) {
    const old = previous.get(start);
    return same(old, 0) ? old : undefined;
  }
  if (start < edit.newEndIndex) return undefined;
  const delta = edit.newEndIndex - edit.oldEndIndex;
  const old = previous.get(start - delta);
  return same(old, delta) ? { ...old, start, end, facts: shiftFacts(old.facts, delta) } : undefined;
}

/** Splits the facts of a run of nodes into one entry per node, by where each fact starts. */
function split(facts: SourceFacts, nodes: readonly Node[]): Entry[] {
  const spans = nodes.map((n) => ({ start: n.startIndex, end: n.endIndex }));
  const owner = (offset: number): number => {
    let low = 0;
    let high = spans.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (spans[mid]!.start <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  };
  const buckets = nodes.map(() => emptyFacts());
  const place = <T extends { readonly start: number }>(items: readonly T[], key: keyof MutableFacts): void => {
    for (const item of items) (buckets[owner(item.start)]![key] as unknown as T[]).push(item);
  };
  place(facts.macros, 'macros');
  place(facts.functions, 'functions');
  place(facts.declarations, 'declarations');
  place(facts.includes, 'includes');
  place(facts.defines, 'defines');
  place(facts.enumerators, 'enumerators');
  place(facts.fileScopeUses, 'fileScopeUses');
  place(facts.branches, 'branches');
  return nodes.map((node, i) => ({
    start: node.startIndex,
    end: node.endIndex,
    type: node.type,
    hasError: node.hasError,
    facts: buckets[i]!,
  }));
}

type MutableFacts = { -readonly [K in keyof Omit<SourceFacts, 'spdxLicense'>]: unknown[] };

function emptyFacts(): SourceFacts & MutableFacts {
  return {
    macros: [],
    functions: [],
    declarations: [],
    includes: [],
    defines: [],
    enumerators: [],
    fileScopeUses: [],
    branches: [],
  };
}

function merge(entries: readonly Entry[], text: string): SourceFacts {
  const all = emptyFacts();
  for (const { facts } of entries) {
    for (const key of Object.keys(all) as (keyof MutableFacts)[]) all[key].push(...(facts[key] as readonly unknown[]));
  }
  const spdxLicense = spdxLicenseOf(text);
  return spdxLicense ? { ...all, spdxLicense } : all;
}

/** The same facts `delta` characters further on: every offset in them moves. */
export function shiftFacts(facts: SourceFacts, delta: number): SourceFacts {
  if (delta === 0) return facts;
  const span = <T extends TextSpan>(item: T): T => ({ ...item, start: item.start + delta, end: item.end + delta });
  const branch = (b: PreprocessorBranch): PreprocessorBranch => ({ ...span(b), chain: b.chain + delta });
  const use = (u: NameUse): NameUse => span(u);
  const event = (e: FlowEvent): FlowEvent => {
    const moved = { ...span(e), blocks: e.blocks.map((b) => b + delta) };
    if (e.guard) Object.assign(moved, { guard: { ...e.guard, ifStart: e.guard.ifStart + delta } });
    if (e.kind === 'call') {
      Object.assign(moved, {
        nameStart: e.nameStart + delta,
        nameEnd: e.nameEnd + delta,
        args: e.args.map(span),
        ...(e.inConditionOf !== undefined ? { inConditionOf: e.inConditionOf + delta } : {}),
      });
    }
    return moved;
  };
  const macro = (m: MacroInvocation): MacroInvocation => ({
    ...span(m),
    nameStart: m.nameStart + delta,
    nameEnd: m.nameEnd + delta,
    args: m.args.map(span),
    branches: m.branches.map(branch),
  });
  const fn = (f: FunctionDefinition): FunctionDefinition => ({
    ...span(f),
    nameStart: f.nameStart + delta,
    nameEnd: f.nameEnd + delta,
    bodyStart: f.bodyStart + delta,
    bodyEnd: f.bodyEnd + delta,
    branches: f.branches.map(branch),
    events: f.events.map(event),
    uses: f.uses.map(use),
  });
  const declaration = (d: FileScopeDeclaration): FileScopeDeclaration => ({
    ...span(d),
    nameStart: d.nameStart + delta,
    nameEnd: d.nameEnd + delta,
  });
  return {
    macros: facts.macros.map(macro),
    functions: facts.functions.map(fn),
    declarations: facts.declarations.map(declaration),
    includes: facts.includes.map(span),
    defines: facts.defines.map(span),
    enumerators: facts.enumerators.map(use),
    fileScopeUses: facts.fileScopeUses.map(use),
    branches: facts.branches.map(branch),
    ...(facts.spdxLicense !== undefined ? { spdxLicense: facts.spdxLicense } : {}),
  };
}
