import type * as vscode from 'vscode';
import { registerBuildTask } from './buildTask';
import { registerModuleCommands } from './commands/moduleCommands';
import { registerSymbolCommands } from './commands/symbolCommands';
import { TargetCommands } from './commands/targetCommands';
import type { LkmExtensionApi } from './extensionApi';
import { KernelLogChannel } from './kernelLogChannel';
import { KernelModulesView } from './kernelModulesView';
import { LanguageServerContext } from './languageServerContext';
import { OperationRunner } from './operations';
import { TargetStateModel } from './targetState';
import { TargetStatus } from './targetStatus';

let server: LanguageServerContext | undefined;

/** Activation only: every feature lives in its own file and registers its own disposables. */
export async function activate(context: vscode.ExtensionContext): Promise<LkmExtensionApi> {
  server = new LanguageServerContext(context);
  const model = new TargetStateModel(server);
  const log = new KernelLogChannel(server, model);
  const view = new KernelModulesView(model);
  const status = new TargetStatus(model);
  const runner = new OperationRunner(model, log);
  const targets = new TargetCommands(server, model, runner);
  context.subscriptions.push(
    server,
    model,
    log,
    view,
    status,
    targets,
    ...registerModuleCommands({ server, model, log, runner }),
    ...registerSymbolCommands(),
    ...registerBuildTask(server),
  );
  // The features ask the server for their first contents when it has started (onDidStart).
  const started = server.start();
  const ready = started.then(async () => {
    await targets.settled();
    await Promise.all([model.refresh(), log.fetch()]);
  });
  await started;
  return {
    ready,
    modulesView: () => view.rows().map((row) => ({ ...row })),
    kernelLogText: () => log.text(),
    statusText: () => status.text(),
  };
}

/** Returning the stop lets the editor wait for the server's clean shutdown. */
export function deactivate(): Promise<void> | undefined {
  return server?.stop();
}
