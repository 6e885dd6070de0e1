import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FileReport } from '../../kernel/analysis/checkFiles';
import type { Range, Severity } from '../../kernel/checks/diagnostic';
import { DIAGNOSTIC_CODES } from '../../kernel/checks/diagnosticCodes';
import { VERSION } from '../../version';

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

/** SARIF 2.1.0, for code-scanning dashboards. Columns are UTF-16 code units, declared as such. */
export function formatSarif(reports: readonly FileReport[], cwd: string): string {
  const ruleIndex = new Map(DIAGNOSTIC_CODES.map((info, index) => [info.code, index]));
  const results = reports.flatMap((report) =>
    report.diagnostics.map((d) => ({
      ruleId: d.code,
      ...(ruleIndex.has(d.code) ? { ruleIndex: ruleIndex.get(d.code) } : {}),
      level: SARIF_LEVEL[d.severity],
      message: { text: d.message },
      locations: [
        { physicalLocation: { artifactLocation: artifactLocation(report.path, cwd), region: region(d.range) } },
      ],
      ...(d.fixes && d.fixes.length > 0
        ? {
            fixes: d.fixes.map((fix) => ({
              description: { text: fix.title },
              artifactChanges: [
                {
                  artifactLocation: artifactLocation(report.path, cwd),
                  replacements: fix.edits.map((edit) => ({
                    deletedRegion: region(edit.range),
                    insertedContent: { text: edit.newText },
                  })),
                },
              ],
            })),
          }
        : {}),
    })),
  );
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'lkm',
            fullName: 'Kernel Module Workbench checker',
            version: VERSION,
            rules: DIAGNOSTIC_CODES.map((info) => ({
              id: info.code,
              shortDescription: { text: info.summary },
              defaultConfiguration: { level: SARIF_LEVEL[info.severity] },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(cwd + path.sep).href } },
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function artifactLocation(filePath: string, cwd: string): { uri: string; uriBaseId?: string } {
  const relative = path.relative(cwd, path.resolve(cwd, filePath));
  if (relative.startsWith('..') || path.isAbsolute(relative))
    return { uri: pathToFileURL(path.resolve(filePath)).href };
  return { uri: relative.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: 'SRCROOT' };
}

/** SARIF regions are 1-based; an empty range still covers its start line. */
function region(range: Range): Record<string, number> {
  return {
    startLine: range.start.line + 1,
    startColumn: range.start.character + 1,
    endLine: range.end.line + 1,
    endColumn: range.end.character + 1,
  };
}
