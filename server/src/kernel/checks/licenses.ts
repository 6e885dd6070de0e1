/**
 * The licence strings the kernel knows. GPL-compatible ones are exactly those of
 * include/linux/license.h (license_is_gpl_compatible); "Proprietary" is the one known non-GPL
 * string. Any other string also counts as non-GPL: it taints the kernel.
 */
export const GPL_COMPATIBLE_LICENSES = [
  'GPL',
  'GPL v2',
  'GPL and additional rights',
  'Dual BSD/GPL',
  'Dual MIT/GPL',
  'Dual MPL/GPL',
] as const;

export const KNOWN_LICENSES: readonly string[] = [...GPL_COMPATIBLE_LICENSES, 'Proprietary'];

export function isGplCompatible(license: string): boolean {
  return (GPL_COMPATIBLE_LICENSES as readonly string[]).includes(license);
}

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

/** The known string a mistyped licence most likely meant: "GPLv2" → "GPL", "Dual BSD-GPL" → "Dual BSD/GPL". */
export function likelyLicense(written: string): string | undefined {
  const normalized = written
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9/+ ]/g, ' ')
    .replace(/\s+/g, ' ');
  if (/^gpl ?v?2?(\.0)?( only)?\+?( or later)?$|^gnu (general public license|gpl)( v?2)?$/.test(normalized))
    return 'GPL';
  if (/bsd/.test(normalized) && /gpl/.test(normalized)) return 'Dual BSD/GPL';
  if (/mit/.test(normalized) && /gpl/.test(normalized)) return 'Dual MIT/GPL';
  if (/mpl/.test(normalized) && /gpl/.test(normalized)) return 'Dual MPL/GPL';
  if (/proprietary|closed/.test(normalized)) return 'Proprietary';
  return moduleLicenseForSpdx(written);
}
