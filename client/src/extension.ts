import type * as vscode from 'vscode';
import { LanguageServerContext } from './languageServerContext';

let server: LanguageServerContext | undefined;

/** Activation only: every feature lives in its own file and registers its own disposables. */
export async function activate(context: vscode.ExtensionContext): Promise<LanguageServerContext> {
  server = new LanguageServerContext(context);
  context.subscriptions.push(server);
  await server.start();
  return server;
}

/** Returning the stop lets the editor wait for the server's clean shutdown. */
export function deactivate(): Promise<void> | undefined {
  return server?.stop();
}
