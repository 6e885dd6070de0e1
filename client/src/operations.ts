import * as vscode from 'vscode';
import type { OperationResult } from '../../server/src/protocol/lkmProtocol';
import type { KernelLogChannel } from './kernelLogChannel';
import { failureMessage } from './kernelLogFormat';
import { errorMessage, wasCancelled } from './serverConnection';
import type { TargetStateModel } from './targetState';

export interface RunOptions {
  /** What the progress says: `Loading hello into ssh root@vm`. */
  readonly title: string;
  /** Slow work (SSH, uploads, fetches) gets a cancellable notification; the simulator, the status bar. */
  readonly slow: boolean;
}

/**
 * Runs the target operations the same way: with progress that can be cancelled (the token goes to
 * the request), the transcript in the Kernel Log, the new state in the view, and a failure shown
 * in the kernel's words. Resolves undefined when cancelled or when the request itself failed.
 */
export class OperationRunner {
  constructor(
    private readonly model: TargetStateModel,
    private readonly log: KernelLogChannel,
  ) {}

  async operation(
    options: RunOptions,
    send: (token: vscode.CancellationToken) => Promise<OperationResult>,
  ): Promise<OperationResult | undefined> {
    const release = this.log.hold();
    try {
      const result = await this.request(options, send);
      if (result === undefined) return undefined;
      this.log.writeOperation(result);
      this.model.update(result.state);
      if (!result.ok) void this.showFailure(result);
      return result;
    } finally {
      release();
    }
  }

  /** A request that is no tool run (select target, fetch symbols): progress and error handling only. */
  async request<R>(options: RunOptions, send: (token: vscode.CancellationToken) => Promise<R>): Promise<R | undefined> {
    let cancellation: vscode.CancellationToken | undefined;
    try {
      return await vscode.window.withProgress(
        {
          location: options.slow ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window,
          title: options.title,
          cancellable: options.slow,
        },
        (_progress, token) => {
          cancellation = token;
          return send(token);
        },
      );
    } catch (error) {
      if (wasCancelled(error, cancellation)) {
        this.log.note('info', `${options.title}: cancelled`);
      } else {
        this.log.note('error', `${options.title}: ${errorMessage(error)}`);
        void vscode.window.showErrorMessage(`${options.title} failed: ${errorMessage(error)}`);
      }
      return undefined;
    }
  }

  private async showFailure(result: OperationResult): Promise<void> {
    const show = 'Show Kernel Log';
    if ((await vscode.window.showErrorMessage(failureMessage(result), show)) === show) this.log.show();
  }
}
