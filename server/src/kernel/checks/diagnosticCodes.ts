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
    code: 'unknown-license',
    severity: 'warning',
    summary: 'MODULE_LICENSE() names a string the kernel does not know; the module counts as proprietary.',
  },
  {
    code: 'non-gpl-license',
    severity: 'information',
    summary: 'A non-GPL licence: loading taints the kernel and GPL-only symbols are unavailable.',
  },
  {
    code: 'init-without-exit',
    severity: 'warning',
    summary: 'module_init() without module_exit(): the module can never be unloaded.',
  },
  {
    code: 'exit-without-init',
    severity: 'warning',
    summary: 'module_exit() without module_init(): the module runs no code of its own when loaded.',
  },
  {
    code: 'duplicate-init',
    severity: 'error',
    summary: "Two init functions that can both be compiled: redefinition of 'init_module'.",
  },
  {
    code: 'duplicate-exit',
    severity: 'error',
    summary: "Two exit functions that can both be compiled: redefinition of 'cleanup_module'.",
  },
  {
    code: 'export-placement',
    severity: 'warning',
    summary: 'EXPORT_SYMBOL() does not immediately follow its function or variable (checkpatch).',
  },
  {
    code: 'export-without-definition',
    severity: 'error',
    summary: 'The module exports a symbol it does not define (modpost).',
  },
  { code: 'exported-init-symbol', severity: 'warning', summary: 'An __init or __exit symbol is exported (modpost).' },
  {
    code: 'section-mismatch',
    severity: 'warning',
    summary: 'Code or data that outlives init refers to __init code or data (modpost).',
  },
  {
    code: 'unpaired-resource',
    severity: 'warning',
    summary: 'init acquires something that exit, or an error path of init, never releases.',
  },
  { code: 'userspace-api', severity: 'error', summary: 'A C library call (printf, malloc, …) in kernel code.' },
  {
    code: 'invalid-param',
    severity: 'error',
    summary:
      'A module parameter of an unknown type or with permissions the kernel refuses; a missing MODULE_PARM_DESC is a hint.',
  },
  {
    code: 'undefined-symbol',
    severity: 'error',
    summary:
      'The module uses a symbol that neither the target kernel nor a workspace module exports (modpost: undefined!).',
  },
  {
    code: 'symbol-not-exported',
    severity: 'error',
    summary: 'The target kernel has the symbol, but does not export it: modules cannot link to it.',
  },
  {
    code: 'gpl-only-symbol',
    severity: 'error',
    summary: 'A module with a non-GPL licence uses an EXPORT_SYMBOL_GPL symbol (modpost).',
  },
  {
    code: 'missing-namespace-import',
    severity: 'error',
    summary: 'The module uses a symbol from a namespace it does not import with MODULE_IMPORT_NS().',
  },
  {
    code: 'duplicate-export',
    severity: 'error',
    summary: 'The module exports a name the kernel or another module already exports (exported twice).',
  },
  {
    code: 'workspace-dependency',
    severity: 'information',
    summary: 'A symbol comes from another module of the workspace, which must be loaded first.',
  },
  { code: 'missing-description', severity: 'hint', summary: 'No MODULE_DESCRIPTION(); modpost warns from Linux 6.11.' },
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
