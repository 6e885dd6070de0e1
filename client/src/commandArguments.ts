/**
 * The arguments the commands accept instead of prompts (from tests, keybindings and the view's
 * menus). Pure (no vscode): each reader returns undefined when no argument was given, so the
 * command prompts, and throws on an argument of the wrong shape, so a caller's mistake is not
 * mistaken for a cancelled prompt.
 */
import type { TargetSpec } from '../../server/src/protocol/lkmProtocol';

export interface LoadArguments {
  readonly path: string;
  readonly parameters?: readonly string[];
}

export interface ModprobeArguments {
  readonly name: string;
  readonly parameters?: readonly string[];
}

export interface SnapshotArguments {
  readonly kallsyms?: string;
  readonly symvers?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function optionalWords(value: unknown, what: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((word): word is string => typeof word === 'string')) {
    throw new TypeError(`${what}: parameters must be an array of "name=value" strings`);
  }
  return value;
}

function optionalString(value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string`);
  return value;
}

/** `{ <key>: string, parameters? }`, or the string alone: the shape load and modprobe share. */
function moduleWithParameters<K extends string>(
  arg: unknown,
  key: K,
  command: string,
): ({ readonly [P in K]: string } & { readonly parameters?: readonly string[] }) | undefined {
  if (arg === undefined) return undefined;
  const value = typeof arg === 'string' ? arg : isRecord(arg) ? arg[key] : undefined;
  if (typeof value !== 'string') throw new TypeError(`${command} takes { ${key}: string, parameters?: string[] }`);
  const parameters = isRecord(arg) ? optionalWords(arg['parameters'], command) : undefined;
  const named = { [key]: value } as { readonly [P in K]: string };
  return parameters === undefined ? named : { ...named, parameters };
}

/** `{ path, parameters? }`, or a path. */
export function loadArguments(arg: unknown): LoadArguments | undefined {
  return moduleWithParameters(arg, 'path', 'lkm.loadModule');
}

/** `{ name, parameters? }`, or a module name. */
export function modprobeArguments(arg: unknown): ModprobeArguments | undefined {
  return moduleWithParameters(arg, 'name', 'lkm.modprobe');
}

/**
 * A module name; or what the view hands its menus (a loaded module, which has a `name`); or a row
 * of the test API's modulesView() (its `label` is the name).
 */
export function moduleNameArgument(arg: unknown, command: string): string | undefined {
  if (arg === undefined) return undefined;
  if (typeof arg === 'string' && arg !== '') return arg;
  if (isRecord(arg) && typeof arg['name'] === 'string' && arg['name'] !== '') return arg['name'];
  if (isRecord(arg) && typeof arg['label'] === 'string' && arg['label'] !== '') return arg['label'];
  throw new TypeError(`${command} takes a module name or an item of the Kernel Modules view`);
}

/** `{ force? }`, the second argument of lkm.unloadModule. */
export function unloadOptions(arg: unknown): { readonly force: boolean } {
  if (arg === undefined) return { force: false };
  if (!isRecord(arg) || (arg['force'] !== undefined && typeof arg['force'] !== 'boolean')) {
    throw new TypeError('lkm.unloadModule takes { force?: boolean } as its second argument');
  }
  return { force: arg['force'] === true };
}

/** A TargetSpec: `{ kind: 'simulated' }` or `{ kind: 'ssh', host, port?, user?, identityFile? }`. */
export function targetSpecArgument(arg: unknown): TargetSpec | undefined {
  if (arg === undefined) return undefined;
  if (isRecord(arg) && arg['kind'] === 'simulated') return { kind: 'simulated' };
  if (isRecord(arg) && arg['kind'] === 'ssh' && typeof arg['host'] === 'string' && arg['host'] !== '') {
    const port = arg['port'];
    if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535)) {
      throw new TypeError('lkm.selectTarget: port must be an integer from 1 to 65535');
    }
    const user = optionalString(arg['user'], 'lkm.selectTarget: user');
    const identityFile = optionalString(arg['identityFile'], 'lkm.selectTarget: identityFile');
    return {
      kind: 'ssh',
      host: arg['host'],
      ...(port === undefined ? {} : { port }),
      ...(user === undefined ? {} : { user }),
      ...(identityFile === undefined ? {} : { identityFile }),
    };
  }
  throw new TypeError(
    "lkm.selectTarget takes { kind: 'simulated' } or { kind: 'ssh', host, port?, user?, identityFile? }",
  );
}

/** `{ kallsyms?, symvers? }`. */
export function snapshotArguments(arg: unknown): SnapshotArguments | undefined {
  if (arg === undefined) return undefined;
  if (!isRecord(arg)) throw new TypeError('lkm.useSymbolSnapshot takes { kallsyms?: string, symvers?: string }');
  const kallsyms = optionalString(arg['kallsyms'], 'lkm.useSymbolSnapshot: kallsyms');
  const symvers = optionalString(arg['symvers'], 'lkm.useSymbolSnapshot: symvers');
  return { ...(kallsyms === undefined ? {} : { kallsyms }), ...(symvers === undefined ? {} : { symvers }) };
}
