import type { Diagnostic } from '../checks/diagnostic';
import { LineIndex } from '../text/lineIndex';

/** Files larger than this are not parsed: no kernel C source comes near it, generated tables can. */
export const DEFAULT_MAX_FILE_SIZE_MB = 4;

export interface InputLimits {
  readonly maxFileSizeBytes: number;
}

export const DEFAULT_INPUT_LIMITS: InputLimits = { maxFileSizeBytes: DEFAULT_MAX_FILE_SIZE_MB * 1024 * 1024 };

const WHOLE_FILE = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** A warning when a file of `sizeBytes` is over the limit and will not be parsed. */
export function fileTooLarge(sizeBytes: number, limits: InputLimits = DEFAULT_INPUT_LIMITS): Diagnostic | undefined {
  if (sizeBytes <= limits.maxFileSizeBytes) return undefined;
  return {
    range: WHOLE_FILE,
    severity: 'warning',
    code: 'file-too-large',
    source: 'lkm',
    message: `not analysed: the file is ${formatMegabytes(sizeBytes)}, over the limit of ${formatMegabytes(limits.maxFileSizeBytes)} (setting lkm.maxFileSize, option --max-file-size).`,
  };
}

/** Why a text cannot be analysed as C, as a diagnostic on its first line; undefined when it can. */
export function inspectSourceText(text: string, limits: InputLimits = DEFAULT_INPUT_LIMITS): Diagnostic | undefined {
  // text.length never exceeds the UTF-8 size, and the UTF-8 size never exceeds 3 × text.length.
  const size = text.length * 3 <= limits.maxFileSizeBytes ? text.length : Buffer.byteLength(text, 'utf8');
  const tooLarge = fileTooLarge(size, limits);
  if (tooLarge !== undefined) return tooLarge;
  const nul = text.indexOf('\0');
  if (nul !== -1) {
    const at = new LineIndex(text).positionAt(nul);
    return {
      range: WHOLE_FILE,
      severity: 'error',
      code: 'not-c-source',
      source: 'lkm',
      message: `not a C source: it holds binary data (a NUL byte at line ${at.line + 1}, column ${at.character + 1}).`,
    };
  }
  return undefined;
}

export interface DecodedSource {
  readonly text: string;
  /** A warning when the bytes were not valid UTF-8 and were decoded with replacement characters. */
  readonly encodingProblem?: Diagnostic;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
const LENIENT_UTF8 = new TextDecoder('utf-8');

/** Decodes file bytes; invalid UTF-8 (old Latin-1 sources exist) is read anyway and reported once. */
export function decodeSourceBytes(bytes: Uint8Array): DecodedSource {
  try {
    return { text: STRICT_UTF8.decode(bytes) };
  } catch {
    const badByte = firstInvalidUtf8Byte(bytes);
    const text = LENIENT_UTF8.decode(bytes);
    const at = new LineIndex(LENIENT_UTF8.decode(bytes.subarray(0, badByte))).positionAt(Number.MAX_SAFE_INTEGER);
    return {
      text,
      encodingProblem: {
        range: { start: at, end: { line: at.line, character: at.character + 1 } },
        severity: 'warning',
        code: 'invalid-utf8',
        source: 'lkm',
        message: `invalid UTF-8 at byte ${badByte}: the file was read with replacement characters, so text near it may be reported inexactly.`,
      },
    };
  }
}

function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  // Bisect on the strict decoder: a prefix is valid exactly when it ends before the first bad byte
  // (a prefix may also end inside a valid sequence, so check with stream mode).
  let low = 0;
  let high = bytes.length;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (isValidUtf8Prefix(bytes.subarray(0, mid))) low = mid;
    else high = mid - 1;
  }
  return low;
}

function isValidUtf8Prefix(prefix: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(prefix, { stream: true });
    return true;
  } catch {
    return false;
  }
}

function formatMegabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
