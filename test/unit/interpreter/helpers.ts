import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  InterpreterEntryPointRunner,
  type InterpreterOptions,
} from '../../../server/src/kernel/interpreter/interpreterRunner';
import type { CParser } from '../../../server/src/kernel/parsing/cParser';
import type { CallResult, EntryContext, EntryResult } from '../../../server/src/kernel/simulator/entryPoints';
import type { LoadableModule, LoadableParameter } from '../../../server/src/kernel/simulator/loadableModule';

let root: string | undefined;

/** Writes `files` into a fresh folder (under the OS's temporary directory) and returns it. */
export function sourceFolder(files: Readonly<Record<string, string>>): string {
  root ??= mkdtempSync(path.join(tmpdir(), 'lkm-interp-'));
  const dir = mkdtempSync(path.join(root, 'm-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** A loadable module with only what the interpreter reads: name, sources, parameters. */
export function fakeModule(
  name: string,
  sourceDir: string,
  parameters: readonly LoadableParameter[] = [],
): LoadableModule {
  return {
    name,
    origin: 'source',
    path: sourceDir,
    modinfo: [],
    exports: [],
    imports: [],
    builtAgainstTarget: true,
    hasInit: true,
    hasExit: true,
    sections: [],
    symbols: [{ name: `${name}_fn`, section: '.text', value: 0, size: 0x2a, global: false, kind: 'function' }],
    symbolTable: { entries: 0, stringBytes: 0 },
    parameters,
    signed: false,
    approximations: [],
    sourceDir,
  };
}

export interface Harness {
  readonly runner: InterpreterEntryPointRunner;
  /** Parameter values as the kernel would hold them (get() text, elements for arrays). */
  readonly params: Map<string, string[]>;
  /** Other modules' exports: name → function. */
  readonly exports: Map<string, (args: readonly number[]) => CallResult>;
  readonly context: EntryContext;
  init(): EntryResult;
  exit(): EntryResult;
}

/** A runner and a context for one module written as `source` (file `<name>.c`). */
export function harness(
  parser: CParser,
  name: string,
  source: string,
  options: InterpreterOptions & { parameters?: readonly LoadableParameter[]; extraFiles?: Record<string, string> } = {},
): Harness {
  const dir = sourceFolder({ [`${name}.c`]: source, ...options.extraFiles });
  const runner = new InterpreterEntryPointRunner(parser, options);
  const module = fakeModule(name, dir, options.parameters);
  const params = new Map<string, string[]>();
  for (const p of options.parameters ?? []) params.set(p.name, [...p.initial]);
  const exports = new Map<string, (args: readonly number[]) => CallResult>();
  const context: EntryContext = {
    module,
    parameter: (n) => params.get(n),
    callExport: (n, args) => exports.get(n)?.(args),
  };
  return {
    runner,
    params,
    exports,
    context,
    init: () => runner.runInit(context),
    exit: () => runner.runExit(context),
  };
}

/** `<level>text` lines of a result. */
export function lines(result: { printk: readonly { level: number; text: string }[] }): string[] {
  return result.printk.map((l) => `<${l.level}>${l.text}`);
}
