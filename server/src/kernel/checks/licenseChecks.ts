import type { KernelModule, LocatedInvocation } from '../model/kernelModule';
import { START_OF_FILE, kernelMessage, type Fix } from './diagnostic';
import { KNOWN_LICENSES, isGplCompatible, likelyLicense, moduleLicenseForSpdx } from './licenses';
import type { ModuleDiagnostic } from './moduleDiagnostic';

/** modpost: `missing MODULE_LICENSE() in <module>.o`, an error even with KBUILD_MODPOST_WARN=1. */
export function checkMissingLicense(module: KernelModule): ModuleDiagnostic[] {
  if (!module.isModule || module.licenses.length > 0) return [];
  const anchor = module.inits[0] ?? module.exits[0] ?? module.moduleMacros[0];
  const source = anchor?.source ?? module.sources[0];
  if (source === undefined) return [];
  // A module with no module macro at all (obj-m of plain exports) gets it on its first line.
  const range = anchor ? source.lines.rangeOf(anchor.invocation.nameStart, anchor.invocation.nameEnd) : START_OF_FILE;
  return [
    {
      path: source.path,
      diagnostic: {
        range,
        severity: 'error',
        code: 'missing-license',
        source: 'lkm',
        message: kernelMessage(
          `missing MODULE_LICENSE() in ${module.name}.o`,
          'modpost stops the build here: every module must declare its licence, which decides whether it may use GPL-only symbols and whether loading it taints the kernel.',
        ),
        fixes: licenseFixes(module),
      },
    },
  ];
}

/**
 * The 6.1 loader taints the kernel for any licence that is not GPL-compatible, and a string it
 * does not know at all is most likely a typo for one it does (modpost 6.1 says nothing).
 */
export function checkLicenseValue(module: KernelModule): ModuleDiagnostic[] {
  const declaration = module.licenses[0];
  if (declaration?.value === undefined || isGplCompatible(declaration.value)) return [];
  const { source, invocation, value } = declaration;
  const argument = invocation.args[0]!;
  const range = source.lines.rangeOf(argument.start, argument.end);
  const taint = `${module.name}: module license '${value}' taints kernel.`;
  if (KNOWN_LICENSES.includes(value)) {
    return [
      {
        path: source.path,
        diagnostic: {
          range,
          severity: 'information',
          code: 'non-gpl-license',
          source: 'lkm',
          message: kernelMessage(
            taint,
            'a non-GPL module taints the kernel (P) when it loads, and GPL-only symbols (EXPORT_SYMBOL_GPL) are unavailable to it.',
          ),
        },
      },
    ];
  }
  const meant = likelyLicense(value);
  const literal = argument.text.startsWith('"');
  return [
    {
      path: source.path,
      diagnostic: {
        range,
        severity: 'warning',
        code: 'unknown-license',
        source: 'lkm',
        message: kernelMessage(
          taint,
          `'${value}' is not a licence string the kernel knows (${KNOWN_LICENSES.map((l) => `"${l}"`).join(', ')}), so the module counts as proprietary: loading it taints the kernel (P) and GPL-only symbols are unavailable${meant ? `. Did you mean "${meant}"?` : '.'}`,
        ),
        ...(meant !== undefined && literal
          ? {
              fixes: [
                {
                  title: `Change the licence to "${meant}"`,
                  preferred: true,
                  edits: [{ range, newText: `"${meant}"` }],
                },
              ],
            }
          : {}),
      },
    },
  ];
}

function licenseFixes(module: KernelModule): Fix[] {
  const last = module.moduleMacros[module.moduleMacros.length - 1];
  if (last === undefined) return [];
  const spdx = last.source.facts.spdxLicense;
  const fromSpdx = spdx === undefined ? undefined : moduleLicenseForSpdx(spdx);
  const fixes = [insertLicense(last, 'GPL', fromSpdx === undefined || fromSpdx === 'GPL')];
  if (fromSpdx !== undefined && fromSpdx !== 'GPL') {
    fixes.unshift(insertLicense(last, fromSpdx, true, ` (from SPDX-License-Identifier: ${spdx})`));
  }
  return fixes;
}

/** Inserts the licence on its own line after the last module macro, where readers look for it. */
function insertLicense(after: LocatedInvocation, license: string, preferred: boolean, note = ''): Fix {
  const { source, invocation } = after;
  const end = source.lines.positionAt(invocation.end);
  const statement = `MODULE_LICENSE("${license}");`;
  return {
    title: `Add ${statement}${note}`,
    preferred,
    edits: [{ range: { start: end, end }, newText: `\n${statement}` }],
  };
}
