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
const CRC = /^0x[0-9a-fA-F]{1,8}$/;
const NAME = /^[\x21-\x7e]+$/;

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
      const fields = text.slice(start, end).split('\t');
      const entry = symversEntry(fields);
      if (typeof entry === 'string') {
        warnings.badLine(lineNumber, () => describeBadLine(text, start, end, entry));
        return true;
      }
      if (exports.size >= MAX_EXPORTS) {
        truncated = true;
        return false;
      }
      parsed++;
      if (!exports.add(entry)) {
        duplicates++;
        if (duplicates <= 3) {
          warnings.add(
            `${input.file}:${lineNumber}: "${entry.name}" is exported twice (modpost refuses this); the first one is kept`,
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

interface SymversEntry {
  readonly name: string;
  readonly ownerPath: string;
  readonly gplOnly: boolean;
  readonly namespace?: string;
  readonly crc: number;
}

/** The entry of one line's columns, or what was expected instead. */
function symversEntry(fields: readonly string[]): SymversEntry | string {
  const [crc, name, third = '', fourth = '', fifth = ''] = fields;
  if (crc === undefined || !CRC.test(crc)) return 'a CRC like 0x1234abcd, then a tab';
  if (name === undefined || !NAME.test(name)) return 'a symbol name after the CRC';
  if (fields.length < 4 || fields.length > 5) return 'four or five tab-separated columns';
  let ownerPath: string;
  let type: string;
  let namespace: string;
  if (EXPORT_TYPE.test(fourth)) {
    [ownerPath, type, namespace] = [third, fourth, fifth];
  } else if (fields.length === 5 && EXPORT_TYPE.test(fifth)) {
    // Linux 5.4: crc, symbol, namespace, module, type.
    [namespace, ownerPath, type] = [third, fourth, fifth];
  } else {
    return 'EXPORT_SYMBOL or EXPORT_SYMBOL_GPL in the fourth column';
  }
  if (!NAME.test(ownerPath)) return 'a module path or vmlinux in the third column';
  if (namespace !== '' && !NAME.test(namespace)) return 'a namespace without spaces in the last column';
  return {
    name,
    ownerPath,
    gplOnly: type.includes('_GPL') && !type.endsWith('_FUTURE'),
    ...(namespace !== '' ? { namespace } : {}),
    crc: parseInt(crc.slice(2), 16),
  };
}
