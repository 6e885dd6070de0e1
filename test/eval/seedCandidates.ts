/**
 * Where a module's sources allow a defect to be seeded, read from its baseline analysis: only
 * places where the seeded defect is unambiguous, so a miss is the check's fault, not the seed's.
 */
import type { ModuleDiagnostic } from '../../server/src/kernel/checks/moduleDiagnostic';
import { entryFunctions, reachableCalls } from '../../server/src/kernel/checks/moduleFlow';
import type { ResourcePairs } from '../../server/src/kernel/checks/resourcePairs';
import type { CallEvent } from '../../server/src/kernel/model/functionFacts';
import type { KernelConfig } from '../../server/src/kernel/kbuild/kernelConfig';
import { compiledOffsets, directiveBranches } from '../../server/src/kernel/model/directiveBranches';
import type { KernelModule, LocatedInvocation } from '../../server/src/kernel/model/kernelModule';
import type { ExternalCallCandidate, ResourceCandidate, SeedCandidates, SourceEdit } from './protocol';

export function findSeedCandidates(
  module: KernelModule,
  baseline: readonly ModuleDiagnostic[],
  pairs: ResourcePairs,
  config?: KernelConfig,
): SeedCandidates {
  const reported = (code: string): boolean => baseline.some((d) => d.diagnostic.code === code);
  const license =
    module.licenses.length > 0 && !reported('missing-license') ? module.licenses.map(deletion) : undefined;
  const exit =
    module.inits.length > 0 &&
    module.exits.length > 0 &&
    module.exits.every((e) => e.invocation.name === 'module_exit') &&
    !reported('init-without-exit')
      ? module.exits.map(deletion)
      : undefined;
  return {
    ...(license !== undefined ? { license } : {}),
    ...(exit !== undefined ? { exit } : {}),
    resource: resourceCandidates(module, pairs),
    externalCalls: externalCalls(module, config),
  };
}

/** Deletes a macro statement, its `;` included. */
function deletion({ source, invocation }: LocatedInvocation): SourceEdit {
  return { path: source.path, start: invocation.start, end: invocation.end, replacement: '' };
}

/**
 * Init calls an acquire directly, and exit releases it with exactly one call, made directly as a
 * statement of its own: deleting that call leaves exit releasing nothing of the kind.
 */
function resourceCandidates(module: KernelModule, pairs: ResourcePairs): ResourceCandidate[] {
  const { init, exit } = entryFunctions(module);
  if (init === undefined || exit === undefined) return [];
  const exitCalls = reachableCalls(module, exit);
  const candidates: ResourceCandidate[] = [];
  const seen = new Set<CallEvent>();
  for (const event of init.definition.events) {
    if (event.kind !== 'call') continue;
    const pair = pairs.acquiredBy(event.name);
    if (pair === undefined) continue;
    const releases = exitCalls.filter((c) => pair.release.includes(c.name));
    const release = releases[0];
    if (releases.length !== 1 || release === undefined || seen.has(release)) continue;
    if (!exit.definition.events.includes(release) || !isStatement(exit.source.text, release)) continue;
    seen.add(release);
    candidates.push({
      acquire: event.name,
      release: release.name,
      edit: { path: exit.source.path, start: release.start, end: release.end, replacement: '' },
      line: exit.source.lines.positionAt(release.start).line + 1,
    });
  }
  return candidates;
}

/** `release(x);` as a statement of its own (not `ret = release(x)`, not inside a condition). */
function isStatement(text: string, call: CallEvent): boolean {
  let after = call.end;
  while (after < text.length && /[ \t]/.test(text[after]!)) after++;
  if (text[after] !== ';') return false;
  let before = call.start - 1;
  while (before >= 0 && /\s/.test(text[before]!)) before--;
  return /[;{}):]/.test(text[before] ?? ';') || /\belse$/.test(text.slice(Math.max(0, before - 4), before + 1));
}

/**
 * Direct calls in init to names the module itself does not define: the kernel's or another module's.
 * Only calls the .config compiles: one under `#ifndef MODULE` is no call of the module at all.
 */
function externalCalls(module: KernelModule, config: KernelConfig | undefined): ExternalCallCandidate[] {
  const { init } = entryFunctions(module);
  if (init === undefined) return [];
  const compiled = compiledOffsets(directiveBranches(init.source.text), config);
  const candidates: ExternalCallCandidate[] = [];
  for (const event of init.definition.events) {
    if (event.kind !== 'call' || module.definedNames.has(event.name) || module.macroDefinedNames.has(event.name)) {
      continue;
    }
    if (compiled(event.nameStart) === false) continue;
    if (event.name.length < 5 || candidates.some((c) => c.callee === event.name)) continue;
    candidates.push({
      callee: event.name,
      edit: { path: init.source.path, start: event.nameStart, end: event.nameEnd, replacement: misspell(event.name) },
      line: init.source.lines.positionAt(event.nameStart).line + 1,
    });
  }
  return candidates;
}

/** A typo as people make them: one letter dropped from the middle (`misc_regster`). */
export function misspell(name: string): string {
  let at = Math.floor(name.length / 2);
  while (at < name.length - 1 && !/[a-z]/i.test(name[at]!)) at++;
  return name.slice(0, at) + name.slice(at + 1);
}
