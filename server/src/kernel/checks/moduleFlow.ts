import { entryFunction, type KernelModule, type LocatedFunction } from '../model/kernelModule';
import type { CallEvent } from '../model/functionFacts';

/** The module's init and exit functions, when module_init/module_exit name functions it defines. */
export function entryFunctions(module: KernelModule): { init?: LocatedFunction; exit?: LocatedFunction } {
  const init = module.inits.map((i) => entryFunction(module, i)).find((f) => f !== undefined);
  const exit = module.exits.map((e) => entryFunction(module, e)).find((f) => f !== undefined);
  return { ...(init ? { init } : {}), ...(exit ? { exit } : {}) };
}

/** Calls made by a function and by the module's own functions it calls, a few levels deep. */
export function reachableCalls(module: KernelModule, start: LocatedFunction, depth = 4): CallEvent[] {
  const calls: CallEvent[] = [];
  const seen = new Set<string>([start.definition.name]);
  let frontier = [start];
  for (let level = 0; level <= depth && frontier.length > 0; level++) {
    const next: LocatedFunction[] = [];
    for (const fn of frontier) {
      for (const event of fn.definition.events) {
        if (event.kind !== 'call') continue;
        calls.push(event);
        const callee = module.functions.get(event.name);
        if (callee && !seen.has(event.name)) {
          seen.add(event.name);
          next.push(callee);
        }
      }
    }
    frontier = next;
  }
  return calls;
}
