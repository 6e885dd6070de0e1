import type { SymbolScope } from '../checks/symbolChecks';

export interface SymbolCompletion {
  readonly name: string;
  readonly owner: string;
  readonly inWorkspace: boolean;
  readonly gplOnly: boolean;
  readonly namespace?: string;
}

export interface CompletionResult {
  readonly items: readonly SymbolCompletion[];
  /** More names match than were returned: the editor should ask again as the prefix grows. */
  readonly incomplete: boolean;
}

/** The identifier around `offset` (or ending at it), with its span. */
export function identifierAt(text: string, offset: number): { name: string; start: number; end: number } | undefined {
  let start = Math.max(0, Math.min(offset, text.length));
  let end = start;
  while (start > 0 && /\w/.test(text[start - 1]!)) start--;
  while (end < text.length && /\w/.test(text[end]!)) end++;
  const name = text.slice(start, end);
  return /^[A-Za-z_]\w*$/.test(name) ? { name, start, end } : undefined;
}

/**
 * Exported symbols starting with `prefix`: the kernel's and the workspace modules'. A non-GPL module
 * cannot link to GPL-only symbols, so they are left out for it.
 */
export function completeSymbols(
  prefix: string,
  scope: SymbolScope,
  options: { readonly gplCompatible: boolean; readonly limit?: number },
): CompletionResult {
  const limit = options.limit ?? 200;
  const items: SymbolCompletion[] = [];
  let incomplete = false;
  const seen = new Set<string>();
  const consider = (item: SymbolCompletion): void => {
    if (seen.has(item.name) || (item.gplOnly && !options.gplCompatible)) return;
    seen.add(item.name);
    if (items.length >= limit) incomplete = true;
    else items.push(item);
  };
  for (const name of scope.profile.exportedNames()) {
    if (!name.startsWith(prefix)) continue;
    const exported = scope.profile.exported(name)!;
    consider({
      name,
      owner: exported.owner,
      inWorkspace: false,
      gplOnly: exported.gplOnly,
      ...(exported.namespace !== undefined ? { namespace: exported.namespace } : {}),
    });
    if (incomplete) break;
  }
  for (const name of scope.workspaceExportNames()) {
    if (!name.startsWith(prefix) || incomplete) continue;
    const exported = scope.workspaceExports(name)[0]!;
    consider({
      name,
      owner: exported.module,
      inWorkspace: true,
      gplOnly: exported.gplOnly,
      ...(exported.namespace !== undefined ? { namespace: exported.namespace } : {}),
    });
  }
  return { items, incomplete };
}

/** Exported names containing `query` (any case), prefix matches first: workspace symbol search. */
export function searchSymbols(query: string, scope: SymbolScope, limit = 100): string[] {
  const wanted = query.toLowerCase();
  const prefixed: string[] = [];
  const containing: string[] = [];
  for (const name of [...scope.profile.exportedNames(), ...scope.workspaceExportNames()]) {
    const lowered = name.toLowerCase();
    if (lowered.startsWith(wanted)) prefixed.push(name);
    else if (wanted !== '' && lowered.includes(wanted)) containing.push(name);
    if (prefixed.length >= limit) break;
  }
  return [...new Set([...prefixed, ...containing])].slice(0, limit);
}
