import {
  CodeActionKind,
  DiagnosticSeverity,
  type CodeAction,
  type Diagnostic as LspDiagnostic,
} from 'vscode-languageserver';
import type { Diagnostic, Fix, Severity } from '../kernel/checks/diagnostic';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toLspDiagnostic(diagnostic: Diagnostic): LspDiagnostic {
  return {
    range: diagnostic.range,
    severity: SEVERITY[diagnostic.severity],
    code: diagnostic.code,
    source: diagnostic.source,
    message: diagnostic.message,
  };
}

export function toCodeAction(uri: string, fix: Fix, diagnostic: Diagnostic): CodeAction {
  return {
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [toLspDiagnostic(diagnostic)],
    isPreferred: fix.preferred === true,
    edit: { changes: { [uri]: fix.edits.map((edit) => ({ range: edit.range, newText: edit.newText })) } },
  };
}
