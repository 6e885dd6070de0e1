/**
 * Saving and restoring the simulated machine as versioned JSON: the kernel (modules with their
 * state, references, parameters and taint; global taint and once-per-boot flags; the log; the clock;
 * the module area; the device numbers registered) and the disk. The KernelProfile and the entry-point runner are not saved: they
 * are given again on restore. A saved state that does not read back whole and consistent is refused
 * with a SimulatorStateError saying why.
 */
import { MAJOR_MAX, MINOR_COUNT, type BlockMajor, type CharRegion } from './devices';
import type { EntryPointRunner } from './entryPoints';
import { DEBIAN_6_1_CONFIG, type KernelConfig } from './kernelConfig';
import { KernelLog, type LogRecord } from './kernelLog';
import { KernelState, type LoadedModule, type ModuleState } from './kernelState';
import type { LoadableModule } from './loadableModule';
import { Machine, type DiskFile } from './machine';
import type { ParameterValue } from './params';
import type { KernelProfile } from '../symbols/kernelProfile';

export const STATE_FORMAT = 'lkm-simulated-machine';
export const STATE_VERSION = 1;

export class SimulatorStateError extends Error {
  override readonly name = 'SimulatorStateError';
}

interface SavedModule {
  module: LoadableModule;
  state: ModuleState;
  taints: number[];
  refcount: number;
  externalRefs: number;
  holders: string[];
  uses: string[];
  coreBase: number;
  coreSize: number;
  initBase: number | null;
  initSize: number;
  params: [string, string[]][];
  args: string;
  sigOk: boolean;
  usingGplOnlySymbols: boolean;
}

type SavedFile =
  | { kind: 'bytes'; base64: string }
  | { kind: 'source-module'; module: LoadableModule }
  | { kind: 'text'; text: string };

export interface SavedMachine {
  format: typeof STATE_FORMAT;
  version: number;
  config: KernelConfig;
  cwd: string;
  clockUs: number;
  taint: number[];
  once: string[];
  debugLocks: boolean;
  log: { records: LogRecord[]; nextSeq: number; clearSeq: number };
  allocations: { start: number; pages: number }[];
  pendingInitFrees: number[];
  notes: string[];
  /** Absent in states saved before device numbers were kept: the boot registrations. */
  devices?: { char: CharRegion[]; block: BlockMajor[] };
  modules: SavedModule[];
  files: [string, SavedFile][];
}

export function saveMachine(machine: Machine): SavedMachine {
  const k = machine.kernel;
  return {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    config: { ...k.config },
    cwd: machine.cwd,
    clockUs: k.clockUs,
    taint: [...k.taint].sort((a, b) => a - b),
    once: [...k.once],
    debugLocks: k.debugLocks,
    log: k.log.toJSON(),
    allocations: k.allocations.map((a) => ({ ...a })),
    pendingInitFrees: [...k.pendingInitFrees],
    notes: [...k.notes],
    devices: k.devices.toJSON(),
    modules: k.modules.map((m) => ({
      module: m.module,
      state: m.state,
      taints: [...m.taints].sort((a, b) => a - b),
      refcount: m.refcount,
      externalRefs: m.externalRefs,
      holders: [...m.holders],
      uses: [...m.uses],
      coreBase: m.coreBase,
      coreSize: m.coreSize,
      initBase: m.initBase ?? null,
      initSize: m.initSize,
      params: [...m.params].map(([name, v]) => [name, [...v.elements]]),
      args: m.args,
      sigOk: m.sigOk,
      usingGplOnlySymbols: m.usingGplOnlySymbols,
    })),
    files: [...machine.files].map(([path, file]) => [path, savedFile(file)]),
  };
}

function savedFile(file: DiskFile): SavedFile {
  if (file.kind === 'bytes') return { kind: 'bytes', base64: Buffer.from(file.bytes).toString('base64') };
  if (file.kind === 'text') return { kind: 'text', text: file.text };
  return { kind: 'source-module', module: file.module };
}

export function serializeMachine(machine: Machine): string {
  return JSON.stringify(saveMachine(machine));
}

/** Reads a saved machine back; throws SimulatorStateError naming what is wrong. */
export function restoreMachine(json: string, profile: KernelProfile, runner?: EntryPointRunner): Machine {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw new SimulatorStateError(`not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const s = object(data, 'the state');
  if (s.format !== STATE_FORMAT)
    throw new SimulatorStateError(`not a saved simulated machine (format ${JSON.stringify(s.format)})`);
  if (s.version !== STATE_VERSION)
    throw new SimulatorStateError(`version ${JSON.stringify(s.version)} is not the supported version ${STATE_VERSION}`);
  const config = { ...DEBIAN_6_1_CONFIG, ...(object(s.config, 'config') as Partial<KernelConfig>) };
  if (typeof config.release !== 'string' || typeof config.vermagic !== 'string')
    throw new SimulatorStateError('config has no release or vermagic');
  const kernel = new KernelState({ profile, config, ...(runner ? { runner } : {}) });
  kernel.clockUs = num(s.clockUs, 'clockUs');
  for (const bit of array(s.taint, 'taint')) kernel.taint.add(bitNumber(bit, 'taint'));
  for (const key of array(s.once, 'once')) kernel.once.add(str(key, 'once'));
  kernel.debugLocks = bool(s.debugLocks, 'debugLocks');
  const log = object(s.log, 'log');
  const records = array(log.records, 'log.records').map((r, i) => {
    const rec = object(r, `log record ${i}`);
    const level = num(rec.level, 'log level');
    if (level < 0 || level > 7) throw new SimulatorStateError(`log record ${i} has level ${level}`);
    return {
      seq: num(rec.seq, 'seq'),
      level: level as LogRecord['level'],
      timeUs: num(rec.timeUs, 'timeUs'),
      text: str(rec.text, 'text'),
    };
  });
  kernel.log = KernelLog.fromJSON({
    records,
    nextSeq: num(log.nextSeq, 'nextSeq'),
    clearSeq: num(log.clearSeq, 'clearSeq'),
  });
  kernel.allocations = array(s.allocations, 'allocations').map((a) => {
    const o = object(a, 'allocation');
    return { start: num(o.start, 'allocation start'), pages: num(o.pages, 'allocation pages') };
  });
  kernel.pendingInitFrees = array(s.pendingInitFrees, 'pendingInitFrees').map((n) => num(n, 'pendingInitFrees'));
  for (const note of array(s.notes, 'notes')) kernel.notes.push(str(note, 'note'));
  if (s.devices !== undefined) kernel.devices.restore(devices(s.devices));
  kernel.modules = array(s.modules, 'modules').map((raw, i) => restoreModule(raw, i));
  checkConsistency(kernel);
  const machine = new Machine(kernel);
  machine.cwd = str(s.cwd, 'cwd');
  for (const entry of array(s.files, 'files')) {
    const [path, file] = array(entry, 'file entry');
    const f = object(file, 'file');
    const key = str(path, 'file path');
    if (f.kind === 'bytes')
      machine.files.set(key, { kind: 'bytes', bytes: new Uint8Array(Buffer.from(str(f.base64, 'base64'), 'base64')) });
    else if (f.kind === 'text') machine.files.set(key, { kind: 'text', text: str(f.text, 'text') });
    else if (f.kind === 'source-module')
      machine.files.set(key, { kind: 'source-module', module: loadable(f.module, key) });
    else throw new SimulatorStateError(`file ${key} has kind ${JSON.stringify(f.kind)}`);
  }
  return machine;
}

const STATES: readonly ModuleState[] = ['unformed', 'coming', 'live', 'going'];

/** The saved device numbers: majors below 512, minor ranges inside a major, no overlaps. */
function devices(raw: unknown): { char: CharRegion[]; block: BlockMajor[] } {
  const d = object(raw, 'devices');
  const major = (v: unknown, what: string) => {
    const n = num(v, what);
    if (!Number.isInteger(n) || n < 1 || n >= MAJOR_MAX) throw new SimulatorStateError(`${what} ${n} is not a major`);
    return n;
  };
  const char = array(d.char, 'devices.char').map((r, i) => {
    const o = object(r, `char device ${i}`);
    const region = {
      major: major(o.major, `char device ${i} major`),
      baseminor: num(o.baseminor, `char device ${i} baseminor`),
      minorct: num(o.minorct, `char device ${i} minorct`),
      name: str(o.name, `char device ${i} name`),
    };
    if (region.baseminor < 0 || region.minorct < 1 || region.baseminor + region.minorct > MINOR_COUNT)
      throw new SimulatorStateError(`char device ${i} has minors out of range`);
    return region;
  });
  for (const a of char) {
    const clash = char.find(
      (b) =>
        b !== a &&
        b.major === a.major &&
        b.baseminor < a.baseminor + a.minorct &&
        a.baseminor < b.baseminor + b.minorct,
    );
    if (clash !== undefined) throw new SimulatorStateError(`char devices ${a.name} and ${clash.name} overlap`);
  }
  const block = array(d.block, 'devices.block').map((r, i) => {
    const o = object(r, `block device ${i}`);
    return { major: major(o.major, `block device ${i} major`), name: str(o.name, `block device ${i} name`) };
  });
  if (new Set(block.map((b) => b.major)).size !== block.length)
    throw new SimulatorStateError('a block major is registered twice');
  return { char, block };
}

function restoreModule(raw: unknown, i: number): LoadedModule {
  const m = object(raw, `module ${i}`);
  const module = loadable(m.module, `module ${i}`);
  const state = m.state as ModuleState;
  if (!STATES.includes(state))
    throw new SimulatorStateError(`module ${module.name} has state ${JSON.stringify(m.state)}`);
  const params = new Map<string, ParameterValue>();
  const saved = new Map(
    array(m.params, `${module.name} params`).map((p) => {
      const [name, elements] = array(p, 'param');
      return [str(name, 'param name'), array(elements, 'param value').map((e) => str(e, 'param value'))] as const;
    }),
  );
  for (const parameter of module.parameters) {
    params.set(parameter.name, { parameter, elements: [...(saved.get(parameter.name) ?? parameter.initial)] });
  }
  const initBase = m.initBase === null ? undefined : num(m.initBase, 'initBase');
  return {
    module,
    state,
    taints: new Set(array(m.taints, 'taints').map((t) => bitNumber(t, 'module taint'))),
    refcount: num(m.refcount, 'refcount'),
    externalRefs: num(m.externalRefs, 'externalRefs'),
    holders: array(m.holders, 'holders').map((h) => str(h, 'holder')),
    uses: array(m.uses, 'uses').map((u) => str(u, 'use')),
    coreBase: num(m.coreBase, 'coreBase'),
    coreSize: num(m.coreSize, 'coreSize'),
    initBase,
    initSize: num(m.initSize, 'initSize'),
    params,
    args: str(m.args, 'args'),
    sigOk: bool(m.sigOk, 'sigOk'),
    usingGplOnlySymbols: bool(m.usingGplOnlySymbols, 'usingGplOnlySymbols'),
  };
}

/** The fields the simulator relies on, checked; the rest is plain data kept as saved. */
function loadable(raw: unknown, where: string): LoadableModule {
  const m = object(raw, where);
  str(m.name, `${where} name`);
  for (const key of ['modinfo', 'exports', 'imports', 'sections', 'symbols', 'parameters', 'approximations'])
    array(m[key], `${where} ${key}`);
  for (const key of ['hasInit', 'hasExit', 'signed', 'builtAgainstTarget']) bool(m[key], `${where} ${key}`);
  object(m.symbolTable, `${where} symbolTable`);
  return m as unknown as LoadableModule;
}

function checkConsistency(kernel: KernelState): void {
  const names = new Set<string>();
  for (const m of kernel.modules) {
    if (names.has(m.module.name)) throw new SimulatorStateError(`module ${m.module.name} is loaded twice`);
    names.add(m.module.name);
  }
  for (const m of kernel.modules) {
    if (m.refcount !== m.holders.length + m.externalRefs)
      throw new SimulatorStateError(
        `module ${m.module.name}: refcount ${m.refcount} does not match its holders and references`,
      );
    for (const h of m.holders) {
      if (!kernel.find(h)?.uses.includes(m.module.name))
        throw new SimulatorStateError(`module ${m.module.name}: holder ${h} does not use it`);
    }
    for (const u of m.uses) {
      if (!kernel.find(u)?.holders.includes(m.module.name))
        throw new SimulatorStateError(`module ${m.module.name}: uses ${u}, which does not list it as a holder`);
    }
    for (const bit of m.taints)
      if (!kernel.taint.has(bit) && bit !== 0)
        throw new SimulatorStateError(`module ${m.module.name} carries taint bit ${bit} the kernel does not have`);
  }
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new SimulatorStateError(`${what} is not an object`);
  return value as Record<string, unknown>;
}
function array(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new SimulatorStateError(`${what} is not a list`);
  return value;
}
function num(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new SimulatorStateError(`${what} is not a number`);
  return value;
}
function str(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new SimulatorStateError(`${what} is not a string`);
  return value;
}
function bool(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw new SimulatorStateError(`${what} is not true or false`);
  return value;
}
function bitNumber(value: unknown, what: string): number {
  const n = num(value, what);
  if (!Number.isInteger(n) || n < 0 || n > 18) throw new SimulatorStateError(`${what} ${n} is not a taint bit`);
  return n;
}
