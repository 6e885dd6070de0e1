import * as vscode from 'vscode';
import {
  LoadModuleRequest,
  ModprobeRequest,
  ReloadModuleRequest,
  ResetKernelRequest,
  UnloadModuleRequest,
  type LoadedModuleInfo,
  type ModuleCandidate,
  type OperationResult,
  type TargetState,
} from '../../../server/src/protocol/lkmProtocol';
import { loadArguments, modprobeArguments, moduleNameArgument, unloadOptions } from '../commandArguments';
import type { KernelLogChannel } from '../kernelLogChannel';
import { confirmLoad } from '../loadConfirmation';
import { moduleNameOfPath, pickLoadedModule, pickModuleCandidate } from '../modulePickers';
import type { OperationRunner } from '../operations';
import { promptParameters } from '../parameterPrompt';
import type { ServerConnection } from '../serverConnection';
import type { TargetStateModel } from '../targetState';

export interface ModuleCommandDeps {
  readonly server: ServerConnection;
  readonly model: TargetStateModel;
  readonly log: KernelLogChannel;
  readonly runner: OperationRunner;
}

/**
 * Load, unload, reload, modprobe and reset. Each takes its choice as an argument or asks for it,
 * and returns the OperationResult (undefined when the user backed out).
 */
export function registerModuleCommands(deps: ModuleCommandDeps): vscode.Disposable[] {
  const { server, model, log, runner } = deps;

  /** The target as last seen, asked for when not yet known (the confirmation depends on it). */
  async function currentTarget(): Promise<TargetState | undefined> {
    return model.state ?? (await model.refresh());
  }

  /** Loads ask first on a real kernel; uploads and remote runs are slow, so they can be cancelled. */
  async function load(
    what: string,
    verb: string,
    send: (token: vscode.CancellationToken) => Promise<OperationResult>,
  ): Promise<OperationResult | undefined> {
    const state = await currentTarget();
    if (state !== undefined && !(await confirmLoad(state.target, what))) return undefined;
    const label = state?.target.label ?? 'the target';
    return runner.operation({ title: `${verb} ${what} into ${label}`, slow: state?.target.kind === 'ssh' }, send);
  }

  /** A module of the workspace and its parameters, asked for in turn; undefined when the user backs out. */
  async function pickWithParameters(
    title: string,
  ): Promise<{ candidate: ModuleCandidate; parameters: string[] } | undefined> {
    const candidate = await pickModuleCandidate(server, title);
    const parameters = candidate === undefined ? undefined : await promptParameters(server, candidate);
    return candidate === undefined || parameters === undefined ? undefined : { candidate, parameters };
  }

  async function loadModule(arg?: unknown): Promise<OperationResult | undefined> {
    const given = loadArguments(arg);
    const chosen = given === undefined ? await pickWithParameters('Load Module (insmod)') : undefined;
    const params = given ?? (chosen && { path: chosen.candidate.path, parameters: chosen.parameters });
    if (params === undefined) return undefined;
    return load(moduleNameOfPath(params.path), 'Loading', (token) => server.request(LoadModuleRequest, params, token));
  }

  async function unloadModule(arg?: unknown, options?: unknown): Promise<OperationResult | undefined> {
    let name = moduleNameArgument(arg, 'lkm.unloadModule');
    // The view's menus pass the element, and a second argument only with multi-selection.
    let { force } = unloadOptions(Array.isArray(options) ? undefined : options);
    // Prompts only for a choice made here (the picker, or the view's own element); a name given by a
    // test or a keybinding runs as given, so a busy module's refusal comes back as the result.
    const chosenHere = arg === undefined || isLoadedModule(arg);
    if (chosenHere) {
      const module = name === undefined ? await pickLoadedModule(model, 'Unload Module (rmmod)') : findLoaded(name);
      if (module === undefined && name === undefined) return undefined;
      name = module?.name ?? name;
      if (module !== undefined && !force && (module.permanent || module.useCount > 0)) {
        const decision = await askForce(module);
        if (decision === undefined) return undefined;
        force = decision;
      }
    }
    if (name === undefined) return undefined;
    const params = { name, force };
    return runner.operation(
      { title: `${force ? 'Force-unloading' : 'Unloading'} ${name}`, slow: model.state?.target.kind === 'ssh' },
      (token) => server.request(UnloadModuleRequest, params, token),
    );
  }

  function findLoaded(name: string): LoadedModuleInfo | undefined {
    return model.state?.modules.find((module) => module.name === name);
  }

  async function reloadModule(arg?: unknown): Promise<OperationResult | undefined> {
    const name = moduleNameArgument(arg, 'lkm.reloadModule') ?? (await pickLoadedModule(model, 'Reload Module'))?.name;
    if (name === undefined) return undefined;
    return load(name, 'Reloading', (token) => server.request(ReloadModuleRequest, { name }, token));
  }

  async function modprobe(arg?: unknown): Promise<OperationResult | undefined> {
    const given = modprobeArguments(arg);
    const chosen = given === undefined ? await pickWithParameters('Load with Dependencies (modprobe)') : undefined;
    const params = given ?? (chosen && { name: chosen.candidate.name, parameters: chosen.parameters });
    if (params === undefined) return undefined;
    return load(params.name, 'modprobe: loading', (token) => server.request(ModprobeRequest, params, token));
  }

  async function modprobeRemove(arg?: unknown): Promise<OperationResult | undefined> {
    const name =
      moduleNameArgument(arg, 'lkm.modprobeRemove') ??
      (await pickLoadedModule(model, 'Remove with Dependencies (modprobe -r)'))?.name;
    if (name === undefined) return undefined;
    return runner.operation({ title: `modprobe -r ${name}`, slow: model.state?.target.kind === 'ssh' }, (token) =>
      server.request(ModprobeRequest, { name, remove: true }, token),
    );
  }

  async function resetKernel(): Promise<TargetState | undefined> {
    const state = await runner.request({ title: 'Booting a fresh simulated kernel', slow: false }, (token) =>
      server.request(ResetKernelRequest, undefined, token),
    );
    if (state === undefined) return undefined;
    log.startOver('the simulated kernel was reset');
    model.update(state);
    await log.fetch();
    return state;
  }

  async function refreshModules(): Promise<TargetState | undefined> {
    const slow = model.state?.target.kind === 'ssh';
    return runner.request({ title: 'Reading /proc/modules', slow }, (token) => model.refresh(token));
  }

  return [
    vscode.commands.registerCommand('lkm.loadModule', loadModule),
    vscode.commands.registerCommand('lkm.unloadModule', unloadModule),
    vscode.commands.registerCommand('lkm.reloadModule', reloadModule),
    vscode.commands.registerCommand('lkm.modprobe', modprobe),
    vscode.commands.registerCommand('lkm.modprobeRemove', modprobeRemove),
    vscode.commands.registerCommand('lkm.resetKernel', resetKernel),
    vscode.commands.registerCommand('lkm.refreshModules', refreshModules),
    vscode.commands.registerCommand('lkm.showKernelLog', () => log.show()),
  ];
}

function isLoadedModule(value: unknown): value is LoadedModuleInfo {
  return typeof value === 'object' && value !== null && 'name' in value && 'useCount' in value;
}

/** rmmod would refuse this module: say why, and offer rmmod -f with what it risks. Undefined: back out. */
async function askForce(module: LoadedModuleInfo): Promise<boolean | undefined> {
  const why = module.permanent
    ? `${module.name} has an init but no exit, so the kernel marks it [permanent] and rmmod refuses it.`
    : `${module.name} is in use (${module.useCount}${module.usedBy.length > 0 ? `, by ${module.usedBy.join(', ')}` : ''}), so rmmod refuses it.`;
  const force = 'Force Unload (rmmod -f)';
  const plain = 'Try rmmod';
  const choice = await vscode.window.showWarningMessage(
    `Unload ${module.name}?`,
    {
      modal: true,
      detail: `${why}\n\nrmmod -f removes it anyway (on kernels built with CONFIG_MODULE_FORCE_UNLOAD) and taints the kernel (R). Whatever still uses its code or data can then crash the kernel.`,
    },
    force,
    plain,
  );
  return choice === undefined ? undefined : choice === force;
}
