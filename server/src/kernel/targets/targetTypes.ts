/**
 * What a kernel to load into answers, the same for the simulated kernel and a remote one over SSH:
 * plain data, so the language server can send it as it is (the protocol re-exports these types).
 */

/** Which kernel the load commands act on. */
export type TargetSpec =
  | { readonly kind: 'simulated' }
  | {
      readonly kind: 'ssh';
      /** A host name, a `Host` alias from ~/.ssh/config, or `user@host`. */
      readonly host: string;
      readonly port?: number;
      readonly user?: string;
      readonly identityFile?: string;
      /** `ssh -F FILE` instead of ~/.ssh/config. */
      readonly configFile?: string;
    };

export interface TargetInfo {
  readonly kind: 'simulated' | 'ssh';
  /** One line for the status bar: `simulated 6.1.0-56-amd64`, `ssh root@vm`. */
  readonly label: string;
  /** `uname -r`, once known. */
  readonly release?: string;
  /** /proc/sys/kernel/tainted. */
  readonly tainted: number;
  /** The taint letters of the oops `Tainted:` line (`POE`), empty when clean. */
  readonly taintLetters: string;
  /** Each taint flag set, in the kernel's words (`O: externally-built ("out-of-tree") module was loaded`). */
  readonly taintReasons: readonly string[];
  /** Whether this is a real kernel (loading asks for confirmation). */
  readonly real: boolean;
}

/** One /proc/modules line. */
export interface LoadedModuleInfo {
  readonly name: string;
  /** Core + init size in bytes, as /proc/modules prints it. */
  readonly size: number;
  /** The use count (module_refcount). */
  readonly useCount: number;
  /** Modules that use this one. */
  readonly usedBy: readonly string[];
  readonly state: 'Live' | 'Loading' | 'Unloading';
  /** The module's taint letters (`OE`), empty when none. */
  readonly taint: string;
  /** `[permanent]`: an init and no exit, so it can never be unloaded. */
  readonly permanent: boolean;
  /** The workspace .ko or source folder it was loaded from, when this editor loaded it. */
  readonly loadedFrom?: string;
  /** The parameters it was loaded with (`name=value` words). */
  readonly loadedWith?: readonly string[];
}

export interface TargetState {
  readonly target: TargetInfo;
  readonly modules: readonly LoadedModuleInfo[];
}

export type KernelLogLevel = 'emerg' | 'alert' | 'crit' | 'err' | 'warning' | 'notice' | 'info' | 'debug';

export interface KernelLogLine {
  /** Increases by one per record; `lkm/kernelLog` takes the last one seen. */
  readonly seq: number;
  readonly level: KernelLogLevel;
  /** Microseconds since boot. */
  readonly timeUs: number;
  readonly text: string;
  /** As `dmesg` prints it: `[   12.345678] hello: loaded`. */
  readonly formatted: string;
}

/** What one load, unload or modprobe did, in the tools' and the kernel's own words. */
export interface OperationResult {
  readonly ok: boolean;
  /** The command as typed in a shell: `insmod /ws/hello/hello.ko who=world`. */
  readonly command: string;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The kernel log lines the operation produced. */
  readonly log: readonly KernelLogLine[];
  /** When it failed: the kernel's words and what to do next (`Unknown symbol prov_add: load provider first, or use Load with Dependencies`). */
  readonly advice?: string;
  /** What the simulator approximated or could not run (code outside the interpreter's subset, …). */
  readonly notes: readonly string[];
  /** The target after the operation. */
  readonly state: TargetState;
}

export interface ModuleParameterInfo {
  readonly name: string;
  /** As modinfo prints it: `int`, `charp`, `array of int`, `string`. */
  readonly type: string;
  /** The initial value, as its sysfs file would read. */
  readonly default?: string;
  readonly description?: string;
  /** The sysfs mode in octal (`0644`), `0000` when there is no file. */
  readonly permissions: string;
}

/** A module the workspace can load: a built .ko, or a source folder (loaded as the .ko kbuild would make). */
export interface ModuleCandidate {
  readonly name: string;
  /** Absolute path of the .ko or the source folder. */
  readonly path: string;
  readonly kind: 'ko' | 'source';
  readonly description?: string;
  readonly license?: string;
  readonly parameters: readonly ModuleParameterInfo[];
  /** Modules it needs loaded first (from the symbols it imports), by name. */
  readonly depends: readonly string[];
}

/** A parameter value the kernel would refuse, in the kernel's words. */
export interface ParameterProblem {
  /** The `name=value` word. */
  readonly word: string;
  readonly message: string;
}
