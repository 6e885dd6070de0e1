import type { CallEvent, FlowEvent } from '../model/functionFacts';
import type { KernelModule, LocatedFunction } from '../model/kernelModule';
import type { Fix, TextEdit } from './diagnostic';
import type { ModuleDiagnostic } from './moduleDiagnostic';
import { entryFunctions, reachableCalls } from './moduleFlow';
import { DEFAULT_RESOURCE_PAIRS, renderUndo, type ResourcePair, type ResourcePairs } from './resourcePairs';

/**
 * Seed pitfall 1: exit must undo everything init did. Reports what init acquires that exit never
 * releases, and each error path in init that returns without releasing what it already acquired.
 */
export function checkUnpairedResources(
  module: KernelModule,
  pairs: ResourcePairs = DEFAULT_RESOURCE_PAIRS,
): ModuleDiagnostic[] {
  const { init, exit } = entryFunctions(module);
  if (init === undefined) return [];
  const diagnostics: ModuleDiagnostic[] = [];
  if (exit !== undefined) {
    const released = new Set(reachableCalls(module, exit).map((c) => c.name));
    const initCalls = reachableCalls(module, init);
    // What init releases itself on its way to success (a buffer it only needs while it runs) is
    // not exit's to release: an unguarded release in init of the very variable the result went to.
    // A cleanup ladder (after the first label) runs only on failure: its releases do not count.
    const ladder = init.definition.events.find((e) => e.kind === 'label')?.start ?? Number.POSITIVE_INFINITY;
    const releasedByInit = (call: CallEvent, pair: ResourcePair): boolean =>
      call.assignedTo !== undefined &&
      init.definition.events.some(
        (e) =>
          e.kind === 'call' &&
          e.guard === undefined &&
          e.start > call.start &&
          e.start < ladder &&
          pair.release.includes(e.name) &&
          e.args.some((a) => a.text === call.assignedTo),
      );
    const reported = new Set<ResourcePair>();
    for (const call of initCalls) {
      const pair = pairs.acquiredBy(call.name);
      if (pair === undefined || reported.has(pair)) continue;
      if (pair.release.some((r) => released.has(r)) || releasedByInit(call, pair)) continue;
      reported.add(pair);
      const where = init.definition.events.includes(call) ? init : (locate(module, call) ?? init);
      diagnostics.push(neverReleased(module, where, init, exit, call, pair));
    }
  }
  diagnostics.push(...leakingErrorPaths(module, init, pairs));
  return diagnostics;
}

function neverReleased(
  module: KernelModule,
  where: LocatedFunction,
  init: LocatedFunction,
  exit: LocatedFunction,
  call: CallEvent,
  pair: ResourcePair,
): ModuleDiagnostic {
  const { source } = where;
  const undo = renderUndo(
    pair,
    call.args.map((a) => a.text),
    call.assignedTo,
  );
  const fixes: Fix[] = [];
  if (undo !== undefined) {
    // Exit undoes init in reverse order, so what init acquired first is released last.
    const closing = source === exit.source ? exit.definition.bodyEnd - 1 : undefined;
    if (closing !== undefined) {
      const at = exit.source.lines.positionAt(closing);
      fixes.push({
        title: `Add ${undo}; to ${exit.definition.name}()`,
        preferred: true,
        edits: [{ range: { start: at, end: at }, newText: `\t${undo};\n` }],
      });
    }
  }
  return {
    path: source.path,
    diagnostic: {
      range: source.lines.rangeOf(call.nameStart, call.nameEnd),
      severity: 'warning',
      code: 'unpaired-resource',
      source: 'lkm',
      message: `${init.definition.name}() acquires ${pair.what} with ${call.name}(), but ${exit.definition.name}() never releases it (${pair.release.join(' or ')}) — after rmmod it stays allocated, and whatever still points into the unloaded ${module.name} module can crash the kernel.`,
      ...(fixes.length > 0 ? { fixes } : {}),
    },
  };
}

function locate(module: KernelModule, call: CallEvent): LocatedFunction | undefined {
  for (const fn of module.functions.values()) if (fn.definition.events.includes(call)) return fn;
  return undefined;
}

/**
 * Error paths of init: a `return <error>` or a `goto` to a cleanup ladder, after an acquisition
 * that nothing on the way out releases. The acquisition's own failure check is not such a path.
 */
function leakingErrorPaths(module: KernelModule, init: LocatedFunction, pairs: ResourcePairs): ModuleDiagnostic[] {
  const { source, definition } = init;
  const events = definition.events;
  // A call to one of the module's own functions releases what that function (or its callees) releases.
  const releases = new Map<string, Set<string>>();
  const releasesOf = (name: string): ReadonlySet<string> => {
    let found = releases.get(name);
    if (found === undefined) {
      const fn = module.functions.get(name);
      found = new Set(fn ? reachableCalls(module, fn).map((c) => c.name) : []);
      releases.set(name, found);
    }
    return found;
  };
  const releasing = (event: FlowEvent, pair: ResourcePair): boolean =>
    event.kind === 'call' &&
    (pair.release.includes(event.name) || pair.release.some((r) => releasesOf(event.name).has(r)));
  const diagnostics: ModuleDiagnostic[] = [];
  const reportedExits = new Set<number>();
  events.forEach((event, index) => {
    if (event.kind !== 'call') return;
    const pair = pairs.acquiredBy(event.name);
    if (pair === undefined || pair.errorPaths === false) return;
    for (let later = index + 1; later < events.length; later++) {
      const exitPoint = events[later]!;
      if (exitPoint.kind !== 'return' && exitPoint.kind !== 'goto') continue;
      // A return at the acquisition's level or above ends the straight-line code: what follows
      // (a cleanup ladder) is reached only through gotos, which are judged at the goto.
      const endsStraightLine = exitPoint.kind === 'return' && encloses(exitPoint.blocks, event.blocks);
      // Error paths leave from inside an `if`; an unguarded return or goto is the way out on success.
      if ((exitPoint.kind === 'return' && isSuccess(exitPoint.value)) || exitPoint.guard === undefined) {
        if (endsStraightLine) break;
        continue;
      }
      if (
        isOwnFailureCheck(event, exitPoint) ||
        releasedBefore(events, index, later, (e) => releasing(e, pair)) ||
        releasedOnTheWayOut(events, exitPoint, (e) => releasing(e, pair)) ||
        reportedExits.has(exitPoint.start)
      ) {
        if (endsStraightLine) break;
        continue;
      }
      reportedExits.add(exitPoint.start);
      const line = source.lines.positionAt(event.start).line + 1;
      const undo = renderUndo(
        pair,
        event.args.map((a) => a.text),
        event.assignedTo,
      );
      const what = exitPoint.kind === 'return' ? `returns ${exitPoint.value || 'here'}` : `jumps to ${exitPoint.label}`;
      diagnostics.push({
        path: source.path,
        diagnostic: {
          range: source.lines.rangeOf(exitPoint.start, exitPoint.end),
          severity: 'warning',
          code: 'unpaired-resource',
          source: 'lkm',
          message: `${definition.name}() ${what} without releasing ${pair.what} acquired with ${event.name}() on line ${line} — when this error path is taken the load fails and the ${pair.what.replace(/^an? /, '')} leaks; release it (${pair.release[0]}) before leaving.`,
          ...(undo !== undefined ? { fixes: [releaseBefore(init, exitPoint, undo)] } : {}),
        },
      });
      if (endsStraightLine) break;
    }
  });
  return diagnostics;
}

/** Whether every block around `outer` also surrounds `inner`: outer is at inner's level or above. */
function encloses(outer: readonly number[], inner: readonly number[]): boolean {
  return outer.every((block) => inner.includes(block));
}

function isSuccess(value: string): boolean {
  return value === '' || value === '0';
}

/** `x = acquire(); if (x < 0) return x;` or `if (acquire(…)) goto err;` test the acquisition itself. */
function isOwnFailureCheck(acquisition: CallEvent, exitPoint: FlowEvent): boolean {
  const guard = exitPoint.guard;
  if (guard === undefined) return false;
  if (acquisition.inConditionOf === guard.ifStart) return true;
  const stored = acquisition.assignedTo;
  if (stored === undefined) return false;
  const escaped = stored.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w.>])${escaped}($|[^\\w])`).test(guard.condition);
}

/** A release between the acquisition and the exit, in a block that encloses the exit. */
function releasedBefore(
  events: readonly FlowEvent[],
  from: number,
  to: number,
  releasing: (event: FlowEvent) => boolean,
): boolean {
  const exitBlocks = events[to]!.blocks;
  for (let i = from + 1; i < to; i++) {
    const event = events[i]!;
    if (!releasing(event)) continue;
    if (event.blocks.every((block) => exitBlocks.includes(block))) return true;
  }
  return false;
}

/** A goto into a cleanup ladder: the statements from its label to the next return run on the way out. */
function releasedOnTheWayOut(
  events: readonly FlowEvent[],
  exitPoint: FlowEvent,
  releasing: (event: FlowEvent) => boolean,
): boolean {
  if (exitPoint.kind !== 'goto') return false;
  const label = events.findIndex((e) => e.kind === 'label' && e.label === exitPoint.label);
  if (label === -1) return true; // an unknown label: nothing to judge
  for (let i = label; i < events.length; i++) {
    const event = events[i]!;
    if (event.kind === 'return') return false;
    if (releasing(event)) return true;
  }
  return false;
}

/** Puts the release before the exit statement, adding braces when it is an if's unbraced body. */
function releaseBefore(fn: LocatedFunction, exitPoint: FlowEvent, undo: string): Fix {
  const { source } = fn;
  const text = source.text;
  let before = exitPoint.start - 1;
  while (before >= 0 && /\s/.test(text[before]!)) before--;
  const unbraced = text[before] === ')' || text.slice(Math.max(0, before - 3), before + 1) === 'else';
  const statement = text.slice(exitPoint.start, exitPoint.end);
  const indentOf = (offset: number): string => /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', offset - 1) + 1))![0];
  let edit: TextEdit;
  if (unbraced) {
    // `if (!p)\n\t\treturn -ENOMEM;` becomes `if (!p) {\n\t\tundo;\n\t\treturn -ENOMEM;\n\t}`.
    const outer = indentOf(before);
    edit = {
      range: source.lines.rangeOf(before + 1, exitPoint.end),
      newText: ` {\n${outer}\t${undo};\n${outer}\t${statement}\n${outer}}`,
    };
  } else {
    edit = {
      range: source.lines.rangeOf(exitPoint.start, exitPoint.end),
      newText: `${undo};\n${indentOf(exitPoint.start)}${statement}`,
    };
  }
  return { title: `Add ${undo}; before this ${exitPoint.kind}`, preferred: true, edits: [edit] };
}
