/**
 * The EntryPointRunner that interprets a module's C: it finds the module's sources (a source
 * module's folder, or the folder found beside a .ko), reads them once per change (program.ts), and
 * runs init, exit and the functions other modules call. Each loaded module keeps its variables from
 * init to exit (an instance); parameters are read from what the kernel holds (EntryContext) when
 * they differ from the initial value (at init) or changed since (at exit, after sysfs writes).
 * Without sources it answers as DefaultEntryPointRunner does. Nothing escapes as an exception:
 * bounds, unsupported code and internal faults become notes with the declared defaults.
 */
import * as path from 'node:path';
import type { CParser } from '../parsing/cParser';
import {
  DefaultEntryPointRunner,
  type CallResult,
  type EntryContext,
  type EntryPointRunner,
  type EntryResult,
  type PrintkLine,
} from '../simulator/entryPoints';
import type { LoadableModule } from '../simulator/loadableModule';
import { DEFAULT_LIMITS, Evaluator, StopRun, type Instance, type Limits, type Services } from './evaluator';
import { DeviceNumbers } from '../simulator/devices';
import { filesStamp, moduleFiles, readProgram, type Program, type ProgramParameter } from './program';
import { intValue, Memory, T, wrap, type CType, type Value } from './values';

export interface InterpreterOptions {
  readonly limits?: Partial<Limits>;
  /** Where a module's sources are when the module does not say (tests, modules without sources beside them). */
  readonly sourceDir?: (module: LoadableModule) => string | undefined;
}

interface LiveInstance extends Instance {
  /** Each parameter's value (as the kernel holds it) when the module last read it. */
  readonly seen: Map<string, string>;
}

/** Calls of exports between modules nested deeper than this stop (A calls B calls A …). */
const MAX_CROSS_MODULE_DEPTH = 16;

export class InterpreterEntryPointRunner implements EntryPointRunner {
  private readonly fallback = new DefaultEntryPointRunner();
  private readonly programs = new Map<string, { stamp: string; folderStamp: string; program: Program }>();
  private readonly instances = new Map<string, LiveInstance>();
  /** Device numbers for contexts that bring no kernel's (tests that run a module alone). */
  readonly devices = new DeviceNumbers();
  private readonly limits: Limits;
  private nextAddress = 0xffff888004000000n;
  /** The step budget of the outermost entry point running, shared with the calls it makes. */
  private budget: { steps: number } | undefined;
  private crossDepth = 0;

  constructor(
    private readonly parser: CParser,
    private readonly options: InterpreterOptions = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
  }

  /** The module's program, or undefined when its sources are not known. */
  programFor(module: LoadableModule): Program | undefined {
    const dir = module.sourceDir ?? this.options.sourceDir?.(module);
    if (dir === undefined) return undefined;
    const key = `${dir}\0${module.name}`;
    // The folder's and its makefiles' stamps say whether the list of files can have changed.
    const folderStamp = filesStamp([dir, path.join(dir, 'Kbuild'), path.join(dir, 'Makefile')]);
    const cached = this.programs.get(key);
    const files =
      cached !== undefined && cached.folderStamp === folderStamp ? cached.program.files : moduleFiles(dir, module.name);
    if (files.length === 0) return undefined;
    const stamp = filesStamp(files);
    if (cached !== undefined && cached.stamp === stamp && cached.folderStamp === folderStamp) return cached.program;
    const program = readProgram(this.parser, module.name, files);
    this.programs.set(key, { stamp, folderStamp, program });
    return program;
  }

  runInit(context: EntryContext): EntryResult {
    return this.runEntry(context, 'init');
  }

  runExit(context: EntryContext): EntryResult {
    return this.runEntry(context, 'exit');
  }

  callFunction(context: EntryContext, name: string, args: readonly number[]): CallResult | undefined {
    const module = context.module;
    let program: Program | undefined;
    try {
      program = this.programFor(module);
    } catch (error) {
      return { printk: [], notes: [`${module.name}: its sources could not be read (${describe(error)})`] };
    }
    const fn = program?.functions.get(name);
    if (program === undefined || fn === undefined) return undefined;
    if (this.crossDepth >= MAX_CROSS_MODULE_DEPTH)
      return {
        printk: [],
        notes: [
          `${module.name}: calls between modules nested deeper than ${MAX_CROSS_MODULE_DEPTH}: ${name}() not run`,
        ],
      };
    const notes: string[] = [];
    const instance = this.instances.get(module.name) ?? this.newInstance(program, context, notes, 'call');
    this.crossDepth++;
    const outer = this.budget;
    this.budget ??= { steps: this.limits.steps };
    try {
      const run = this.run(instance, context, (ev) =>
        ev.callFunction(
          fn,
          args.map((a) => intValue(BigInt(Math.trunc(a)), T.long)),
        ),
      );
      const value = run.value;
      return {
        ...(value !== undefined && value.k === 'int' ? { value: Number(value.v) } : {}),
        printk: run.printk,
        notes: [...notes, ...run.notes],
      };
    } finally {
      this.crossDepth--;
      this.budget = outer;
    }
  }

  private runEntry(context: EntryContext, which: 'init' | 'exit'): EntryResult {
    const module = context.module;
    let program: Program | undefined;
    try {
      program = this.programFor(module);
    } catch (error) {
      const result = which === 'init' ? this.fallback.runInit(context) : this.fallback.runExit(context);
      return { ...result, notes: [`${module.name}: its sources could not be read (${describe(error)})`] };
    }
    if (program === undefined)
      return which === 'init' ? this.fallback.runInit(context) : this.fallback.runExit(context);
    const entryName = which === 'init' ? program.init : program.exit;
    const fn = entryName === undefined ? undefined : program.functions.get(entryName);
    if (fn === undefined) {
      if (which === 'exit') this.instances.delete(module.name);
      const why =
        program.wrapper !== undefined
          ? `${which} written by ${program.wrapper} not simulated (taken to ${which === 'init' ? 'register it and return 0; no device binds, so probe() is not called' : 'unregister it'})`
          : `${which} function ${entryName ?? '(none named)'} not found in the sources; taken to ${which === 'init' ? 'return 0' : 'do nothing'}`;
      return { returnValue: 0, printk: [], simulated: false, note: `${module.name}: ${why}` };
    }
    const notes: string[] = [...program.notes];
    let instance: LiveInstance;
    if (which === 'init') {
      instance = this.newInstance(program, context, notes, 'init');
      this.instances.set(module.name, instance);
    } else {
      const existing = this.instances.get(module.name);
      instance = existing ?? this.newInstance(program, context, notes, 'exit');
      if (existing !== undefined) this.readParameters(instance, context, notes);
    }
    const outer = this.budget;
    this.budget = { steps: this.limits.steps };
    try {
      const run = this.run(instance, context, (ev) => ev.callFunction(fn, []));
      notes.push(...run.notes);
      let returnValue = 0;
      if (which === 'init') {
        if (run.stopped) notes.push(`${module.name}: init taken to return 0 after the simulation stopped`);
        else if (run.value?.k === 'int') returnValue = Number(BigInt.asIntN(32, run.value.v));
        if (returnValue < 0) this.instances.delete(module.name);
      } else this.instances.delete(module.name);
      return { returnValue, printk: run.printk, simulated: true, notes: [...new Set(notes)] };
    } finally {
      this.budget = outer;
    }
  }

  /** Runs `body` with an evaluator of the instance; bounds and faults become notes. */
  private run(
    instance: LiveInstance,
    context: EntryContext,
    body: (ev: Evaluator) => Value,
  ): { value?: Value; printk: readonly PrintkLine[]; notes: string[]; stopped: boolean } {
    const name = context.module.name;
    const ev = new Evaluator(
      instance,
      this.services(context),
      this.budget ?? { steps: this.limits.steps },
      this.limits,
    );
    let value: Value | undefined;
    let stopped = false;
    try {
      value = body(ev);
    } catch (error) {
      stopped = true;
      if (error instanceof StopRun) ev.note(error.reason);
      else if (error instanceof RangeError)
        ev.note('the code nests too deeply for the simulator (stack exhausted); stopped');
      else ev.note(`internal error of the interpreter: ${describe(error)}; stopped`);
    }
    return {
      ...(value !== undefined ? { value } : {}),
      printk: ev.printk,
      notes: [...[...ev.notes].map((n) => `${name}: ${n}`), ...ev.foreignNotes],
      stopped,
    };
  }

  private services(context: EntryContext): Services {
    return {
      moduleName: context.module.name,
      devices: context.devices ?? this.devices,
      allocate: (size) => {
        const address = this.nextAddress;
        this.nextAddress += BigInt(Math.max(64, Math.ceil(Math.min(size, 1 << 30) / 64) * 64));
        return address;
      },
      callExport: (name, args) => {
        const numbers = args.map((a) =>
          a.k === 'int' ? Number(BigInt.asIntN(64, a.v)) : a.k === 'token' ? Number(BigInt.asIntN(64, a.address)) : 0,
        );
        const result = context.callExport(name, numbers);
        if (result === undefined) return undefined;
        return {
          ...(result.value !== undefined ? { value: intValue(BigInt(Math.trunc(result.value)), T.long) } : {}),
          printk: result.printk,
          ...(result.notes !== undefined ? { notes: result.notes } : {}),
        };
      },
      symbolSize: (name) => context.module.symbols.find((s) => s.name === name)?.size,
    };
  }

  private newInstance(
    program: Program,
    context: EntryContext,
    notes: string[],
    why: 'init' | 'exit' | 'call',
  ): LiveInstance {
    const instance: LiveInstance = {
      program,
      globals: new Map(),
      statics: new Map(),
      once: new Set(),
      seen: new Map(),
    };
    if (why === 'exit')
      notes.push(
        `${context.module.name}: its variables before exit are not known (loaded before this simulator run, or restored): exit sees their initial values`,
      );
    const outer = this.budget;
    this.budget ??= { steps: this.limits.steps };
    try {
      const run = this.run(instance, context, (ev) => {
        for (const decl of program.globals) {
          if (instance.globals.has(decl.name) && decl.init === undefined) continue;
          instance.globals.set(decl.name, ev.declare(decl, undefined));
        }
        return { k: 'void' };
      });
      notes.push(...run.notes);
    } finally {
      this.budget = outer;
    }
    if (why === 'init') {
      for (const p of context.module.parameters) instance.seen.set(p.name, p.initial.join('\0'));
    }
    this.readParameters(instance, context, notes);
    return instance;
  }

  /** Parameters whose value the kernel holds differs from what the module last saw: into its variables. */
  private readParameters(instance: LiveInstance, context: EntryContext, notes: string[]): void {
    const name = context.module.name;
    for (const p of instance.program.parameters) {
      const current = context.parameter(p.name);
      if (current === undefined) continue;
      const key = current.join('\0');
      if (instance.seen.get(p.name) === key) continue;
      instance.seen.set(p.name, key);
      const cell = instance.globals.get(p.variable);
      if (cell === undefined) {
        notes.push(`${name}: parameter ${p.name}: its variable ${p.variable} was not found in the sources`);
        continue;
      }
      const error = setParameter(cell, p, current, instance, (size) => this.services(context).allocate(size));
      if (error !== undefined) notes.push(`${name}: parameter ${p.name}: ${error}`);
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One parameter element, as get() printed it, as a value of the variable's element type. */
function elementValue(
  text: string,
  p: ProgramParameter,
  element: Value,
  allocate: (n: number) => bigint,
): Value | string {
  const type = p.type ?? (p.kind === 'string' ? 'string' : 'int');
  if (type === 'charp') {
    if (text === '(null)') return { k: 'int', v: 0n, t: T.ulong };
    return stringValue(text, allocate);
  }
  if (type === 'bool' || type === 'bint' || type === 'invbool') {
    const truth = text === 'Y' || text === '1';
    const set = type === 'invbool' ? !truth : truth;
    return element.k === 'int'
      ? { k: 'int', v: wrap(set ? 1n : 0n, element.t), t: element.t }
      : intValue(set ? 1n : 0n);
  }
  let v: bigint;
  try {
    v = BigInt(text.trim());
  } catch {
    return `the value '${text}' is not an integer the simulator can read`;
  }
  return element.k === 'int' ? { k: 'int', v: wrap(v, element.t), t: element.t } : intValue(v, T.long);
}

function stringValue(text: string, allocate: (n: number) => bigint): Value {
  const bytes = Buffer.from(text, 'utf8');
  const memory = new Memory(T.char, bytes.length + 1, 'a parameter string', allocate(bytes.length + 1));
  bytes.forEach((b, i) => memory.set(i, { k: 'int', v: BigInt.asIntN(8, BigInt(b)), t: T.char }));
  return { k: 'ptr', mem: memory, off: 0 };
}

function setParameter(
  cell: { value: Value; readonly type: CType },
  p: ProgramParameter,
  elements: readonly string[],
  instance: LiveInstance,
  allocate: (n: number) => bigint,
): string | undefined {
  if (p.kind === 'callback') return 'module_param_cb: its ops are not simulated; the variable keeps its value';
  if (p.kind === 'string') {
    if (cell.value.k !== 'ptr') return 'not a character array';
    const memory = cell.value.mem;
    const bytes = Buffer.from(elements[0] ?? '', 'utf8');
    const n = Math.min(bytes.length, memory.length - 1);
    for (let i = 0; i < n; i++) memory.set(i, { k: 'int', v: BigInt.asIntN(8, BigInt(bytes[i]!)), t: T.char });
    memory.set(Math.max(0, n), { k: 'int', v: 0n, t: T.char });
    return undefined;
  }
  if (p.kind === 'array') {
    if (cell.value.k !== 'ptr') return 'not an array';
    const memory = cell.value.mem;
    for (let i = 0; i < Math.min(elements.length, memory.length); i++) {
      const v = elementValue(elements[i]!, p, memory.get(i), allocate);
      if (typeof v === 'string') return v;
      memory.set(i, v);
    }
    if (p.countVariable !== undefined) {
      const count = instance.globals.get(p.countVariable);
      if (count !== undefined && count.type.kind === 'int')
        count.value = { k: 'int', v: wrap(BigInt(elements.length), count.type), t: count.type };
    }
    return undefined;
  }
  const v = elementValue(elements[0] ?? '', p, cell.value, allocate);
  if (typeof v === 'string') return v;
  cell.value = v;
  return undefined;
}
