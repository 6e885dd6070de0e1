/**
 * Little-endian reads from untrusted bytes. Every read is checked against the bytes that exist and
 * answers undefined past them, so a reader of a damaged file can never index out of range; the
 * callers decide what a missing value means.
 */
export class ByteReader {
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  /** Whether `size` bytes from `offset` exist. */
  has(offset: number, size: number): boolean {
    return Number.isSafeInteger(offset) && offset >= 0 && size >= 0 && offset + size <= this.bytes.length;
  }

  u8(offset: number): number | undefined {
    return this.has(offset, 1) ? this.view.getUint8(offset) : undefined;
  }

  u16(offset: number): number | undefined {
    return this.has(offset, 2) ? this.view.getUint16(offset, true) : undefined;
  }

  u32(offset: number): number | undefined {
    return this.has(offset, 4) ? this.view.getUint32(offset, true) : undefined;
  }

  u64(offset: number): bigint | undefined {
    return this.has(offset, 8) ? this.view.getBigUint64(offset, true) : undefined;
  }

  i64(offset: number): bigint | undefined {
    return this.has(offset, 8) ? this.view.getBigInt64(offset, true) : undefined;
  }

  /** The bytes of [offset, offset + size) clipped to what exists; no copy. */
  slice(offset: number, size: number): Uint8Array {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset >= this.bytes.length || size <= 0) {
      return new Uint8Array(0);
    }
    return this.bytes.subarray(offset, Math.min(this.bytes.length, offset + size));
  }
}

const UTF8 = new TextDecoder('utf-8');

/**
 * The NUL-terminated string at `offset` in `table`. A string that runs off the end of its table is
 * no string at all (undefined) unless `allowUnterminated`, then it ends with the table.
 */
export function cString(table: Uint8Array, offset: number, allowUnterminated = false): string | undefined {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset >= table.length) return undefined;
  const nul = table.indexOf(0, offset);
  if (nul === -1 && !allowUnterminated) return undefined;
  return UTF8.decode(table.subarray(offset, nul === -1 ? table.length : nul));
}
