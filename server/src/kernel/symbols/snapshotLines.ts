import { closeSync, openSync, readSync } from 'node:fs';
import { SnapshotError } from './snapshotError';

/** A snapshot to read: a file by path (read in chunks, never whole), or bytes already in memory. */
export interface SnapshotInput {
  /** The name used in warnings and errors; also the path read when `bytes` is absent. */
  readonly file: string;
  readonly bytes?: Uint8Array;
}

/** Longer lines are no symbol line of any format (KSYM_NAME_LEN is 512): skipped without decoding. */
export const MAX_LINE_BYTES = 64 * 1024;
/**
 * Big enough that chunk overhead vanishes, small enough that a 200 MB file never becomes one string;
 * and under 1 MB, so that Node makes each chunk an ordinary V8 string, not an external one whose
 * bytes count as external memory and push V8 into extra collections while a profile loads.
 */
const CHUNK_BYTES = 1000 * 1000;

export interface LineVisitor {
  /**
   * One line: `text.slice(start, end)`, without its `\n` or `\r\n`; `text` is the whole chunk, so a
   * parser slices only the fields it keeps. Returns false to stop reading.
   */
  line(text: string, start: number, end: number, lineNumber: number): boolean;
  /** A line over MAX_LINE_BYTES, not decoded. */
  tooLong(lineNumber: number): void;
  /** A new chunk of text begins; the lines that follow are ranges of it (until the next call). */
  chunk?(text: string): void;
}

let chunkBuffer: Buffer | undefined;

type ReadInto = (buffer: Buffer, offset: number, length: number) => number;

/** Runs `use` with a chunk reader over the input; the file is closed afterwards. Unreadable → SnapshotError. */
export function withReader<T>(input: SnapshotInput, use: (read: ReadInto) => T): T {
  const bytes = input.bytes;
  if (bytes !== undefined) {
    let position = 0;
    return use((buffer, offset, length) => {
      const count = Math.min(length, bytes.length - position);
      buffer.set(bytes.subarray(position, position + count), offset);
      position += count;
      return count;
    });
  }
  let fd: number;
  try {
    fd = openSync(input.file, 'r');
  } catch (error) {
    throw unreadable(input.file, error);
  }
  try {
    return use((buffer, offset, length) => {
      try {
        return readSync(fd, buffer, offset, length, null);
      } catch (error) {
        throw unreadable(input.file, error);
      }
    });
  } finally {
    closeSync(fd);
  }
}

function unreadable(file: string, error: unknown): SnapshotError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const what = code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code ?? String(error)})`;
  return new SnapshotError(file, 0, what, { cause: error });
}

/** The first `length` bytes (fewer for a short file), for telling formats apart. */
export function readHead(input: SnapshotInput, length: number): Buffer {
  return withReader(input, (read) => {
    const head = Buffer.alloc(length);
    let filled = 0;
    for (let count = -1; count !== 0 && filled < length; filled += count) {
      count = read(head, filled, length - filled);
    }
    return head.subarray(0, filled);
  });
}

/**
 * Calls the visitor for every line of the input, reading it in chunks of a few MB: memory stays flat
 * whatever the file's size, and no array of lines is ever made. Bytes become characters one to one
 * (latin1), so binary data cannot fail to decode; parsers reject what is not printable ASCII.
 * A last line without its newline is still a line. Returns how many lines there were.
 */
export function scanLines(input: SnapshotInput, visitor: LineVisitor): number {
  return withReader(input, (read) => {
    // One buffer for every read: reads are synchronous and never nested, and a fresh one per
    // file would only be garbage for the collector.
    const buffer = (chunkBuffer ??= Buffer.allocUnsafe(CHUNK_BYTES));
    let filled = 0;
    let lineNumber = 0;
    /** Inside a line already reported too long: drop bytes up to its newline. */
    let skipping = false;
    for (;;) {
      const count = read(buffer, filled, buffer.length - filled);
      const end = filled + count;
      const view = buffer.subarray(0, end);
      let from = 0;
      if (skipping) {
        const newline = view.indexOf(10);
        if (newline === -1) {
          filled = 0;
          if (count === 0) return lineNumber + 1;
          continue;
        }
        skipping = false;
        lineNumber++;
        from = newline + 1;
      }
      if (count === 0) {
        // End of input: what is left is a last line without a newline.
        if (end > from) {
          const text = buffer.toString('latin1', from, end);
          visitor.chunk?.(text);
          lineNumber++;
          visitLine(visitor, text, 0, text.length, lineNumber);
        }
        return lineNumber;
      }
      const last = view.lastIndexOf(10);
      if (last >= from) {
        const text = buffer.toString('latin1', from, last + 1);
        visitor.chunk?.(text);
        let start = 0;
        while (start < text.length) {
          const newline = text.indexOf('\n', start);
          lineNumber++;
          if (!visitLine(visitor, text, start, newline, lineNumber)) return lineNumber;
          start = newline + 1;
        }
        from = last + 1;
      }
      buffer.copy(buffer, 0, from, end);
      filled = end - from;
      if (filled > MAX_LINE_BYTES) {
        visitor.tooLong(lineNumber + 1);
        skipping = true;
        filled = 0;
      }
    }
  });
}

function visitLine(visitor: LineVisitor, text: string, start: number, end: number, lineNumber: number): boolean {
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  if (end - start > MAX_LINE_BYTES) {
    visitor.tooLong(lineNumber);
    return true;
  }
  return visitor.line(text, start, end, lineNumber);
}
