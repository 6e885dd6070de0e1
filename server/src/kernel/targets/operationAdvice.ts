/**
 * What to do next after a failed load or unload: the kernel's (or the tool's) own words, then one
 * plain step. `Unknown symbol prov_add: load provider first, or use Load with Dependencies`.
 */
import type { ToolRun } from './kernelTarget';

export interface AdviceContext {
  /** Which workspace modules provide these symbols (symbol → module). */
  readonly providersOf: (symbols: readonly string[]) => ReadonlyMap<string, string>;
  /** A parameter's declared type (`int`, `array of int`), when known. */
  readonly parameterType: (module: string, parameter: string) => string | undefined;
  /** Whether the target is the simulated kernel (some steps differ on a real one). */
  readonly simulated: boolean;
}

const RULES: readonly ((run: ToolRun, log: string, context: AdviceContext) => string | undefined)[] = [
  (_run, log, context) => {
    const unknown = [...log.matchAll(/^(\S+): Unknown symbol (\S+) \(err -?\d+\)$/gm)];
    if (unknown.length === 0) return undefined;
    const symbols = [...new Set(unknown.map((m) => m[2]!))];
    const owners = [...new Set(context.providersOf(symbols).values())];
    const what = `Unknown symbol ${symbols.join(', ')}`;
    if (owners.length > 0) return `${what}: load ${owners.join(' and ')} first, or use Load with Dependencies`;
    return `${what}: neither the kernel nor a loaded module exports it; check the name, or load the module that exports it first`;
  },
  (_run, log) => {
    const m = /^(\S+): disagrees about version of symbol (\S+)$/m.exec(log);
    if (m === null) return undefined;
    return `${m[1]}: disagrees about version of symbol ${m[2]}: rebuild the module against this kernel's headers and Module.symvers`;
  },
  (_run, log) => {
    const m = /^(\S+): version magic '([^']*)' should be '([^']*)'$/m.exec(log);
    if (m === null) return undefined;
    return `${m[1]}: version magic '${m[2]}' should be '${m[3]}': rebuild the module for ${m[3]!.split(' ')[0]} (make -C /lib/modules/${m[3]!.split(' ')[0]}/build M=$PWD)`;
  },
  (_run, log, context) => {
    const m = /^(\S+): `([^']*)' (invalid|too large) for parameter `([^']*)'$/m.exec(log);
    if (m === null) return undefined;
    const type = context.parameterType(m[1]!, m[4]!);
    return `${m[1]}: \`${m[2]}' ${m[3]} for parameter \`${m[4]}'${type ? `: give a value of type ${type}` : ': check the value'}`;
  },
  (_run, log) => {
    const m = /^(\S+): Unknown parameter `([^']*)'$/m.exec(log);
    return m === null ? undefined : `${m[1]}: Unknown parameter \`${m[2]}': the module declares no such parameter`;
  },
  (run) => {
    const m = /Module (\S+) is in use by: (.+)$/m.exec(run.stderr);
    if (m === null) return undefined;
    return `Module ${m[1]} is in use by: ${m[2]}: unload ${m[2]!.trim().split(' ').join(' and ')} first, or use Remove with Dependencies`;
  },
  (run) => {
    const m = /Module (\S+) is in use\.?$/m.exec(run.stderr);
    return m === null
      ? undefined
      : `Module ${m[1]} is in use: something holds a reference to it (an open device file, a mount); release it, or force the unload`;
  },
  (run) => {
    const m = /Module (\S+) is not currently loaded$/m.exec(run.stderr);
    return m === null ? undefined : `Module ${m[1]} is not currently loaded: refresh the Kernel Modules view`;
  },
  (run) =>
    /File exists|Module already in kernel/.test(run.stderr)
      ? `${lastErrorLine(run)}: the module is already loaded; unload it first, or use Reload Module`
      : undefined,
  (run) =>
    /Key was rejected by service/.test(run.stderr)
      ? `${lastErrorLine(run)}: this kernel only loads signed modules (module.sig_enforce); sign the module with the kernel's key`
      : undefined,
  (run, _log, context) =>
    /Operation not permitted/.test(run.stderr)
      ? `${lastErrorLine(run)}: ${context.simulated ? 'the kernel refused it' : 'loading needs root (CAP_SYS_MODULE) on the target, and the kernel must not be locked down'}`
      : undefined,
  (run) => {
    const m = /Module (\S+) not found in directory (\S+)$/m.exec(run.stderr);
    return m === null
      ? undefined
      : `Module ${m[1]} not found in directory ${m[2]}: modprobe only finds installed modules; is ${m[1]} a module of this workspace?`;
  },
  (run) => {
    const m = /could not insert (?:module )?'?([^':]+)'?: (.+)$/m.exec(run.stderr);
    if (m === null) return undefined;
    return `${m[0].replace(/^\S+: ERROR: /, '')}: the module's init failed; its messages are in the kernel log`;
  },
];

/** Advice for a failed operation, or undefined when it went well or nothing is known to say. */
export function operationAdvice(run: ToolRun, context: AdviceContext): string | undefined {
  if (run.exit === 0) return undefined;
  const log = run.log.map((r) => r.text).join('\n');
  for (const rule of RULES) {
    const advice = rule(run, log, context);
    if (advice !== undefined) return advice;
  }
  const last = lastErrorLine(run);
  return last === '' ? undefined : last;
}

/** The tool's last error line without its `insmod: ERROR: ` prefix. */
function lastErrorLine(run: ToolRun): string {
  const lines = run.stderr.trim().split('\n').filter(Boolean);
  return (lines.at(-1) ?? '').replace(/^\S+: (?:ERROR|FATAL): /, '');
}
