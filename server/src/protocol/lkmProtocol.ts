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
