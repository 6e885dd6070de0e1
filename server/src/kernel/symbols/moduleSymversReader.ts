import { ExportTable } from './exportTable';
import { SnapshotError } from './snapshotError';
import { scanLines, type SnapshotInput } from './snapshotLines';
import { describeBadLine, SnapshotWarnings } from './snapshotWarnings';

/** What a Module.symvers (or a .ko's export list) gives: exports only. */
export interface ExportSnapshot {
  readonly kind: 'module-symvers' | 'ko';
  readonly file: string;
  /** Lines read (a .ko: its exports). */
  readonly lines: number;
  readonly exports: ExportTable;
  readonly warnings: string[];
}

/** More than any real Module.symvers (allyesconfig has under 40k); a bound for huge inputs. */
export const MAX_EXPORTS = 1_000_000;

const EXPORT_TYPE = /^EXPORT_(?:UNUSED_)?SYMBOL(?:_GPL)?(?:_FUTURE)?$/;

/**
 * Reads a Module.symvers: `0x%08x\t<symbol>\t<module path or vmlinux>\tEXPORT_SYMBOL[_GPL]\t<namespace>`
 * (since 5.5; 5.4 wrote the namespace third, and kernels before it had four columns without one).
 * EXPORT_SYMBOL_GPL_FUTURE (gone since 5.3) is usable by any module, so it is not GPL-only.
 * Bad lines are skipped with a warning naming file:line; a file where no line parses is a SnapshotError.
 */
export function readModuleSymvers(input: SnapshotInput): ExportSnapshot {
  const warnings = new SnapshotWarnings(input.file);
  const exports = new ExportTable();
  let duplicates = 0;
  let truncated = false;
  let parsed = 0;
  const lines = scanLines(input, {
    tooLong: (line) => warnings.badLine(line, 'line too long for a Module.symvers line'),
    line(text, start, end, lineNumber) {
      if (start === end) return true;
      if (exports.size >= MAX_EXPORTS) {
        truncated = true;
        return false;
      }
      const added = addSymversLine(exports, text, start, end);
      if (typeof added === 'string') {
        warnings.badLine(lineNumber, () => describeBadLine(text, start, end, added));
        return true;
      }
      parsed++;
      if (!added) {
        duplicates++;
        if (duplicates <= 3) {
          const nameStart = text.indexOf('\t', start) + 1;
          const name = text.slice(nameStart, text.indexOf('\t', nameStart));
          warnings.add(
            `${input.file}:${lineNumber}: "${name}" is exported twice (modpost refuses this); the first one is kept`,
          );
        }
      }
      return true;
    },
  });
  if (parsed === 0) {
    const bad = warnings.firstBadLine;
    throw new SnapshotError(
      input.file,
      bad?.line ?? 0,
      bad !== undefined ? `not a Module.symvers file: ${bad.reason}` : 'holds no exports (the file is empty)',
    );
  }
  if (duplicates > 3)
    warnings.addAboutFile(`${duplicates} names are exported more than once; the first of each is kept`);
  if (truncated) warnings.addAboutFile(`more than ${MAX_EXPORTS.toLocaleString('en-US')} exports; read no further`);
  return { kind: 'module-symvers', file: input.file, lines, exports, warnings: warnings.list() };
}

/** Printable ASCII without spaces, the characters of names, module paths and namespaces: text[start, end). */
function isWord(text: string, start: number, end: number): boolean {
  if (start >= end) return false;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) return false;
  }
  return true;
}

function isExportType(text: string): boolean {
  return text === 'EXPORT_SYMBOL' || text === 'EXPORT_SYMBOL_GPL' || EXPORT_TYPE.test(text);
}

/** Tab positions of a line: reused, since lines are read one at a time. */
const tabs = new Int32Array(6);
/*
 * NOTE: no closures on this path: run from source, tsx names every function expression as it is
 * created (esbuild's keepNames), which made one closure per line cost more than the parsing.
 */

/**
 * Adds the export of one line, text[start, end), or returns what was expected instead. By hand,
 * without split, regular expressions or an object per line: it runs 25,000 times per load, and
 * loading is on the editor's path.
 */
function addSymversLine(exports: ExportTable, text: string, start: number, end: number): string | boolean {
  let columns = 0;
  for (let from = start; columns < 6; columns++) {
    let tab = text.indexOf('\t', from);
    if (tab === -1 || tab > end) tab = end;
    tabs[columns] = tab;
    if (tab === end) {
      columns++;
      break;
    }
    from = tab + 1;
  }
  const crcEnd = tabs[0]!;
  const crc = crcEnd - start >= 3 && crcEnd - start <= 10 ? hexNumber(text, start, crcEnd) : -1;
  if (crc < 0) return 'a CRC like 0x1234abcd, then a tab';
  if (columns < 2 || !isWord(text, crcEnd + 1, tabs[1]!)) return 'a symbol name after the CRC';
  if (columns < 4 || columns > 5) return 'four or five tab-separated columns';
  const fourth = field(text, 3);
  let ownerColumn = 2;
  let type = fourth;
  let namespaceColumn = 4;
  if (!isExportType(fourth)) {
    if (columns !== 5 || !isExportType(field(text, 4)))
      return 'EXPORT_SYMBOL or EXPORT_SYMBOL_GPL in the fourth column';
    // Linux 5.4: crc, symbol, namespace, module, type.
    ownerColumn = 3;
    type = field(text, 4);
    namespaceColumn = 2;
  }
  if (!isWord(text, tabs[ownerColumn - 1]! + 1, tabs[ownerColumn]!)) {
    return 'a module path or vmlinux in the third column';
  }
  const namespace = namespaceColumn < columns ? field(text, namespaceColumn) : '';
  if (namespace !== '' && !isWord(namespace, 0, namespace.length)) {
    return 'a namespace without spaces in the last column';
  }
  return exports.addFields(
    field(text, 1),
    field(text, ownerColumn),
    type.includes('_GPL') && !type.endsWith('_FUTURE'),
    true,
    namespace,
    crc,
  );
}

/** Column `column` (0-based) of the line whose tabs were just found. A function, not a closure: see above. */
function field(text: string, column: number): string {
  return text.slice(tabs[column - 1]! + 1, tabs[column]);
}

/** The value of text[start, end) when it is `0x` and 1–8 hex digits, else -1. */
function hexNumber(text: string, start: number, end: number): number {
  if (text.charCodeAt(start) !== 0x30 || text.charCodeAt(start + 1) !== 0x78) return -1;
  let value = 0;
  for (let i = start + 2; i < end; i++) {
    const code = text.charCodeAt(i);
    const lower = code | 0x20;
    const digit = code >= 0x30 && code <= 0x39 ? code - 0x30 : lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}
