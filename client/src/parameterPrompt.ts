import * as vscode from 'vscode';
import { CheckParametersRequest, type ModuleCandidate } from '../../server/src/protocol/lkmProtocol';
import {
  describeParameterProblems,
  localValueProblem,
  parameterPickItem,
  parameterPrompt,
  parameterWord,
} from './parameterWords';
import type { ServerConnection } from './serverConnection';

/**
 * Asks for a module's parameters: which ones to set (none keeps every default), then each value,
 * checked as typed and all together by the server the way kernel/params.c checks them.
 * Resolves undefined when the user backs out.
 */
export async function promptParameters(
  server: ServerConnection,
  candidate: ModuleCandidate,
): Promise<string[] | undefined> {
  if (candidate.parameters.length === 0) return [];
  // What the user typed last round, offered again after the kernel's verdict.
  const typed = new Map<string, string>();
  for (;;) {
    const picked = await vscode.window.showQuickPick(
      candidate.parameters.map((parameter) => ({
        ...parameterPickItem(parameter),
        picked: typed.has(parameter.name),
        parameter,
      })),
      {
        title: `Parameters of ${candidate.name}: check the ones to set (none: all defaults)`,
        canPickMany: true,
        matchOnDescription: true,
        matchOnDetail: true,
      },
    );
    if (picked === undefined) return undefined;
    const words: string[] = [];
    for (const { parameter } of picked) {
      const value = await vscode.window.showInputBox({
        title: `${candidate.name}: ${parameter.name}`,
        prompt: parameterPrompt(parameter),
        value: typed.get(parameter.name) ?? parameter.default ?? '',
        ignoreFocusOut: true,
        validateInput: (text) => validateValue(server, candidate.path, parameter.name, text),
      });
      if (value === undefined) return undefined;
      typed.set(parameter.name, value);
      words.push(parameterWord(parameter.name, value));
    }
    const problems = await checkWords(server, candidate.path, words);
    if (problems === undefined) return words;
    const edit = 'Edit Parameters';
    const choice = await vscode.window.showErrorMessage(
      `The kernel would refuse these parameters of ${candidate.name}`,
      { modal: true, detail: problems },
      edit,
    );
    if (choice !== edit) return undefined;
  }
}

async function validateValue(
  server: ServerConnection,
  modulePath: string,
  name: string,
  value: string,
): Promise<vscode.InputBoxValidationMessage | undefined> {
  const local = localValueProblem(value);
  if (local !== undefined) return { message: local, severity: vscode.InputBoxValidationSeverity.Error };
  const problems = await checkWords(server, modulePath, [parameterWord(name, value)]);
  return problems === undefined ? undefined : { message: problems, severity: vscode.InputBoxValidationSeverity.Error };
}

/** The server's verdict as text, or undefined when the kernel would take the words. */
async function checkWords(
  server: ServerConnection,
  modulePath: string,
  words: readonly string[],
): Promise<string | undefined> {
  if (words.length === 0) return undefined;
  try {
    const problems = await server.request(CheckParametersRequest, { path: modulePath, parameters: words });
    return problems.length === 0 ? undefined : describeParameterProblems(problems);
  } catch {
    // A server that cannot check leaves the verdict to the kernel itself, at load time.
    return undefined;
  }
}
