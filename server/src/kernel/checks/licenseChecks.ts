import type { KernelModule, LocatedInvocation } from '../model/kernelModule';
import { kernelMessage, type Fix } from './diagnostic';
import type { ModuleDiagnostic } from './moduleDiagnostic';

/** SPDX identifiers whose MODULE_LICENSE() spelling differs from plain "GPL". */
const SPDX_TO_MODULE_LICENSE: readonly [RegExp, string][] = [
  [/\bGPL-2\.0[^ ]*\s+OR\s+BSD-[23]-Clause\b|\bBSD-[23]-Clause\s+OR\s+GPL-2\.0/i, 'Dual BSD/GPL'],
  [/\bGPL-2\.0[^ ]*\s+OR\s+MIT\b|\bMIT\s+OR\s+GPL-2\.0/i, 'Dual MIT/GPL'],
  [/\bGPL-2\.0[^ ]*\s+OR\s+MPL-1\.1\b|\bMPL-1\.1\s+OR\s+GPL-2\.0/i, 'Dual MPL/GPL'],
  [/\bGPL-2\.0/i, 'GPL'],
];

export function moduleLicenseForSpdx(spdx: string): string | undefined {
  return SPDX_TO_MODULE_LICENSE.find(([pattern]) => pattern.test(spdx))?.[1];
}

/** modpost: `missing MODULE_LICENSE() in <module>.o`, an error even with KBUILD_MODPOST_WARN=1. */
export function checkMissingLicense(module: KernelModule): ModuleDiagnostic[] {
  if (!module.isModule || module.licenses.length > 0) return [];
  const anchor = module.inits[0] ?? module.exits[0] ?? module.moduleMacros[0];
  if (anchor === undefined) return [];
  const { source, invocation } = anchor;
  return [
    {
      path: source.path,
      diagnostic: {
        range: source.lines.rangeOf(invocation.nameStart, invocation.nameEnd),
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
