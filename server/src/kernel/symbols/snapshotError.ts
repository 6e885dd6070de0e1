/**
 * A file that is not a symbol snapshot at all (not kallsyms, System.map, Module.symvers or a .ko), or
 * that cannot be read. Lines that merely fail to parse are warnings, never this error.
 */
export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';

  constructor(
    /** The file, as the user named it. */
    readonly file: string,
    /** 1-based line of the first bad line; 0 when the error is about the file as a whole. */
    readonly line: number,
    /** What is wrong, without the location. */
    readonly reason: string,
    options?: { cause: unknown },
  ) {
    super(line > 0 ? `${file}:${line}: ${reason}` : `${file}: ${reason}`, options);
  }
}
