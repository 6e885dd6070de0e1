import type { FileReport } from '../../kernel/analysis/checkFiles';
import type { Severity } from '../../kernel/checks/diagnostic';

/** gcc's words, so editors' and CI's gcc problem matchers pick the lines up. */
const GCC_SEVERITY: Record<Severity, string> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

/** `file:line:col: error: message [code]`, 1-based as gcc prints them (columns in characters, as editors count). */
export function formatText(reports: readonly FileReport[]): string {
  const lines = reports.flatMap((report) =>
    report.diagnostics.map(
      (d) =>
        `${report.path}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${GCC_SEVERITY[d.severity]}: ${d.message} [${d.code}]`,
    ),
  );
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
