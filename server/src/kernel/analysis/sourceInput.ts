import { START_OF_FILE, type Diagnostic } from '../checks/diagnostic';
import { LineIndex } from '../text/lineIndex';

/** Files larger than this are not parsed: no kernel C source comes near it, generated tables can. */
export const DEFAULT_MAX_FILE_SIZE_MB = 4;

export interface InputLimits {
  readonly maxFileSizeBytes: number;
}

export const DEFAULT_INPUT_LIMITS: InputLimits = inputLimits(DEFAULT_MAX_FILE_SIZE_MB);

/** Limits from a size in megabytes, as the setting and the CLI option give it. */
export function inputLimits(maxFileSizeMb: number): InputLimits {
  return { maxFileSizeBytes: maxFileSizeMb * 1024 * 1024 };
}

/** A warning when a file of `sizeBytes` is over the limit and will not be parsed. */
export function fileTooLarge(sizeBytes: number, limits: InputLimits = DEFAULT_INPUT_LIMITS): Diagnostic | undefined {
  if (sizeBytes <= limits.maxFileSizeBytes) return undefined;
  return {
    range: START_OF_FILE,
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
      range: START_OF_FILE,
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

/** Offset of the first byte of the first ill-formed UTF-8 sequence (RFC 3629), or the length. */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const lead = bytes[i]!;
    const length =
      lead < 0x80
        ? 1
        : lead >= 0xc2 && lead <= 0xdf
          ? 2
          : lead >= 0xe0 && lead <= 0xef
            ? 3
            : lead >= 0xf0 && lead <= 0xf4
              ? 4
              : 0;
    if (length === 0 || i + length > bytes.length) return i;
    const second = bytes[i + 1]!;
    // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
    if (length > 1) {
      const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
      const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
      if (second < low || second > high) return i;
    }
    for (let k = 2; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += length;
  }
  return bytes.length;
}

function formatMegabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
