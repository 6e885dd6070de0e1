/** The section an annotation puts code (`text`) or data (`data`) in, as modpost names it. */
export function initSection(annotations: readonly string[], kind: 'text' | 'data'): string {
  if (kind === 'text') {
    if (annotations.includes('__init')) return '.init.text';
    if (annotations.includes('__exit')) return '.exit.text';
    return '.text';
  }
  if (annotations.includes('__initdata')) return '.init.data';
  if (annotations.includes('__initconst')) return '.init.rodata';
  if (annotations.includes('__exitdata')) return '.exit.data';
  return '.data';
}

export function isInitSection(section: string): boolean {
  return section.startsWith('.init.');
}

/** `__ref` and friends tell modpost that a reference into init sections is intended. */
export function allowsInitReferences(annotations: readonly string[]): boolean {
  return annotations.some((a) => a === '__ref' || a === '__refdata' || a === '__refconst' || a === '__init');
}
