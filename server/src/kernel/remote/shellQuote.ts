/**
 * Quoting for the target's POSIX shell, and module parameters as the kernel's argument parser
 * (kernel/params.c's next_arg) reads them, so a value reaches the kernel exactly as written and
 * nothing of it ever runs as shell code.
 */
import { nextArg } from '../simulator/params';
import { RemoteError } from './remoteError';

/** Words that need no quotes in any POSIX shell. */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One word for `sh`: as is when plainly safe, else in single quotes (`'` written as `'\''`). */
export function shellQuote(word: string): string {
  if (word !== '' && PLAIN.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A command line for `sh` from words, each quoted. */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}

/** A parameter name the kernel accepts: what `module_param` can declare (letters, digits, `_`, `-`, `.` for arrays of structs is not allowed). */
const PARAM_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * The argument word that makes the kernel see `name` = `value` exactly: kmod's insmod and modprobe
 * join their arguments with spaces and the kernel splits them again with next_arg, which knows
 * double quotes and nothing else. A value with blanks is put in double quotes; a value the kernel
 * cannot receive unchanged (double quotes that would open or close a quoted part at
 * a blank, or a trailing one it would strip) is refused rather than changed. `undefined` is a bare
 * `name` (a bool set to true).
 */
export function moduleParameterWord(name: string, value: string | undefined): string {
  if (!PARAM_NAME.test(name)) {
    throw new RemoteError(
      'bad-parameter',
      `'${name}' is not a module parameter name (letters, digits, '_' and '-' only)`,
    );
  }
  if (value === undefined) return name;
  if (value.includes('\0')) throw new RemoteError('bad-parameter', `the value of ${name} contains a NUL byte`);
  const candidates = [`${name}=${value}`, `${name}="${value}"`];
  for (const word of candidates) {
    const parsed = nextArg(`${word} next=1`);
    if (parsed.param === name && parsed.val === value && parsed.rest === 'next=1') return word;
  }
  throw new RemoteError(
    'bad-parameter',
    `the kernel cannot receive the value of ${name} exactly as written: ${JSON.stringify(value)} — its argument parser ` +
      `(next_arg) knows only double quotes, with no escapes, so double quotes around blanks or at the end of a value cannot be passed`,
  );
}

/** `name=value` words for insmod/modprobe, in order. */
export function moduleParameterWords(parameters: ModuleParameters | undefined): string[] {
  if (parameters === undefined) return [];
  const entries = Array.isArray(parameters)
    ? (parameters as readonly (readonly [string, string | undefined])[])
    : Object.entries(parameters as Readonly<Record<string, string | undefined>>);
  return entries.map(([name, value]) => moduleParameterWord(name, value));
}

/** Parameters in order (pairs) or as a record; `undefined` values are bare names. */
export type ModuleParameters =
  readonly (readonly [string, string | undefined])[] | Readonly<Record<string, string | undefined>>;

/** A module name as the tools take it (`-` and `_` alike); refused when it could be an option or a path. */
export function checkModuleName(name: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(name) || name.startsWith('-')) {
    throw new RemoteError('bad-module', `'${name}' is not a module name (letters, digits, '_' and '-' only)`);
  }
  return name;
}
