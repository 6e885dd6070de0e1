import * as vscode from 'vscode';
import {
  KernelLogAppendedNotification,
  KernelLogRequest,
  type KernelLogLine,
  type OperationResult,
  type TargetState,
} from '../../server/src/protocol/lkmProtocol';
import { channelLevel, operationTranscript, type ChannelLevel } from './kernelLogFormat';
import type { ServerConnection } from './serverConnection';
import type { TargetStateModel } from './targetState';

/** The test API keeps this much of the channel's text. */
const KEPT_LINES = 5000;

/**
 * The "Kernel Log" channel: the target's dmesg, each record at its level, and every operation the
 * editor ran (the command, its output). A record can arrive twice (in the operation's result and
 * in the appended notification), so records are written once by their sequence number.
 */
export class KernelLogChannel implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Kernel Log', { log: true });
  private readonly written = new Set<number>();
  private readonly lines: string[] = [];
  private target: string | undefined;
  /** While operations run, pushed records wait, so they follow the command line that caused them. */
  private holds = 0;
  private held: KernelLogLine[] = [];
  private readonly disposables: vscode.Disposable[] = [this.channel];

  constructor(
    private readonly server: ServerConnection,
    model: TargetStateModel,
  ) {
    this.disposables.push(
      server.onNotification(KernelLogAppendedNotification, (records) => {
        if (this.holds > 0) this.held.push(...records);
        else this.appendRecords(records);
      }),
      server.onDidStart(() => void this.fetch()),
      model.onDidChange((state) => this.followTarget(state)),
    );
  }

  /** Reads the whole log of the target (the records not written yet). */
  async fetch(): Promise<void> {
    try {
      this.appendRecords(await this.server.request(KernelLogRequest, {}));
    } catch {
      // A server that cannot answer has nothing to show yet; the notifications bring what comes.
    }
  }

  appendRecords(records: readonly KernelLogLine[]): void {
    for (const record of [...records].sort((a, b) => a.seq - b.seq)) {
      if (this.written.has(record.seq)) continue;
      this.written.add(record.seq);
      this.write(channelLevel(record.level), record.formatted);
    }
  }

  writeOperation(result: OperationResult): void {
    for (const line of operationTranscript(result)) this.write(line.level, line.text);
    this.appendRecords(result.log);
  }

  /** Holds pushed records back until the returned release (an operation's transcript comes first). */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holds > 0) return;
      const records = this.held;
      this.held = [];
      this.appendRecords(records);
    };
  }

  /** A new boot or another target numbers its records from the start again. */
  startOver(heading: string): void {
    this.written.clear();
    this.write('info', `--- ${heading} ---`);
  }

  note(level: ChannelLevel, text: string): void {
    this.write(level, text);
  }

  show(): void {
    this.channel.show(true);
  }

  /** The channel's text as written, each line with its level (the test API reads it). */
  text(): string {
    return this.lines.join('\n');
  }

  private followTarget(state: TargetState): void {
    const target = `${state.target.kind} ${state.target.label}`;
    const previous = this.target;
    this.target = target;
    if (previous === undefined || previous === target) return;
    this.startOver(`target: ${state.target.label}`);
    void this.fetch();
  }

  private write(level: ChannelLevel, text: string): void {
    this.channel[level](text);
    this.lines.push(`[${level}] ${text}`);
    if (this.lines.length > KEPT_LINES) this.lines.splice(0, this.lines.length - KEPT_LINES);
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
