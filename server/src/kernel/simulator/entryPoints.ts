/**
 * Running a module's code. The simulated kernel does not execute C: it asks an EntryPointRunner what
 * init and exit do. The default runner takes the declared defaults (init returns 0, nothing is
 * printed) and says so; an interpreter of a C subset can implement the same interface later.
 */
import type { DeviceNumbers } from './devices';
import type { LogLevel } from './kernelLog';
import type { LoadableModule } from './loadableModule';

export interface PrintkLine {
  readonly level: LogLevel;
  /** Without the trailing newline; printk's own prefix handling is the runner's business. */
  readonly text: string;
}

export interface CallResult {
  /** The callee's return value, when its code was simulated. */
  readonly value?: number;
  readonly printk: readonly PrintkLine[];
  /** What the callee's simulation approximated (defaults taken, …). */
  readonly notes?: readonly string[];
}

/** What code running inside the kernel can see and do. */
export interface EntryContext {
  readonly module: LoadableModule;
  /** The parameter's current value as its sysfs file reads (elements for arrays), if it has one. */
  parameter(name: string): readonly string[] | undefined;
  /**
   * Calls an exported function of the kernel or of a loaded module. For a module's export, the
   * exporter's runner is asked (callFunction); undefined when nobody exports it.
   */
  callExport(name: string, args: readonly number[]): CallResult | undefined;
  /** The kernel's device numbers (register_chrdev, …); a runner without them keeps its own. */
  readonly devices?: DeviceNumbers;
}

export interface EntryResult {
  /** What init returned (exit's value is ignored). */
  readonly returnValue: number;
  /** printk lines in the order they were printed (including those of calls into other modules). */
  readonly printk: readonly PrintkLine[];
  /** False when nothing ran: the declared defaults were taken. */
  readonly simulated: boolean;
  /** Why not simulated, or what was approximated. */
  readonly note?: string;
  /** What a simulation approximated (defaults taken for kernel calls, …); kept even when simulated. */
  readonly notes?: readonly string[];
}

export interface EntryPointRunner {
  runInit(context: EntryContext): EntryResult;
  runExit(context: EntryContext): EntryResult;
  /** Runs one of the module's functions for a caller in another module; undefined when not simulated. */
  callFunction?(context: EntryContext, name: string, args: readonly number[]): CallResult | undefined;
}

/** Init returns 0 and prints nothing; exit prints nothing. */
export class DefaultEntryPointRunner implements EntryPointRunner {
  runInit(context: EntryContext): EntryResult {
    return {
      returnValue: 0,
      printk: [],
      simulated: false,
      note: `${context.module.name}: init not simulated (taken to return 0 and print nothing)`,
    };
  }

  runExit(context: EntryContext): EntryResult {
    return {
      returnValue: 0,
      printk: [],
      simulated: false,
      note: `${context.module.name}: exit not simulated (taken to print nothing)`,
    };
  }
}

export interface ScriptedEntry {
  readonly returns?: number;
  readonly printk?: readonly PrintkLine[];
  /** Computes the result from the context (parameters, calls into other modules). */
  readonly run?: (context: EntryContext) => { returnValue?: number; printk?: readonly PrintkLine[] };
}

export interface ModuleScript {
  readonly init?: ScriptedEntry;
  readonly exit?: ScriptedEntry;
  readonly functions?: Readonly<Record<string, (args: readonly number[]) => CallResult>>;
}

/**
 * A runner that plays scripted results per module name; modules without a script get the
 * defaults. For tests of the loader's paths (init returning -ENODEV, a positive value, …).
 */
export class ScriptedEntryPointRunner implements EntryPointRunner {
  /** @param fallback runs the modules without a script (default: the declared defaults). */
  constructor(
    private readonly scripts: Readonly<Record<string, ModuleScript>>,
    private readonly fallback: EntryPointRunner = new DefaultEntryPointRunner(),
  ) {}

  runInit(context: EntryContext): EntryResult {
    const entry = this.scripts[context.module.name]?.init;
    return entry ? play(entry, context) : this.fallback.runInit(context);
  }

  runExit(context: EntryContext): EntryResult {
    const entry = this.scripts[context.module.name]?.exit;
    return entry ? play(entry, context) : this.fallback.runExit(context);
  }

  callFunction(context: EntryContext, name: string, args: readonly number[]): CallResult | undefined {
    const scripted = this.scripts[context.module.name]?.functions?.[name];
    return scripted !== undefined ? scripted(args) : this.fallback.callFunction?.(context, name, args);
  }
}

function play(entry: ScriptedEntry, context: EntryContext): EntryResult {
  const computed = entry.run?.(context);
  return {
    returnValue: computed?.returnValue ?? entry.returns ?? 0,
    printk: [...(entry.printk ?? []), ...(computed?.printk ?? [])],
    simulated: true,
  };
}
