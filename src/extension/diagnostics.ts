/** Problems -> VS Code diagnostics, capped per rule so a million defects don't flood the UI. */
import * as vscode from 'vscode';
import type { PositionedProblem } from '../core/report/located';

export const DIAGNOSTIC_SOURCE = 'labelscope';
export const TRUNCATED_CODE = 'labelscope/more-problems';

const SEVERITY: Record<PositionedProblem['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

function rangeOf(p: { line: number; column: number; endLine?: number; endColumn?: number }): vscode.Range {
  const start = new vscode.Position(p.line - 1, p.column - 1);
  const end = p.endLine !== undefined && p.endColumn !== undefined ? new vscode.Position(p.endLine - 1, p.endColumn - 1) : start;
  return new vscode.Range(start, end.isBefore(start) ? start : end);
}

export function toDiagnostics(uri: vscode.Uri, problems: readonly PositionedProblem[], maxPerRule: number): vscode.Diagnostic[] {
  const out: vscode.Diagnostic[] = [];
  const shown = new Map<string, number>();
  const hidden = new Map<string, { count: number; first: PositionedProblem }>();
  for (const p of problems) {
    const n = shown.get(p.rule) ?? 0;
    if (n >= maxPerRule) {
      const h = hidden.get(p.rule);
      if (h) h.count++;
      else hidden.set(p.rule, { count: 1, first: p });
      continue;
    }
    shown.set(p.rule, n + 1);
    const d = new vscode.Diagnostic(rangeOf(p), p.message, SEVERITY[p.severity]);
    d.source = DIAGNOSTIC_SOURCE;
    d.code = p.rule;
    if (p.related?.length) {
      d.relatedInformation = p.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, rangeOf(r)), `${r.message} (${r.jsonPath})`));
    }
    out.push(d);
  }
  for (const [rule, h] of hidden) {
    const d = new vscode.Diagnostic(
      rangeOf(h.first),
      `${h.count} more ${rule} problem${h.count === 1 ? '' : 's'} not shown (limit ${maxPerRule} per rule: setting labelscope.maxProblemsPerRule). Run "labelscope check" for the full list.`,
      SEVERITY[h.first.severity],
    );
    d.source = DIAGNOSTIC_SOURCE;
    d.code = TRUNCATED_CODE;
    out.push(d);
  }
  return out;
}
