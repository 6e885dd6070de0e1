import type { KernelModule } from '../model/kernelModule';
import { kernelMessage, type Severity } from './diagnostic';
import type { ModuleDiagnostic } from './moduleDiagnostic';

/** modpost has warned `missing MODULE_DESCRIPTION() in <module>.o` since Linux 6.11; before, nothing. */
const WARNS_FROM: readonly [number, number] = [6, 11];

export function descriptionSeverity(release: string | undefined): Severity {
  const match = release === undefined ? null : /^(\d+)\.(\d+)/.exec(release);
  if (match === null) return 'hint';
  const [major, minor] = [Number(match[1]), Number(match[2])];
  return major > WARNS_FROM[0] || (major === WARNS_FROM[0] && minor >= WARNS_FROM[1]) ? 'warning' : 'hint';
}

export function checkMissingDescription(module: KernelModule, release: string | undefined): ModuleDiagnostic[] {
  if (!module.isModule || module.metadata.some((m) => m.key === 'description')) return [];
  const anchor = module.licenses[0] ?? module.inits[0] ?? module.moduleMacros[0];
  if (anchor === undefined) return [];
  const { source, invocation } = anchor;
  const at = source.lines.positionAt(invocation.end);
  return [
    {
      path: source.path,
      diagnostic: {
        range: source.lines.rangeOf(invocation.nameStart, invocation.nameEnd),
        severity: descriptionSeverity(release),
        code: 'missing-description',
        source: 'lkm',
        message: kernelMessage(
          `missing MODULE_DESCRIPTION() in ${module.name}.o`,
          `modinfo shows no description for the module${descriptionSeverity(release) === 'warning' ? '' : ' (modpost warns about this from Linux 6.11)'}.`,
        ),
        fixes: [
          {
            title: 'Add MODULE_DESCRIPTION(…)',
            preferred: true,
            edits: [{ range: { start: at, end: at }, newText: `\nMODULE_DESCRIPTION("${module.name}");` }],
          },
        ],
      },
    },
  ];
}
