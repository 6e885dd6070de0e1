import type { FileReport } from '../../kernel/analysis/checkFiles';

/** An array of `{file, range, severity, code, message, source}`, positions 0-based as in LSP. */
export function formatJson(reports: readonly FileReport[]): string {
  const entries = reports.flatMap((report) =>
    report.diagnostics.map((d) => ({
      file: report.path,
      range: d.range,
      severity: d.severity,
      code: d.code,
      message: d.message,
      source: d.source,
    })),
  );
  return `${JSON.stringify(entries, null, 2)}\n`;
}
