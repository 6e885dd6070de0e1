/**
 * --dump FILE: everything behind the figures, one JSON object a line, for studying false alarms
 * with jq or grep: every diagnostic, every export missed or extra, every init/exit disagreement.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { exportKind, type ModuleRecord } from './scoring';

export async function writeDetailDump(
  records: readonly ModuleRecord[],
  sourceRoot: string,
  file: string,
): Promise<number> {
  const lines: string[] = [];
  const emit = (entry: Record<string, unknown>) => lines.push(JSON.stringify(entry));
  for (const record of records) {
    const module = record.koPath;
    if (!('reply' in record.outcome)) {
      emit({ kind: 'lost', module, why: record.outcome.lost, message: record.outcome.message });
      continue;
    }
    const reply = record.outcome.reply;
    for (const f of reply.failures)
      emit({ kind: 'failure', module, failure: f.kind, message: f.message, where: f.where });
    for (const d of reply.diagnostics)
      emit({ kind: 'diagnostic', module, ...d, path: path.relative(sourceRoot, d.path) });
    const facts = reply.facts;
    if (facts === undefined) continue;
    const ours = new Set(facts.exports.map((e) => e.name));
    const theirs = new Set(record.truth.exports.map((e) => e.name));
    for (const name of theirs) {
      if (!ours.has(name)) emit({ kind: 'missed-export', module, name, exportKind: exportKind(name) });
    }
    for (const name of ours) if (!theirs.has(name)) emit({ kind: 'extra-export', module, name });
    const sources = record.sources.map((s) => path.relative(sourceRoot, s));
    if (facts.inits.length > 0 !== record.truth.hasInit || facts.exits.length > 0 !== record.truth.hasExit) {
      emit({
        kind: 'entry-disagreement',
        module,
        ours: { inits: facts.inits, exits: facts.exits },
        ko: { init: record.truth.hasInit, exit: record.truth.hasExit },
        sources,
      });
    }
    if (!record.truth.license || !facts.licenses.includes(record.truth.license)) {
      emit({ kind: 'license-disagreement', module, ours: facts.licenses, ko: record.truth.license ?? null, sources });
    }
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, lines.join('\n') + '\n');
  return lines.length;
}
