import type * as vscode from 'vscode';
import type { LkmNotification, LkmRequest } from '../../server/src/protocol/lkmProtocol';

/**
 * What the features need of the language server, typed by the protocol's declarations, so no
 * feature re-types a method name or holds the client itself (languageServerContext.ts owns it).
 */
export interface ServerConnection {
  /** Sends a request (rejects when the server is not running, or the request fails or is cancelled). */
  request<P, R>(request: LkmRequest<P, R>, params: P, token?: vscode.CancellationToken): Promise<R>;
  /** Any number of listeners per notification (the client itself keeps one handler per method). */
  onNotification<P>(notification: LkmNotification<P>, listener: (params: P) => void): vscode.Disposable;
  /** Fires after every start and restart of the server, once it has answered `initialize`. */
  readonly onDidStart: vscode.Event<void>;
}

/** Whether a failed request was the user's cancellation rather than an error to show. */
export function wasCancelled(error: unknown, token?: vscode.CancellationToken): boolean {
  if (token?.isCancellationRequested === true) return true;
  // -32800 RequestCancelled, -32802 ServerCancelled (LSP); vscode.CancellationError's name.
  const code = (error as { code?: unknown } | null)?.code;
  return code === -32800 || code === -32802 || (error instanceof Error && error.name === 'Canceled');
}

/** A request's failure in one sentence: the JSON-RPC error's message says why (a dead host, …). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
