import type { Severity } from './diagnostic';

export interface DiagnosticCodeInfo {
  readonly code: string;
  readonly severity: Severity;
  /** One line for rule lists (SARIF, docs). */
  readonly summary: string;
}

/** Every code the analysis can emit. Codes are stable: tools and users filter on them. */
export const DIAGNOSTIC_CODES: readonly DiagnosticCodeInfo[] = [
  {
    code: 'missing-license',
    severity: 'error',
    summary: 'The module has no MODULE_LICENSE(); modpost refuses to build it.',
  },
  {
    code: 'not-c-source',
    severity: 'error',
    summary: 'The input is not C source text (binary data, or not a .c/.h file).',
  },
  { code: 'unreadable-file', severity: 'error', summary: 'The file or folder could not be read.' },
  { code: 'file-too-large', severity: 'warning', summary: 'The file is over the size limit and was not analysed.' },
  {
    code: 'invalid-utf8',
    severity: 'warning',
    summary: 'The file is not valid UTF-8 and was read with replacement characters.',
  },
  { code: 'no-c-sources', severity: 'warning', summary: 'A folder holds no C sources.' },
  { code: 'analysis-failed', severity: 'error', summary: 'An internal error stopped the analysis of one file.' },
];
