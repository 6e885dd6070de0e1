import * as path from 'node:path';
import type { SnapshotKind } from './kernelProfile';
import { SnapshotError } from './snapshotError';
import { readHead, type SnapshotInput } from './snapshotLines';
import { describeBadLine } from './snapshotWarnings';

export type SnapshotFileKind = Exclude<SnapshotKind, 'bundled'>;

/** Enough to see past a header of junk; a file with no symbol line in its first 64 KB is not a snapshot. */
const HEAD_BYTES = 64 * 1024;
const SYMVERS_LINE = /^0x[0-9a-fA-F]{1,8}\t[\x21-\x7e]+\t/;
const SYMBOL_LINE = /^[0-9a-fA-F]{1,16} [A-Za-z?] [\x21-\x7e]/;
const MODULE_LINE = /^[0-9a-fA-F]{1,16} [A-Za-z?] [\x21-\x7e]+\t\[/m;

/**
 * Tells which snapshot a file is from its content, so that any setting may name any of them: a .ko
 * by its ELF magic, Module.symvers by `0x<crc>\t`, kallsyms and System.map by `<address> <type> <name>`.
 * The last two share a format: `[module]` lines make a kallsyms, else a name starting `System.map`
 * makes a System.map, and anything else counts as kallsyms (the same symbols either way; only how
 * far its `__ksymtab_` exports reach differs).
 */
export function detectSnapshotFormat(input: SnapshotInput): SnapshotFileKind {
  const head = readHead(input, HEAD_BYTES);
  if (head.length >= 4 && head[0] === 0x7f && head.toString('latin1', 1, 4) === 'ELF') return 'ko';
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    throw new SnapshotError(input.file, 1, 'is gzip-compressed; unpack it first (gunzip)');
  }
  const text = head.toString('latin1');
  let firstBad: number | undefined;
  let lineNumber = 0;
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    // The head may end inside a line: only whole lines (or the file's last) are judged.
    if (end === -1) {
      if (head.length === HEAD_BYTES) {
        if (lineNumber === 0)
          throw new SnapshotError(
            input.file,
            1,
            `is not a snapshot: its first line is over ${HEAD_BYTES / 1024} KB long`,
          );
        break;
      }
      end = text.length;
    }
    lineNumber++;
    const line = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;
    if (line.trim() === '') continue;
    if (SYMVERS_LINE.test(line)) return 'module-symvers';
    if (SYMBOL_LINE.test(line)) return symbolFileKind(input.file, text);
    firstBad ??= lineNumber;
  }
  if (firstBad === undefined) throw new SnapshotError(input.file, 0, 'is empty: no symbol lines');
  const badText = lineAt(text, firstBad);
  throw new SnapshotError(
    input.file,
    firstBad,
    `is not a kallsyms, System.map, Module.symvers or .ko file: ${describeBadLine(badText, 0, badText.length, 'a symbol line')}`,
  );
}

function symbolFileKind(file: string, head: string): 'kallsyms' | 'system-map' {
  if (MODULE_LINE.test(head)) return 'kallsyms';
  const base = path.basename(file);
  if (base.startsWith('System.map')) return 'system-map';
  return 'kallsyms';
}

function lineAt(text: string, lineNumber: number): string {
  let start = 0;
  for (let n = 1; n < lineNumber; n++) start = text.indexOf('\n', start) + 1;
  const end = text.indexOf('\n', start);
  return text.slice(start, end === -1 ? text.length : end).replace(/\r$/, '');
}
