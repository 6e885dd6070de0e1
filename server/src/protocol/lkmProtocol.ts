/**
 * The workbench's own LSP messages, declared once: the server registers handlers for them and the
 * client sends them, both from these objects, so method names and shapes cannot drift apart.
 * Other LSP editors can send the same requests (the README shows Neovim).
 */

/**
 * A request: its method, and its parameter and result types for both sides. Plain data, so the
 * client and the server need not share one copy of vscode-jsonrpc (they bundle different ones).
 */
export interface LkmRequest<Params, Result> {
  readonly method: string;
  /** Never set: carries the types. */
  readonly types?: (params: Params) => Result;
}

export interface LkmNotification<Params> {
  readonly method: string;
  readonly types?: (params: Params) => void;
}

/** The kernel profile the analysis checks against: what the status bar and `lkm/kernelProfile` show. */
export interface KernelProfileInfo {
  /** Where it came from: the settings, this machine's kernel, a remote target, the bundled profile, or none. */
  readonly origin: 'settings' | 'host' | 'remote' | 'bundled' | 'none';
  /** One line: `Linux 6.1.0-56-amd64 from …/Module.symvers (24,683 exports, …)`. */
  readonly description: string;
  readonly release?: string;
  readonly files: readonly { readonly kind: string; readonly path: string; readonly entries: number }[];
  readonly exports: number;
  readonly gplOnly: number;
  readonly symbols: number;
  readonly exportsKnown: boolean;
  readonly addressesHidden: boolean;
  /** Files that could not be read and choices not taken, each naming its file. */
  readonly problems: readonly string[];
}

export const KernelProfileRequest: LkmRequest<void, KernelProfileInfo> = { method: 'lkm/kernelProfile' };

/** Sent when the profile changes (settings, headers, a fetch from a target). */
export const KernelProfileChangedNotification: LkmNotification<void> = { method: 'lkm/kernelProfileChanged' };

// ---- Kernels to load into: the simulated kernel (default) or a remote one over SSH -------------

export type {
  KernelLogLevel,
  KernelLogLine,
  LoadedModuleInfo,
  ModuleCandidate,
  ModuleParameterInfo,
  OperationResult,
  ParameterProblem,
  TargetInfo,
  TargetSpec,
  TargetState,
} from '../kernel/targets/targetTypes';
import type {
  KernelLogLine,
  ModuleCandidate,
  OperationResult,
  ParameterProblem,
  TargetSpec,
  TargetState,
} from '../kernel/targets/targetTypes';

/** The modules of the workspace that can be loaded: built .ko files and module source folders. */
export const ModuleCandidatesRequest: LkmRequest<void, ModuleCandidate[]> = { method: 'lkm/moduleCandidates' };

/** Checks `name=value` words the way kernel/params.c would, before they are sent to a kernel. */
export const CheckParametersRequest: LkmRequest<
  { readonly path: string; readonly parameters: readonly string[] },
  ParameterProblem[]
> = { method: 'lkm/checkParameters' };

/** insmod: a .ko or a module source folder of the workspace, with `name=value` parameters. */
export const LoadModuleRequest: LkmRequest<
  { readonly path: string; readonly parameters?: readonly string[] },
  OperationResult
> = { method: 'lkm/loadModule' };

/** rmmod, or rmmod -f with `force`. */
export const UnloadModuleRequest: LkmRequest<{ readonly name: string; readonly force?: boolean }, OperationResult> = {
  method: 'lkm/unloadModule',
};

/** rmmod, then insmod from where it was loaded, with the same parameters. */
export const ReloadModuleRequest: LkmRequest<{ readonly name: string }, OperationResult> = {
  method: 'lkm/reloadModule',
};

/**
 * modprobe NAME (or modprobe -r): the workspace's modules are installed in
 * /lib/modules/<release>/extra and depmod runs first, so dependencies load in order.
 */
export const ModprobeRequest: LkmRequest<
  { readonly name: string; readonly parameters?: readonly string[]; readonly remove?: boolean },
  OperationResult
> = { method: 'lkm/modprobe' };

/** The target and its /proc/modules. */
export const TargetStateRequest: LkmRequest<void, TargetState> = { method: 'lkm/targetState' };

/** The kernel log after record `afterSeq` (all of it when absent). */
export const KernelLogRequest: LkmRequest<{ readonly afterSeq?: number }, KernelLogLine[]> = {
  method: 'lkm/kernelLog',
};

/** Boots a fresh simulated kernel (the saved state is dropped). */
export const ResetKernelRequest: LkmRequest<void, TargetState> = { method: 'lkm/resetKernel' };

/**
 * Switches the target; connects (and reads the release) for an SSH host. A request that cannot run
 * at all (a dead host, a missing file) fails with a JSON-RPC error whose message says why; a tool
 * that ran and failed is an OperationResult with `ok: false`.
 */
export const SelectTargetRequest: LkmRequest<TargetSpec, TargetState> = { method: 'lkm/selectTarget' };

/** Fetches /proc/kallsyms and Module.symvers from the remote target and makes them the kernel profile. */
export const FetchSymbolsRequest: LkmRequest<void, KernelProfileInfo> = { method: 'lkm/fetchSymbols' };

/** Sent after every operation that changed the target (load, unload, reset, target switch). */
export const TargetStateChangedNotification: LkmNotification<TargetState> = { method: 'lkm/targetStateChanged' };

/** New kernel log lines, as the target printed them. */
export const KernelLogAppendedNotification: LkmNotification<KernelLogLine[]> = { method: 'lkm/kernelLogAppended' };

/**
 * The same operations as `workspace/executeCommand` commands, for LSP editors that send commands
 * rather than custom requests; each takes the request's parameters as its one argument.
 */
export const SERVER_COMMANDS = {
  'lkm-server.moduleCandidates': ModuleCandidatesRequest,
  'lkm-server.loadModule': LoadModuleRequest,
  'lkm-server.unloadModule': UnloadModuleRequest,
  'lkm-server.reloadModule': ReloadModuleRequest,
  'lkm-server.modprobe': ModprobeRequest,
  'lkm-server.targetState': TargetStateRequest,
  'lkm-server.kernelLog': KernelLogRequest,
  'lkm-server.resetKernel': ResetKernelRequest,
  'lkm-server.selectTarget': SelectTargetRequest,
  'lkm-server.fetchSymbols': FetchSymbolsRequest,
} as const;

/** What the client passes in `initializationOptions`. */
export interface LkmInitializationOptions {
  /** A folder the server may write to (the simulated kernel's saved state); per workspace. */
  readonly storagePath?: string;
}
