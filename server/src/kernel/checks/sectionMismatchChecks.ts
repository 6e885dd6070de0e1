import type { KernelModule } from '../model/kernelModule';
import { kernelMessage } from './diagnostic';
import type { ModuleDiagnostic } from './moduleDiagnostic';
import { allowsInitReferences, initSection, isInitSection } from './sections';

/**
 * modpost: `<mod>.o: section mismatch in reference: <from> (section: .text) -> <to> (section: .init.text)`.
 * Code or data that outlives init referring to init code or data, which is freed after init.
 */
export function checkSectionMismatch(module: KernelModule): ModuleDiagnostic[] {
  const initSymbols = new Map<string, string>();
  for (const { definition } of module.functions.values()) {
    const section = initSection(definition.annotations, 'text');
    if (isInitSection(section)) initSymbols.set(definition.name, section);
  }
  for (const source of module.sources) {
    for (const declaration of source.facts.declarations) {
      const section = initSection(declaration.annotations, 'data');
      if (declaration.defines && isInitSection(section)) initSymbols.set(declaration.name, section);
    }
  }
  if (initSymbols.size === 0) return [];

  const found: ModuleDiagnostic[] = [];
  const report = (
    source: KernelModule['sources'][number],
    from: string,
    fromSection: string,
    use: { name: string; start: number; end: number },
  ): void => {
    const toSection = initSymbols.get(use.name)!;
    found.push({
      path: source.path,
      diagnostic: {
        range: source.lines.rangeOf(use.start, use.end),
        severity: 'warning',
        code: 'section-mismatch',
        source: 'lkm',
        message: kernelMessage(
          `${module.name}.o: section mismatch in reference: ${from} (section: ${fromSection}) -> ${use.name} (section: ${toSection})`,
          `${use.name} is freed once init has run, but ${from} can still reach it afterwards; drop the __init${toSection.endsWith('data') ? 'data' : ''} from ${use.name}, or mark ${from} __init (or __ref if the reference is safe).`,
        ),
      },
    });
  };

  for (const source of module.sources) {
    for (const fn of source.facts.functions) {
      if (allowsInitReferences(fn.annotations)) continue;
      const fromSection = initSection(fn.annotations, 'text');
      for (const use of fn.uses)
        if (initSymbols.has(use.name) && use.name !== fn.name) report(source, fn.name, fromSection, use);
    }
    // Uses and declarations are both in source order: walk them together.
    const uses = source.facts.fileScopeUses.filter((u) => initSymbols.has(u.name));
    let next = 0;
    for (const declaration of source.facts.declarations) {
      while (next < uses.length && uses[next]!.start < declaration.start) next++;
      if (!declaration.defines || allowsInitReferences(declaration.annotations)) continue;
      const fromSection = initSection(declaration.annotations, 'data');
      if (isInitSection(fromSection)) continue;
      for (let i = next; i < uses.length && uses[i]!.end <= declaration.end; i++) {
        report(source, declaration.name, fromSection, uses[i]!);
      }
    }
  }
  return found;
}
