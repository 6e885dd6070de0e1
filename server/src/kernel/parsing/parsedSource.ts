import type { Edit, Point, Tree } from 'web-tree-sitter';
import { blankAnnotations, type BlankedAnnotation } from '../text/annotationBlanking';
import type { CParser } from './cParser';

/** One C text with its syntax tree, kept in step with edits by incremental re-parsing. */
export class ParsedSource {
  /** Counts the texts this source has had; each update that changes the text adds one. */
  revision = 0;
  /** The edit that made the current revision from the previous one; undefined after a full parse. */
  lastEdit: Edit | undefined;

  private constructor(
    private readonly parser: CParser,
    private currentText: string,
    private blanked: string,
    private currentTree: Tree,
    private currentAnnotations: readonly BlankedAnnotation[],
    private generation: number,
  ) {}

  static parse(parser: CParser, text: string): ParsedSource {
    const { text: blanked, annotations } = blankAnnotations(text);
    return new ParsedSource(parser, text, blanked, parser.parse(blanked), annotations, parser.generation);
  }

  /** The original text; all text the analysis reports is read from here, never from the blanked copy. */
  get text(): string {
    return this.currentText;
  }

  get tree(): Tree {
    return this.currentTree;
  }

  get annotations(): readonly BlankedAnnotation[] {
    return this.currentAnnotations;
  }

  /**
   * Re-parses after an edit. The edit handed to tree-sitter is derived from the blanked texts, so it
   * stays right when an edit completes or breaks an annotation such as `__init`.
   */
  update(newText: string): void {
    const { text: newBlanked, annotations } = blankAnnotations(newText);
    if (this.generation !== this.parser.generation) {
      // The tree belongs to a wasm instance that was replaced: start over.
      this.replace(newText, newBlanked, annotations, this.parser.parse(newBlanked));
      this.revision++;
      this.lastEdit = undefined;
      return;
    }
    const edit = describeEdit(this.blanked, newBlanked);
    if (edit === undefined) {
      // Only blanked text changed (`__init` became `__exit`): same tree, other facts.
      const textEdit = describeEdit(this.currentText, newText);
      if (textEdit === undefined) return;
      this.currentText = newText;
      this.currentAnnotations = annotations;
      this.revision++;
      this.lastEdit = textEdit;
      return;
    }
    this.currentTree.edit(edit);
    const tree = this.parser.parse(newBlanked, this.currentTree);
    this.currentTree.delete();
    this.replace(newText, newBlanked, annotations, tree);
    this.revision++;
    this.lastEdit = edit;
  }

  dispose(): void {
    if (this.generation !== this.parser.generation) return;
    try {
      this.currentTree.delete();
    } catch {
      // NOTE: after a wasm fault the instance may refuse even this; it is being replaced anyway.
    }
  }

  private replace(text: string, blanked: string, annotations: readonly BlankedAnnotation[], tree: Tree): void {
    this.currentText = text;
    this.blanked = blanked;
    this.currentAnnotations = annotations;
    this.currentTree = tree;
    this.generation = this.parser.generation;
  }
}

/** The single edit that turns `before` into `after`: their common prefix and suffix stay. */
export function describeEdit(before: string, after: string): Edit | undefined {
  if (before === after) return undefined;
  const shorter = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < shorter && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (
    suffix < shorter - prefix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix++;
  }
  const oldEndIndex = before.length - suffix;
  const newEndIndex = after.length - suffix;
  return {
    startIndex: prefix,
    oldEndIndex,
    newEndIndex,
    startPosition: pointAt(before, prefix),
    oldEndPosition: pointAt(before, oldEndIndex),
    newEndPosition: pointAt(after, newEndIndex),
  };
}

function pointAt(text: string, index: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}
