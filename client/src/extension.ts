import type * as vscode from 'vscode';
import { LanguageServerContext } from './languageServerContext';

/** Activation only: every feature lives in its own file and registers its own disposables. */
export async function activate(context: vscode.ExtensionContext): Promise<LanguageServerContext> {
  const server = new LanguageServerContext(context);
  context.subscriptions.push(server);
  await server.start();
  return server;
}

export function deactivate(): void {
  // The context's dispose (registered in activate) stops the client.
}
