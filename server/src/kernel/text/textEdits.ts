import type { Position, TextEdit } from '../checks/diagnostic';
import { LineIndex } from './lineIndex';

/**
 * Applies edits to a text as an editor would: all ranges refer to the original text, and they
 * must not overlap. Edits at the same position keep their given order.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = new LineIndex(text);
  const offsets = edits
    .map((edit, order) => ({
      start: offsetOf(lines, text, edit.range.start),
      end: offsetOf(lines, text, edit.range.end),
      edit,
      order,
    }))
    .sort((a, b) => a.start - b.start || a.order - b.order);
  let result = '';
  let copied = 0;
  for (const { start, end, edit } of offsets) {
    if (start < copied) throw new Error('overlapping edits');
    result += text.slice(copied, start) + edit.newText;
    copied = end;
  }
  return result + text.slice(copied);
}

function offsetOf(lines: LineIndex, text: string, position: Position): number {
  // LineIndex maps offsets to positions; invert it with a search over the monotonic mapping.
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    const at = lines.positionAt(mid);
    if (at.line < position.line || (at.line === position.line && at.character < position.character)) low = mid + 1;
    else high = mid;
  }
  return low;
}
