/**
 * `#sim` lines: what a module's init or exit does, for the simulator only (a real shell reads them
 * as comments). Until C code is interpreted, they let a scenario say that `enodev`'s init prints a
 * line and returns -ENODEV:
 *
 *     #sim init enodev prints <6>enodev: init, returning -ENODEV
 *     #sim init enodev returns -19
 *     #sim exit hello prints <6>hello: exit
 */
import type { ModuleScript, PrintkLine } from './entryPoints';
import type { LogLevel } from './kernelLog';

interface MutableEntry {
  returns?: number;
  printk: PrintkLine[];
}

export interface ParsedScripts {
  readonly scripts: Record<string, ModuleScript>;
  /** `#sim` lines that could not be read, with their line numbers. */
  readonly errors: string[];
}

export function parseSimDirectives(lines: readonly { line: number; text: string }[]): ParsedScripts {
  const entries = new Map<string, { init?: MutableEntry; exit?: MutableEntry }>();
  const errors: string[] = [];
  for (const { line, text } of lines) {
    if (!text.startsWith('#sim ')) continue;
    const match = /^#sim\s+(init|exit)\s+(\S+)\s+(returns|prints)\s+(.*)$/.exec(text);
    if (!match) {
      errors.push(`line ${line}: expected '#sim init|exit MODULE returns N' or '#sim init|exit MODULE prints <L>TEXT'`);
      continue;
    }
    const [, which, module, verb, rest] = match as unknown as [string, 'init' | 'exit', string, string, string];
    const forModule = entries.get(module) ?? {};
    const entry = (forModule[which] ??= { printk: [] });
    entries.set(module, forModule);
    if (verb === 'returns') {
      const n = Number.parseInt(rest, 10);
      if (!Number.isSafeInteger(n)) errors.push(`line ${line}: '${rest}' is not a number`);
      else entry.returns = n;
    } else {
      const printed = /^<([0-7])>(.*)$/.exec(rest);
      entry.printk.push(
        printed ? { level: Number(printed[1]) as LogLevel, text: printed[2]! } : { level: 4, text: rest },
      );
    }
  }
  const scripts: Record<string, ModuleScript> = {};
  for (const [module, e] of entries) {
    scripts[module] = {
      ...(e.init
        ? { init: { printk: e.init.printk, ...(e.init.returns !== undefined ? { returns: e.init.returns } : {}) } }
        : {}),
      ...(e.exit ? { exit: { printk: e.exit.printk } } : {}),
    };
  }
  return { scripts, errors };
}
