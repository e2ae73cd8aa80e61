/**
 * Quick fixes keyed by diagnostic code (= rule id). The host has no document
 * model, so each fix comes precomputed from the check (worker); fix-all runs
 * in the worker on demand (commands in fixCommands.ts).
 */
import * as vscode from 'vscode';
import type { CheckOutcome, OutcomeProblem, PositionedEdit } from '../node/checkWorkerProtocol';
import type { CheckService } from './checkService';
import { DIAGNOSTIC_SOURCE, diagnosticCode } from './diagnostics';

/** `source.fixAll.labelscope`: what `editor.codeActionsOnSave` asks for. */
export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('labelscope');

export const FIX_ALL_COMMAND = 'labelscope.fixAll';
export const FIX_ALL_OF_RULE_COMMAND = 'labelscope.fixAllOfRule';

export function editRange(e: Pick<PositionedEdit, 'line' | 'column' | 'endLine' | 'endColumn'>): vscode.Range {
  return new vscode.Range(e.line - 1, e.column - 1, e.endLine - 1, e.endColumn - 1);
}

/** One WorkspaceEdit replacing exactly the edited ranges (undoable as one step). */
export function toWorkspaceEdit(uri: vscode.Uri, edits: readonly PositionedEdit[]): vscode.WorkspaceEdit {
  const we = new vscode.WorkspaceEdit();
  for (const e of edits) we.replace(uri, editRange(e), e.newText);
  return we;
}

const codeOf = diagnosticCode;

const keyOf = (rule: string, line: number, column: number, message: string) => `${rule}\u0000${line}:${column}\u0000${message}`;
const indexes = new WeakMap<CheckOutcome, Map<string, OutcomeProblem>>();

/** The problem a diagnostic was made from (diagnostics reach providers as copies, so match by content). */
export function problemFor(outcome: CheckOutcome, d: vscode.Diagnostic): OutcomeProblem | undefined {
  let index = indexes.get(outcome);
  if (!index) {
    index = new Map();
    for (const p of outcome.problems) {
      const k = keyOf(p.rule, p.line - 1, p.column - 1, p.message);
      if (!index.has(k)) index.set(k, p);
    }
    indexes.set(outcome, index);
  }
  const code = codeOf(d);
  return code ? index.get(keyOf(code, d.range.start.line, d.range.start.character, d.message)) : undefined;
}

export class LabelscopeCodeActionProvider implements vscode.CodeActionProvider {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND];

  constructor(private readonly service: CheckService) {}

  /** The outcome's fixes still apply to this text (same version, or an unedited buffer checked from disk). */
  private fresh(document: vscode.TextDocument): boolean {
    const v = this.service.versionFor(document.uri);
    return v !== undefined ? v === document.version : !document.isDirty;
  }

  provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] {
    const outcome = this.service.outcomeFor(document.uri);
    if (!outcome) return [];
    const actions: vscode.CodeAction[] = [];
    const only = context.only;

    if (only && FIX_ALL_KIND.intersects(only) && !only.contains(vscode.CodeActionKind.QuickFix)) {
      if (outcome.fixableRules.length > 0) actions.push(this.fixAllAction(document.uri, FIX_ALL_KIND, true));
      return actions;
    }
    if (only && !only.intersects(vscode.CodeActionKind.QuickFix)) return actions;

    const fresh = this.fresh(document);
    const rulesOffered = new Set<string>();
    const fixAllOfRule: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== DIAGNOSTIC_SOURCE) continue;
      const rule = codeOf(d);
      if (!rule || !outcome.fixableRules.includes(rule)) continue;
      const problem = fresh ? problemFor(outcome, d) : undefined;
      if (problem?.fix) {
        const a = new vscode.CodeAction(problem.fix.title, vscode.CodeActionKind.QuickFix);
        a.edit = toWorkspaceEdit(document.uri, problem.fix.edits);
        a.diagnostics = [d];
        a.isPreferred = true;
        actions.push(a);
      }
      if (!rulesOffered.has(rule)) {
        rulesOffered.add(rule);
        const a = new vscode.CodeAction(`Fix all ${rule} problems in this file`, vscode.CodeActionKind.QuickFix);
        a.command = { command: FIX_ALL_OF_RULE_COMMAND, title: a.title, arguments: [document.uri, rule] };
        a.diagnostics = [d];
        fixAllOfRule.push(a);
      }
    }
    actions.push(...fixAllOfRule);
    if (rulesOffered.size > 0) {
      actions.push(this.fixAllAction(document.uri, vscode.CodeActionKind.QuickFix, false));
      if (!only) actions.push(this.fixAllAction(document.uri, FIX_ALL_KIND, true));
    }
    return actions;
  }

  private fixAllAction(uri: vscode.Uri, kind: vscode.CodeActionKind, silent: boolean): vscode.CodeAction {
    const a = new vscode.CodeAction('Fix all auto-fixable problems in this file', kind);
    a.command = { command: FIX_ALL_COMMAND, title: a.title, arguments: [uri, { silent }] };
    return a;
  }
}
