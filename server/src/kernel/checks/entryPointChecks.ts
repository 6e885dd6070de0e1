import { mutuallyExclusive } from '../model/fileScope';
import type { KernelModule, LocatedInvocation } from '../model/kernelModule';
import { kernelMessage, type Fix } from './diagnostic';
import type { ModuleDiagnostic } from './moduleDiagnostic';
import { entryFunctions, reachableCalls } from './moduleFlow';
import { DEFAULT_RESOURCE_PAIRS, renderUndo, type ResourcePairs } from './resourcePairs';

/**
 * init without exit: the loader refuses to unload a module that has init but no exit
 * (kernel/module/main.c: EBUSY unless forced), and /proc/modules lists it as [permanent].
 */
export function checkInitWithoutExit(
  module: KernelModule,
  pairs: ResourcePairs = DEFAULT_RESOURCE_PAIRS,
): ModuleDiagnostic[] {
  const anchor = module.inits[0];
  if (anchor === undefined || module.exits.length > 0) return [];
  const { source, invocation } = anchor;
  return [
    {
      path: source.path,
      diagnostic: {
        range: source.lines.rangeOf(invocation.nameStart, invocation.nameEnd),
        severity: 'warning',
        code: 'init-without-exit',
        source: 'lkm',
        message: kernelMessage(
          `rmmod: ERROR: could not remove module ${module.name}: Device or resource busy`,
          `${invocation.name}() has no matching module_exit(), so once loaded the module can never be unloaded, and /proc/modules shows it as [permanent].`,
        ),
        fixes: [addExitFunction(module, anchor, pairs)],
      },
    },
  ];
}

/** A module_exit function that undoes what init acquired, in reverse order. */
function addExitFunction(module: KernelModule, anchor: LocatedInvocation, pairs: ResourcePairs): Fix {
  const { init } = entryFunctions(module);
  const undo: string[] = [];
  if (init !== undefined) {
    for (const call of reachableCalls(module, init)) {
      const pair = pairs.acquiredBy(call.name);
      const line =
        pair &&
        renderUndo(
          pair,
          call.args.map((a) => a.text),
          call.assignedTo,
        );
      if (line !== undefined) undo.unshift(`\t${line};`);
    }
  }
  const name = `${module.name.replace(/\W/g, '_')}_exit`;
  const body = undo.length > 0 ? `${undo.join('\n')}\n` : '';
  const at = anchor.source.lines.positionAt(anchor.invocation.end);
  return {
    title:
      undo.length > 0
        ? `Add ${name}() undoing init's ${undo.length} registrations, and module_exit()`
        : `Add ${name}() and module_exit()`,
    preferred: true,
    edits: [
      {
        range: { start: at, end: at },
        newText: `\n\nstatic void __exit ${name}(void)\n{\n${body}}\nmodule_exit(${name});`,
      },
    ],
  };
}

/** exit without init: the module loads, runs none of its own code, and its exit runs on unload. */
export function checkExitWithoutInit(module: KernelModule): ModuleDiagnostic[] {
  const anchor = module.exits[0];
  if (anchor === undefined || module.inits.length > 0) return [];
  const { source, invocation } = anchor;
  const name = `${module.name.replace(/\W/g, '_')}_init`;
  const at = source.lines.positionAt(invocation.start);
  return [
    {
      path: source.path,
      diagnostic: {
        range: source.lines.rangeOf(invocation.nameStart, invocation.nameEnd),
        severity: 'warning',
        code: 'exit-without-init',
        source: 'lkm',
        message: `module_exit() without module_init() — the module loads without running any code of its own, and ${invocation.args[0]?.text ?? 'its exit function'} runs only on unload; usually the init registration was forgotten.`,
        fixes: [
          {
            title: `Add ${name}() and module_init()`,
            preferred: true,
            edits: [
              {
                range: { start: at, end: at },
                newText: `static int __init ${name}(void)\n{\n\treturn 0;\n}\nmodule_init(${name});\n\n`,
              },
            ],
          },
        ],
      },
    },
  ];
}

/** The first of `candidates` when together they stand in every branch of one #if … #else chain. */
function inEveryBranch(candidates: readonly LocatedInvocation[]): LocatedInvocation | undefined {
  const byChain = new Map<number, LocatedInvocation[]>();
  for (const candidate of candidates) {
    const branches = candidate.invocation.branches;
    if (branches.length !== 1) continue;
    const list = byChain.get(branches[0]!.chain) ?? [];
    list.push(candidate);
    byChain.set(branches[0]!.chain, list);
  }
  for (const [chain, members] of byChain) {
    const all = members[0]!.source.facts.branches.filter((b) => b.chain === chain);
    const covered = new Set(members.map((m) => m.invocation.branches[0]!.branch));
    const complete = all.some((b) => b.directive === 'else') && all.every((b) => covered.has(b.branch));
    if (complete) return members[0];
  }
  return undefined;
}

/** Two module_init (or module_exit) that can both be compiled define init_module twice. */
export function checkDuplicateEntryPoints(module: KernelModule): ModuleDiagnostic[] {
  return [
    ...duplicates(module.inits, 'duplicate-init', 'init_module', 'init'),
    ...duplicates(module.exits, 'duplicate-exit', 'cleanup_module', 'exit'),
  ];
}

function duplicates(
  entries: readonly LocatedInvocation[],
  code: string,
  symbol: string,
  what: string,
): ModuleDiagnostic[] {
  const found: ModuleDiagnostic[] = [];
  // Precision first: both must be compiled for sure, not in an #if the analysis could not decide,
  // unless the earlier one stands in every branch of an #if … #else chain: then one of them is.
  entries.forEach((entry, index) => {
    if (entry.certain === false) return;
    const earlier = entries.slice(0, index).filter((e) => e.invocation !== entry.invocation);
    const first =
      earlier.find(
        (e) =>
          e.certain !== false &&
          !(e.source === entry.source && mutuallyExclusive(e.invocation.branches, entry.invocation.branches)),
      ) ?? inEveryBranch(earlier.filter((e) => e.source === entry.source && e.certain === false));
    if (first === undefined) return;
    const { source, invocation } = entry;
    const line = first.source.lines.positionAt(first.invocation.start).line + 1;
    const where = first.source === source ? `line ${line}` : `${first.source.path}:${line}`;
    found.push({
      path: source.path,
      diagnostic: {
        range: source.lines.rangeOf(invocation.nameStart, invocation.nameEnd),
        severity: 'error',
        code,
        source: 'lkm',
        message: kernelMessage(
          `redefinition of '${symbol}'`,
          `the module already has an ${what} function (${first.invocation.name}() at ${where}); a module has exactly one, so the compiler rejects this one.`,
        ),
      },
    });
  });
  return found;
}
