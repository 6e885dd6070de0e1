import * as path from 'node:path';
import * as vscode from 'vscode';
import { kbuildInvocation } from './kbuildInvocation';
import { pickModuleCandidate } from './modulePickers';
import type { ServerConnection } from './serverConnection';
import { readSetting } from './workspaceSettings';
import { requireTrust } from './workspaceTrust';

export const KBUILD_TASK_TYPE = 'kbuild';

/** A `kbuild` task in tasks.json: `{ "type": "kbuild", "module": "${workspaceFolder}/hello" }`. */
interface KbuildTaskDefinition extends vscode.TaskDefinition {
  readonly module: string;
  readonly kernelBuildDir?: string;
}

export interface BuildResult {
  readonly module: string;
  /** make's exit status; undefined when the build was cancelled. */
  readonly exitCode: number | undefined;
}

/**
 * Build Module: `make -C <kernel build dir> M=<module folder> modules` as a VS Code task, so its
 * output goes to the terminal and gcc's and modpost's messages to the Problems view.
 */
export function registerBuildTask(server: ServerConnection): vscode.Disposable[] {
  return [
    vscode.tasks.registerTaskProvider(KBUILD_TASK_TYPE, {
      provideTasks: () => [],
      resolveTask: (task) => {
        const definition = task.definition as Partial<KbuildTaskDefinition>;
        if (typeof definition.module !== 'string') return undefined;
        return kbuildTask(definition as KbuildTaskDefinition, task.scope);
      },
    }),
    vscode.commands.registerCommand('lkm.buildModule', (arg?: unknown) => buildModule(server, arg)),
  ];
}

function kbuildTask(definition: KbuildTaskDefinition, scope?: vscode.Task['scope']): vscode.Task {
  const { buildDir, args } = kbuildInvocation(
    definition.module,
    definition.kernelBuildDir ?? readSetting<string>('kernelHeaders', ''),
  );
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(definition.module));
  const execution = new vscode.ShellExecution(
    'make',
    args.map((arg) => ({
      value: arg,
      // Weak (double) quotes let the shell expand $(uname -r) in the default build dir.
      quoting: arg === buildDir ? vscode.ShellQuoting.Weak : vscode.ShellQuoting.Strong,
    })),
    { cwd: definition.module },
  );
  return new vscode.Task(
    definition,
    scope ?? folder ?? vscode.TaskScope.Workspace,
    `build ${path.basename(definition.module)}`,
    KBUILD_TASK_TYPE,
    execution,
    // Self-contained matchers (package.json): kbuild prints absolute paths, which $gcc's
    // workspace-relative file location would misplace, and $gcc exists only with the C/C++ extension.
    ['$kbuild-gcc', '$modpost'],
  );
}

async function buildModule(server: ServerConnection, arg: unknown): Promise<BuildResult | undefined> {
  if (!requireTrust('Building a module')) return undefined;
  const module = moduleFolderArgument(arg) ?? (await pickModuleFolder(server));
  if (module === undefined) return undefined;
  const task = kbuildTask({ type: KBUILD_TASK_TYPE, module });
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Building ${path.basename(module)}`, cancellable: true },
    async (_progress, token) => {
      const ended = new Promise<number | undefined>((resolve) => {
        const subscription = vscode.tasks.onDidEndTaskProcess((event) => {
          const definition = event.execution.task.definition as Partial<KbuildTaskDefinition>;
          if (definition.type !== KBUILD_TASK_TYPE || definition.module !== module) return;
          subscription.dispose();
          resolve(event.exitCode);
        });
      });
      const execution = await vscode.tasks.executeTask(task);
      const cancelled = token.onCancellationRequested(() => execution.terminate());
      try {
        const exitCode = await ended;
        return { module, exitCode: token.isCancellationRequested ? undefined : exitCode };
      } finally {
        cancelled.dispose();
      }
    },
  );
}

/** A folder path or Uri (the explorer's context menu passes the Uri); a file stands for its folder. */
function moduleFolderArgument(arg: unknown): string | undefined {
  if (arg === undefined) return undefined;
  const file = arg instanceof vscode.Uri ? arg.fsPath : typeof arg === 'string' ? arg : undefined;
  if (file === undefined) throw new TypeError('lkm.buildModule takes a module folder (a path or a Uri)');
  return /\.(c|h|ko)$|(^|\/)(Kbuild|Makefile)$/.test(file) ? path.dirname(file) : file;
}

/** A module source folder of the workspace. */
async function pickModuleFolder(server: ServerConnection): Promise<string | undefined> {
  return (await pickModuleCandidate(server, 'Build Module (kbuild)', (c) => c.kind === 'source'))?.path;
}
