/**
 * The kernel log ring buffer (printk): records with a level, a sequence number and a monotonic
 * timestamp in microseconds. `dmesg -r` prints `<level>[seconds.micros] text`.
 */
export type LogLevel = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

export const KERN = {
  EMERG: 0,
  ALERT: 1,
  CRIT: 2,
  ERR: 3,
  WARNING: 4,
  NOTICE: 5,
  INFO: 6,
  DEBUG: 7,
} as const satisfies Record<string, LogLevel>;

export interface LogRecord {
  readonly seq: number;
  readonly level: LogLevel;
  /** Microseconds since boot. */
  readonly timeUs: number;
  readonly text: string;
}

/** Default capacity in records; the real buffer is bytes (CONFIG_LOG_BUF_SHIFT), records are close enough. */
const DEFAULT_CAPACITY = 4096;

export class KernelLog {
  private records: LogRecord[] = [];
  private nextSeq = 0;
  /** Records before this sequence number were cleared (dmesg -c). */
  private clearSeq = 0;

  constructor(readonly capacity = DEFAULT_CAPACITY) {}

  append(level: LogLevel, timeUs: number, text: string): LogRecord {
    // printk splits multi-line text into one record per line.
    let record: LogRecord | undefined;
    for (const line of text.replace(/\n$/, '').split('\n')) {
      record = { seq: this.nextSeq++, level, timeUs, text: line };
      this.records.push(record);
    }
    if (this.records.length > this.capacity) this.records.splice(0, this.records.length - this.capacity);
    return record!;
  }

  /** Records not yet cleared, oldest first. */
  unread(): readonly LogRecord[] {
    return this.records.filter((r) => r.seq >= this.clearSeq);
  }

  all(): readonly LogRecord[] {
    return this.records;
  }

  /** `dmesg -c`: what is returned is never printed again. */
  clear(): void {
    this.clearSeq = this.nextSeq;
  }

  toJSON(): { records: LogRecord[]; nextSeq: number; clearSeq: number } {
    return { records: [...this.records], nextSeq: this.nextSeq, clearSeq: this.clearSeq };
  }

  static fromJSON(data: { records: LogRecord[]; nextSeq: number; clearSeq: number }, capacity?: number): KernelLog {
    const log = new KernelLog(capacity);
    log.records = data.records.map((r) => ({ ...r }));
    log.nextSeq = data.nextSeq;
    log.clearSeq = data.clearSeq;
    return log;
  }
}

/** `[    6.213333]`: printk's `[%5lu.%06lu]`. */
export function formatTimestamp(timeUs: number): string {
  const seconds = Math.floor(timeUs / 1e6);
  const micros = timeUs % 1e6;
  return `[${String(seconds).padStart(5, ' ')}.${String(micros).padStart(6, '0')}]`;
}

/** One line as `dmesg -r` prints it. */
export function formatRaw(record: LogRecord): string {
  return `<${record.level}>${formatTimestamp(record.timeUs)} ${record.text}`;
}
