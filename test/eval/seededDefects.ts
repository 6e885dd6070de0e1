/**
 * Seeded defects: a real module, changed in memory in one way a module author gets wrong, must get
 * the diagnostic for it. Samples are drawn with a seeded PRNG, so every run seeds the same defects.
 */
import * as path from 'node:path';
import { DIAGNOSTIC_CODES } from '../../server/src/kernel/checks/diagnosticCodes';
import { Prng } from './prng';
import type { AnalyzeReply, FoundDiagnostic, SourceEdit } from './protocol';
import { rate, type Example, type ModuleRecord } from './scoring';
import type { Outcome } from './workerPool';

export type DefectKind =
  'delete-license' | 'delete-module-exit' | 'drop-release' | 'misspell-external-call' | 'drop-export';

export interface DefectPlan {
  readonly kind: DefectKind;
  readonly record: ModuleRecord;
  readonly edits: readonly SourceEdit[];
  /** What was done, for the examples: `dropped unregister_chrdev() at foo.c:120`. */
  readonly detail: string;
  readonly misspelt?: string;
  /** Exports taken out of the kernel profile (drop-export). */
  readonly hiddenExports?: readonly string[];
}

export interface DefectKindInfo {
  readonly kind: DefectKind;
  readonly expect: string;
  readonly description: string;
}

export const DEFECT_KINDS: readonly DefectKindInfo[] = [
  { kind: 'delete-license', expect: 'missing-license', description: 'every MODULE_LICENSE(…) statement deleted' },
  {
    kind: 'delete-module-exit',
    expect: 'init-without-exit',
    description: 'every module_exit(fn) statement deleted (modules whose exits are all plain module_exit)',
  },
  {
    kind: 'drop-release',
    expect: 'unpaired-resource',
    description: 'one release call dropped from exit, undoing an acquisition init makes directly (resource-pairs.json)',
  },
  {
    kind: 'misspell-external-call',
    expect: 'undefined-symbol',
    description: 'a call in init to a symbol the .ko imports, misspelt (one letter dropped)',
  },
  {
    kind: 'drop-export',
    expect: 'undefined-symbol',
    description:
      'a symbol that init calls and the .ko imports, taken out of the profile’s exports (undefined-symbol or symbol-not-exported)',
  },
];

export interface DefectFigures {
  readonly kind: DefectKind;
  readonly expect: string;
  readonly description: string;
  /** Undefined when the expected code does not exist yet: the defect is planned but not run. */
  readonly notRun?: string;
  readonly eligible: number;
  readonly seeded: number;
  readonly detected: number;
  readonly recall: number | null;
  readonly lost: number;
  readonly misses: readonly Example[];
}

/** Draws up to `perKind` modules for each defect kind from the modules where it can be seeded cleanly. */
export function planDefects(
  records: readonly ModuleRecord[],
  perKind: number,
  seed: number,
  sourceRoot: string,
): { plans: DefectPlan[]; eligible: Map<DefectKind, number> } {
  const plans: DefectPlan[] = [];
  const eligible = new Map<DefectKind, number>();
  const candidatesOf = (r: ModuleRecord) => ('reply' in r.outcome ? r.outcome.reply.candidates : undefined);
  const relative = (file: string, line?: number) =>
    `${path.relative(sourceRoot, file)}${line !== undefined ? `:${line}` : ''}`;
  const sorted = [...records].sort((a, b) => a.koPath.localeCompare(b.koPath));
  const draw = (
    kind: DefectKind,
    make: (r: ModuleRecord, prng: Prng) => Omit<DefectPlan, 'kind' | 'record'> | undefined,
  ) => {
    const prng = Prng.for(seed, `defect:${kind}`);
    const possible = sorted
      .map((record) => ({ record, plan: make(record, prng) }))
      .filter((x): x is { record: ModuleRecord; plan: Omit<DefectPlan, 'kind' | 'record'> } => x.plan !== undefined);
    eligible.set(kind, possible.length);
    for (const { record, plan } of prng.sample(possible, perKind)) plans.push({ kind, record, ...plan });
  };

  draw('delete-license', (r) => {
    const edits = candidatesOf(r)?.license;
    if (edits === undefined || r.truth.license === undefined) return undefined;
    return { edits, detail: `deleted ${edits.map((e) => relative(e.path)).join(', ')}: MODULE_LICENSE` };
  });
  draw('delete-module-exit', (r) => {
    const edits = candidatesOf(r)?.exit;
    if (edits === undefined) return undefined;
    return { edits, detail: `deleted module_exit in ${edits.map((e) => relative(e.path)).join(', ')}` };
  });
  draw('drop-release', (r, prng) => {
    const choice = prng.pick(candidatesOf(r)?.resource ?? []);
    if (choice === undefined) return undefined;
    return {
      edits: [choice.edit],
      detail: `dropped ${choice.release}() (releases ${choice.acquire}()) at ${relative(choice.edit.path, choice.line)}`,
    };
  });
  draw('misspell-external-call', (r, prng) => {
    const imported = new Set(r.truth.undefinedSymbols);
    const choice = prng.pick((candidatesOf(r)?.externalCalls ?? []).filter((c) => imported.has(c.callee)));
    if (choice === undefined) return undefined;
    return {
      edits: [choice.edit],
      detail: `${choice.callee}() misspelt ${choice.edit.replacement}() at ${relative(choice.edit.path, choice.line)}`,
      misspelt: choice.edit.replacement,
    };
  });
  draw('drop-export', (r, prng) => {
    const imported = new Set(r.truth.undefinedSymbols);
    const choice = prng.pick((candidatesOf(r)?.externalCalls ?? []).filter((c) => imported.has(c.callee)));
    if (choice === undefined) return undefined;
    return {
      edits: [],
      detail: `${choice.callee}, called at ${relative(choice.edit.path, choice.line)}, no longer exported`,
      hiddenExports: [choice.callee],
    };
  });
  return { plans, eligible };
}

/** Whether the seeded module got the diagnostic its defect calls for, beyond what it had before. */
export function detects(
  plan: DefectPlan,
  baseline: readonly FoundDiagnostic[],
  seeded: readonly FoundDiagnostic[],
): boolean {
  switch (plan.kind) {
    case 'delete-license':
      return seeded.some((d) => d.code === 'missing-license');
    case 'delete-module-exit':
      return seeded.some((d) => d.code === 'init-without-exit');
    case 'drop-release': {
      const neverReleased = (list: readonly FoundDiagnostic[]) =>
        list.filter((d) => d.code === 'unpaired-resource' && d.message.includes('never releases')).length;
      return neverReleased(seeded) > neverReleased(baseline);
    }
    case 'misspell-external-call':
      return seeded.some((d) => d.code === 'undefined-symbol' && d.message.includes(plan.misspelt ?? '\0'));
    case 'drop-export':
      return seeded.some(
        (d) =>
          (d.code === 'undefined-symbol' || d.code === 'symbol-not-exported') &&
          d.message.startsWith(`"${plan.hiddenExports?.[0] ?? '\0'}"`),
      );
  }
}

/** Why a kind cannot run yet: its code is not one the analysis emits. */
export function notRunReason(kind: DefectKindInfo): string | undefined {
  return DIAGNOSTIC_CODES.some((c) => c.code === kind.expect)
    ? undefined
    : `the code ${kind.expect} does not exist yet (diagnosticCodes.ts); planned, not run`;
}

export function scoreDefects(
  kinds: readonly DefectKindInfo[],
  eligible: ReadonlyMap<DefectKind, number>,
  results: readonly { plan: DefectPlan; outcome: Outcome<AnalyzeReply> | undefined }[],
): DefectFigures[] {
  return kinds.map((info) => {
    const mine = results.filter((r) => r.plan.kind === info.kind);
    const reason = notRunReason(info);
    const misses: Example[] = [];
    let detected = 0;
    let lost = 0;
    for (const { plan, outcome } of mine) {
      if (outcome === undefined) continue;
      if (!('reply' in outcome)) {
        lost++;
        misses.push({ module: plan.record.koPath, message: `${outcome.lost}: ${outcome.message}` });
        continue;
      }
      const baseline = 'reply' in plan.record.outcome ? plan.record.outcome.reply.diagnostics : [];
      if (detects(plan, baseline, outcome.reply.diagnostics)) detected++;
      else misses.push({ module: plan.record.koPath, message: `${plan.detail}; then ${describe(outcome.reply)}` });
    }
    const seeded = reason === undefined ? mine.length : 0;
    return {
      kind: info.kind,
      expect: info.expect,
      description: info.description,
      ...(reason !== undefined ? { notRun: reason } : {}),
      eligible: eligible.get(info.kind) ?? 0,
      seeded,
      detected,
      recall: rate(detected, seeded),
      lost,
      misses: misses.slice(0, 25),
    };
  });
}

/** What the seeded module's analysis came to, for a miss: is it still a module, which codes it got. */
function describe(reply: AnalyzeReply): string {
  const codes = [...new Set(reply.diagnostics.map((d) => d.code))];
  const facts = reply.facts;
  const module = facts === undefined ? 'no facts' : facts.isModule ? 'a module' : 'not a module (no module macro left)';
  return `${module}; codes: ${codes.length === 0 ? 'none' : codes.join(', ')}${reply.failures.length > 0 ? `; ${reply.failures.length} failures` : ''}`;
}
