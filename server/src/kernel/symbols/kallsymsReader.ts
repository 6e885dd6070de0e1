import { ExportTable } from './exportTable';
import { SnapshotError } from './snapshotError';
import { scanLines, type SnapshotInput } from './snapshotLines';
import { describeBadLine, SnapshotWarnings } from './snapshotWarnings';
import { FNV_OFFSET, FNV_PRIME, isGlobalType, SymbolTable } from './symbolTable';

/**
 * More symbols than any real kernel has (6.1 allyesconfig with every module loaded stays well under
 * 2M); past this a file is read no further, so a huge input cannot exhaust memory or Map limits.
 */
export const MAX_SYMBOLS = 4_000_000;
const KSYMTAB = '__ksymtab_';

/** What a /proc/kallsyms or System.map file holds. */
export interface SymbolSnapshot {
  readonly kind: 'kallsyms' | 'system-map';
  readonly file: string;
  readonly lines: number;
  readonly symbols: SymbolTable;
  /**
   * Exports seen as `__ksymtab_<name>` entries (CONFIG_KALLSYMS_ALL, and every System.map), with
   * GPL-only told from the ksymtab_gpl bounds (vmlinux) or the symbol's letter case (modules); see
   * exportsFromKsymtab.
   */
  readonly exports: ExportTable;
  /** Every address read was zero: kallsyms read without privilege (kptr_restrict). */
  readonly addressesHidden: boolean;
  /** Data symbols (d/D/b/B/r/R) are more than a trace: CONFIG_KALLSYMS_ALL, or a System.map. */
  readonly hasDataSymbols: boolean;
  /** Stopped at MAX_SYMBOLS. */
  readonly truncated: boolean;
  readonly warnings: string[];
}

/** Module-level copies: imported bindings are getters when the sources run unbundled (tsx), too slow per character. */
const HASH_OFFSET = FNV_OFFSET;
const HASH_PRIME = FNV_PRIME;
/* Character codes the parser compares against. */
const CH_TAB = 9;
const CH_SPACE = 32;
const CH_QUESTION = 63;
const CH_BANG = 33;
const CH_ZERO = 48;
const CH_NINE = 57;
const CH_UPPER_A = 65;
const CH_UPPER_F = 70;
const CH_UPPER_Z = 90;
const CH_OPEN_BRACKET = 91;
const CH_CLOSE_BRACKET = 93;
const CH_UNDERSCORE = 95;
const CH_LOWER_A = 97;
const CH_LOWER_F = 102;
const CH_LOWER_Z = 122;
const CH_TILDE = 126;

function hexValue(code: number): number {
  if (code >= CH_ZERO && code <= CH_NINE) return code - CH_ZERO;
  if (code >= CH_LOWER_A && code <= CH_LOWER_F) return code - CH_LOWER_A + 10;
  if (code >= CH_UPPER_A && code <= CH_UPPER_F) return code - CH_UPPER_A + 10;
  return -1;
}

function isLetter(code: number): boolean {
  return (code >= CH_UPPER_A && code <= CH_UPPER_Z) || (code >= CH_LOWER_A && code <= CH_LOWER_Z);
}

/** End of a run of printable, non-space ASCII from `start` (a module name), before `end` or `stop`. */
function wordEnd(text: string, start: number, end: number, stop: number): number {
  let i = start;
  while (i < end) {
    const code = text.charCodeAt(i);
    if (code < CH_BANG || code > CH_TILDE || code === stop) break;
    i++;
  }
  return i;
}

/** Data, bss and read-only data, local or global. */
function isDataType(code: number): boolean {
  const lower = code | 0x20;
  return lower === 0x64 /* d */ || lower === 0x62 /* b */ || lower === 0x72; /* r */
}

/**
 * Reads `/proc/kallsyms` (`%px %c %s`, and `%px %c %s\t[%s]` for a module's symbols) or a
 * System.map (`address type name`, no modules; the same reader). Bad lines are skipped with a
 * warning naming file:line; a file where no line parses is a SnapshotError naming the first bad one.
 */
export function readKallsyms(
  input: SnapshotInput,
  kind: 'kallsyms' | 'system-map' = 'kallsyms',
  /** Lower than MAX_SYMBOLS only in tests. */
  maxSymbols: number = MAX_SYMBOLS,
): SymbolSnapshot {
  const warnings = new SnapshotWarnings(input.file);
  const symbols = new SymbolTable();
  const ksymtab: number[] = [];
  /** The chunk being read, registered with the table once a symbol of it is kept. */
  let chunk = '';
  let chunkIndex: number | undefined;
  let nonZeroAddresses = 0;
  let dataSymbols = 0;
  let truncated = false;
  let moduleLines = 0;

  const lines = scanLines(input, {
    tooLong: (line) => warnings.badLine(line, 'line too long for a symbol line'),
    chunk(text) {
      chunk = text;
      chunkIndex = undefined;
    },
    line(text, start, end, lineNumber) {
      if (start === end) return true;
      // The address: up to 16 hex digits (8 on 32-bit kernels), split in two 32-bit halves.
      let high = 0;
      let low = 0;
      let i = start;
      for (; i < end; i++) {
        const digit = hexValue(text.charCodeAt(i));
        if (digit < 0) break;
        high = ((high << 4) | (low >>> 28)) >>> 0;
        low = ((low << 4) | digit) >>> 0;
      }
      const digits = i - start;
      if (digits === 0 || digits > 16 || text.charCodeAt(i) !== CH_SPACE) {
        warnings.badLine(lineNumber, () => describeBadLine(text, start, end, 'an address of hex digits and a space'));
        return true;
      }
      const type = text.charCodeAt(i + 1);
      // Letters, and `?`: what 6.1's elf_type() gives a module symbol it cannot place.
      if (!(isLetter(type) || type === CH_QUESTION) || text.charCodeAt(i + 2) !== CH_SPACE) {
        warnings.badLine(lineNumber, () => describeBadLine(text, start, end, 'a type letter after the address'));
        return true;
      }
      // The name, hashed as it is scanned (the table's key), up to the end or a tab.
      const nameStart = i + 3;
      let nameEnd = nameStart;
      let hash = HASH_OFFSET;
      for (; nameEnd < end; nameEnd++) {
        const code = text.charCodeAt(nameEnd);
        if (code < CH_BANG || code > CH_TILDE) break;
        hash = Math.imul(hash ^ code, HASH_PRIME);
      }
      if (nameEnd === nameStart) {
        warnings.badLine(lineNumber, () => describeBadLine(text, start, end, 'a symbol name after the type letter'));
        return true;
      }
      let module = 0;
      if (nameEnd < end) {
        // Only `\t[module]` may follow the name.
        const moduleEnd = wordEnd(text, nameEnd + 2, end, CH_CLOSE_BRACKET);
        const moduleId =
          text.charCodeAt(nameEnd) === CH_TAB &&
          text.charCodeAt(nameEnd + 1) === CH_OPEN_BRACKET &&
          moduleEnd > nameEnd + 2 &&
          moduleEnd === end - 1 &&
          text.charCodeAt(moduleEnd) === CH_CLOSE_BRACKET
            ? symbols.moduleId(text.slice(nameEnd + 2, moduleEnd))
            : undefined;
        if (moduleId === undefined) {
          warnings.badLine(lineNumber, () => describeBadLine(text, start, end, 'only `\\t[module]` after the name'));
          return true;
        }
        module = moduleId;
        moduleLines++;
      }
      if (symbols.size >= maxSymbols) {
        truncated = true;
        return false;
      }
      chunkIndex ??= symbols.addText(chunk);
      if (chunkIndex === undefined) {
        truncated = true;
        return false;
      }
      const index = symbols.add(chunkIndex, nameStart, nameEnd, hash, type, high, low, module);
      if (high !== 0 || low !== 0) nonZeroAddresses++;
      if (isDataType(type)) dataSymbols++;
      if (
        text.charCodeAt(nameStart) === CH_UNDERSCORE &&
        nameEnd - nameStart > KSYMTAB.length &&
        text.startsWith(KSYMTAB, nameStart)
      ) {
        ksymtab.push(index);
      }
      return true;
    },
  });

  if (symbols.size === 0) {
    const bad = warnings.firstBadLine;
    throw new SnapshotError(
      input.file,
      bad?.line ?? 0,
      bad !== undefined
        ? `not a ${kind === 'kallsyms' ? 'kallsyms' : 'System.map'} file: ${bad.reason}`
        : 'holds no symbols (the file is empty)',
    );
  }
  const addressesHidden = nonZeroAddresses === 0;
  symbols.addressesHidden = addressesHidden;
  if (truncated) {
    warnings.addAboutFile(
      `more than ${maxSymbols.toLocaleString('en-US')} symbols, more than any real kernel has; read no further`,
    );
  }
  if (addressesHidden && kind === 'kallsyms') {
    warnings.addAboutFile(
      'every address is zero: kallsyms was read without privilege (kernel.kptr_restrict), so names and types are known but not addresses',
    );
  }
  const exports = exportsFromKsymtab(symbols, ksymtab, addressesHidden);
  if (kind === 'kallsyms' && moduleLines === 0 && exports.size > 0) {
    warnings.addAboutFile('no module symbols: exports of modules are not known from it');
  }
  return {
    kind,
    file: input.file,
    lines,
    symbols,
    exports,
    addressesHidden,
    // Without CONFIG_KALLSYMS_ALL a few dozen data symbols still appear (section markers); a real
    // data table is thousands, far over 1% of all symbols.
    hasDataSymbols: dataSymbols > 0 && dataSymbols * 100 >= symbols.size,
    truncated,
    warnings: warnings.list(),
  };
}

/**
 * `__ksymtab_<name>` entries as exports. GPL-only is told two ways. For vmlinux, by address, when
 * addresses are visible: the entry lies between `__start___ksymtab_gpl` and `__stop___ksymtab_gpl`.
 * For a module, by the case of `<name>`'s own type letter, addresses or not: kallsyms prints a
 * module's symbol upper case only when it is in the module's plain export table (s_show and
 * is_exported in 6.1), so an exported symbol printed lower case is an EXPORT_SYMBOL_GPL one.
 */
function exportsFromKsymtab(symbols: SymbolTable, ksymtab: readonly number[], addressesHidden: boolean): ExportTable {
  const exports = new ExportTable();
  if (ksymtab.length === 0) return exports;
  const gplStart = symbols.find('__start___ksymtab_gpl');
  const gplStop = symbols.find('__stop___ksymtab_gpl');
  const vmlinuxKnown = !addressesHidden && gplStart !== -1 && gplStop !== -1;
  const compare = (a: number, b: number): number =>
    symbols.addressHigh(a) - symbols.addressHigh(b) || symbols.addressLow(a) - symbols.addressLow(b);
  for (const index of ksymtab) {
    const module = symbols.moduleIndex(index);
    const name = symbols.name(index).slice(KSYMTAB.length);
    let known: boolean;
    let gplOnly: boolean;
    if (module === 0) {
      known = vmlinuxKnown;
      gplOnly = known && compare(index, gplStart) >= 0 && compare(index, gplStop) < 0;
    } else {
      const own = symbols.findAll(name).find((i) => symbols.moduleIndex(i) === module);
      known = own !== undefined;
      gplOnly = own !== undefined && !isGlobalType(symbols.typeCode(own));
    }
    exports.addFields(name, module === 0 ? 'vmlinux' : symbols.modules[module]!, gplOnly, known, '', -1);
  }
  return exports;
}
