import type { FileScopeDeclaration } from '../model/fileScope';
import type { KernelModule, ModuleExport, ModuleSource } from '../model/kernelModule';
import { kernelMessage } from './diagnostic';
import type { ModuleDiagnostic } from './moduleDiagnostic';
import { initSection } from './sections';

/** modpost: `"sym" [mod.ko] was exported without definition`. */
export function checkExportWithoutDefinition(module: KernelModule): ModuleDiagnostic[] {
  // An assembly or generated member may define what is exported: nothing can be said.
  if (module.hasUnreadMembers === true) return [];
  return module.exports
    .filter((e) => e.generated !== true && !module.definedNames.has(e.name))
    .filter((e) => !definedByMacro(module, e) && !mentionedElsewhere(module, e))
    .map((e) => ({
      path: e.source.path,
      diagnostic: {
        range: e.source.lines.rangeOf(e.invocation.args[0]!.start, e.invocation.args[0]!.end),
        severity: 'error',
        code: 'export-without-definition',
        source: 'lkm',
        message: kernelMessage(
          `"${e.name}" [${module.name}.ko] was exported without definition`,
          `no source of the module defines ${e.name}, so there is nothing to export: define it, or remove the ${e.invocation.name}().`,
        ),
      },
    }));
}

/**
 * Precision first: a name the sources mention anywhere but in its exports and prototypes may be
 * defined in a way the parse did not see (a body after a construct it could not read).
 */
function mentionedElsewhere(module: KernelModule, exported: ModuleExport): boolean {
  const word = new RegExp(`\\b${exported.name}\\b`, 'g');
  return module.sources.some((source) => {
    const excluded = [
      ...source.facts.macros.filter((m) => m.args[0]?.text === exported.name),
      ...source.facts.declarations.filter((d) => d.name === exported.name && !d.defines),
    ];
    for (const match of source.text.matchAll(word)) {
      const at = match.index;
      if (!excluded.some((e) => e.start <= at && at < e.end) && !inComment(source.text, at)) return true;
    }
    return false;
  });
}

/** Whether `offset` is inside a comment on its line or a block comment before it (textual). */
function inComment(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset) + 1;
  if (text.slice(lineStart, offset).includes('//')) return true;
  const open = text.lastIndexOf('/*', offset);
  return open !== -1 && text.lastIndexOf('*/', offset) < open;
}

/**
 * `DEFINE_MUTEX(lock); EXPORT_SYMBOL(lock);`: a file-scope macro may be the definition, also by
 * pasting tokens: `DEVICE_ATTR(ncq_prio, …)` defines `dev_attr_ncq_prio`.
 */
function definedByMacro(module: KernelModule, exported: ModuleExport): boolean {
  const name = exported.name;
  return module.sources.some((source) =>
    source.facts.macros.some(
      (m) =>
        m.start !== exported.invocation.start &&
        m.args.some(
          (a) => a.text === name || (a.text.length >= 3 && /^[A-Za-z_]\w*$/.test(a.text) && name.endsWith(a.text)),
        ),
    ),
  );
}

/** modpost 6.1: `<mod>.o: EXPORT_SYMBOL used for init/exit symbol: <sym> (section: .init.text)`. */
export function checkExportedInitSymbol(module: KernelModule): ModuleDiagnostic[] {
  const found: ModuleDiagnostic[] = [];
  for (const exported of module.exports) {
    if (exported.generated === true) continue;
    const section = sectionOfDefinition(module, exported.name);
    if (section === undefined || !/^\.(init|exit)\./.test(section)) continue;
    const { source, invocation } = exported;
    found.push({
      path: source.path,
      diagnostic: {
        range: source.lines.rangeOf(invocation.args[0]!.start, invocation.args[0]!.end),
        severity: 'warning',
        code: 'exported-init-symbol',
        source: 'lkm',
        message: kernelMessage(
          `${module.name}.o: EXPORT_SYMBOL used for init/exit symbol: ${exported.name} (section: ${section})`,
          `${exported.name} lives in a section the kernel frees after init (or never loads), so any module calling it later jumps into freed memory; remove the __init/__exit, or the export.`,
        ),
      },
    });
  }
  return found;
}

function sectionOfDefinition(module: KernelModule, name: string): string | undefined {
  const fn = module.functions.get(name);
  if (fn) return initSection(fn.definition.annotations, 'text');
  for (const source of module.sources) {
    const variable = source.facts.declarations.find((d) => d.name === name && d.defines);
    if (variable) return initSection(variable.annotations, 'data');
  }
  return undefined;
}

/** checkpatch: `EXPORT_SYMBOL(foo); should immediately follow its function/variable`. */
export function checkExportPlacement(module: KernelModule): ModuleDiagnostic[] {
  const found: ModuleDiagnostic[] = [];
  for (const exported of module.exports) {
    if (exported.generated === true) continue;
    const { source, invocation } = exported;
    const definition = definitionIn(source, exported.name);
    if (definition === undefined) continue; // defined in another file: nothing to follow
    const between = source.text.slice(definition.end, invocation.start);
    if (definition.end <= invocation.start && /^\s*$/.test(stripComments(between))) continue;
    const statement = source.text.slice(invocation.start, invocation.end);
    const lineStart = source.text.lastIndexOf('\n', invocation.start - 1) + 1;
    const lineEnd = source.text.indexOf('\n', invocation.end);
    const ownLine = /^\s*$/.test(source.text.slice(lineStart, invocation.start));
    const removeFrom = ownLine ? lineStart : invocation.start;
    const removeTo = ownLine && lineEnd !== -1 ? lineEnd + 1 : invocation.end;
    const insertAt = source.lines.positionAt(definition.end);
    found.push({
      path: source.path,
      diagnostic: {
        range: source.lines.rangeOf(invocation.nameStart, invocation.end),
        severity: 'warning',
        code: 'export-placement',
        source: 'lkm',
        message: kernelMessage(
          `${invocation.name}(${exported.name}); should immediately follow its function/variable`,
          `checkpatch asks for the export right after the definition of ${exported.name}, so readers see at once that it is part of the module's interface.`,
        ),
        fixes: [
          {
            title: `Move ${statement} after the definition of ${exported.name}`,
            preferred: true,
            edits: [
              { range: { start: insertAt, end: insertAt }, newText: `\n${statement}` },
              { range: source.lines.rangeOf(removeFrom, removeTo), newText: '' },
            ],
          },
        ],
      },
    });
  }
  return found;
}

function definitionIn(source: ModuleSource, name: string): { end: number } | FileScopeDeclaration | undefined {
  const fn = source.facts.functions.find((f) => f.name === name);
  if (fn) return fn;
  return source.facts.declarations.find((d) => d.name === name && d.defines);
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
}
