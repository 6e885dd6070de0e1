/**
 * The kernel log lines written since the last operation, read with `dmesg -r` and never cleared
 * (the target's log stays as it was). A mark is the last record seen: its timestamp, and how many
 * records share that timestamp, so records of the same microsecond are neither lost nor repeated.
 */
import type { LogLevel, LogRecord } from '../simulator/kernelLog';
import { RemoteError } from './remoteError';

/** `<6>[   12.345678] text`: what `dmesg -r` prints (util-linux and busybox alike). */
const RAW_LINE = /^<(\d+)>\[\s*(\d+)\.(\d{6})\] ?(.*)$/;

/** Parses `dmesg -r` output into the simulator's log records (seq counts from 0 in this text). */
export function parseDmesgRaw(text: string): LogRecord[] {
  const records: LogRecord[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = RAW_LINE.exec(line);
    if (m === null) {
      // A continuation line of a multi-line record.
      const last = records.pop();
      if (last === undefined) throw new RemoteError('protocol', `not a 'dmesg -r' line: ${JSON.stringify(line)}`);
      records.push({ ...last, text: `${last.text}\n${line}` });
      continue;
    }
    const facilityLevel = Number(m[1]);
    records.push({
      seq: records.length,
      level: (facilityLevel & 7) as LogLevel,
      timeUs: Number(m[2]) * 1e6 + Number(m[3]),
      text: m[4]!,
    });
  }
  return records;
}

export interface LogMark {
  readonly timeUs: number;
  /** Records at exactly timeUs already seen. */
  readonly atTime: number;
}

export const LOG_START: LogMark = { timeUs: -1, atTime: 0 };

/** The records after `mark`, and the mark to use next time. */
export function recordsSince(records: readonly LogRecord[], mark: LogMark): { records: LogRecord[]; mark: LogMark } {
  const last = records[records.length - 1];
  // The clock went back: the target rebooted since the mark, and its whole log is new.
  if (last !== undefined && last.timeUs < mark.timeUs) return recordsSince(records, LOG_START);
  const fresh: LogRecord[] = [];
  let sameTime = 0;
  for (const r of records) {
    if (r.timeUs < mark.timeUs) continue;
    if (r.timeUs === mark.timeUs) {
      sameTime++;
      if (sameTime <= mark.atTime) continue;
    }
    fresh.push(r);
  }
  if (last === undefined) return { records: fresh, mark };
  const atTime = records.filter((r) => r.timeUs === last.timeUs).length;
  return { records: fresh, mark: { timeUs: last.timeUs, atTime } };
}

/** Collects from a source of `dmesg -r` text (the remote target gives it). */
export class DmesgCollector {
  private mark: LogMark = LOG_START;

  constructor(private readonly read: () => Promise<string>) {}

  /** Everything up to now counts as seen. */
  async markNow(): Promise<void> {
    this.mark = recordsSince(parseDmesgRaw(await this.read()), LOG_START).mark;
  }

  /** The records since the last call (or markNow); they count as seen afterwards. */
  async collect(): Promise<LogRecord[]> {
    const result = recordsSince(parseDmesgRaw(await this.read()), this.mark);
    this.mark = result.mark;
    return result.records;
  }

  /** After a reboot the clock starts again: everything in the new log is new. */
  forget(): void {
    this.mark = LOG_START;
  }
}
