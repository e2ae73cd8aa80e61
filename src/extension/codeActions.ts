/**
 * Quick fixes keyed by diagnostic code (= rule id). The host has no document
 * model, so each fix comes precomputed from the check (worker); fix-all runs
 * in the worker on demand (commands in fixCommands.ts).
 */
import * as vscode from 'vscode';
import type { KeptOutcome, OutcomeProblem, PositionedEdit, PositionedFix } from '../node/checkWorkerProtocol';
import type { CheckService } from './checkService';
import { DIAGNOSTIC_SOURCE, diagnosticCode } from './diagnostics';

/** `source.fixAll.labelscope`: what `editor.codeActionsOnSave` asks for. */
export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('labelscope');

export const FIX_ALL_COMMAND = 'labelscope.fixAll';
export const FIX_ALL_OF_RULE_COMMAND = 'labelscope.fixAllOfRule';
/** A fix that asks for a category first ("Change category_id to…"): QuickPick, then the edit. */
export const CHOOSE_FIX_COMMAND = 'labelscope.applyFixWithChoice';

/** A category for a "pick a category" fix, as the QuickPick lists it. */
export interface CategoryChoice { id: number | string; name: string }

/** Asks for a category (the file's categories, by name and id); undefined: dismissed. */
export async function pickCategory(categories: readonly CategoryChoice[], title: string): Promise<CategoryChoice | undefined> {
  const picked = await vscode.window.showQuickPick(
    categories.map((c) => ({ label: c.name || `category ${String(c.id)}`, description: `id ${JSON.stringify(c.id)}`, category: c })),
    { placeHolder: title, matchOnDescription: true },
  );
  return picked?.category;
}

/** The fix's edits with every newText set to the picked category's id. */
export function withChoice(fix: PositionedFix, choice: CategoryChoice): PositionedEdit[] {
  return fix.edits.map((e) => ({ ...e, newText: JSON.stringify(choice.id) }));
}

/** `labelscope.applyFixWithChoice(uri, fix, categories, version)`: pick, then one WorkspaceEdit (only onto the checked version). */
export function registerChooseFixCommand(): vscode.Disposable {
  return vscode.commands.registerCommand(CHOOSE_FIX_COMMAND, async (uri: vscode.Uri, fix: PositionedFix, categories: CategoryChoice[], version?: number) => {
    const choice = await pickCategory(categories, 'Change category_id to which category?');
    if (!choice) return false;
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (doc && version !== undefined && doc.version !== version) {
      void vscode.window.showWarningMessage('Labelscope: the file changed since it was checked; nothing was changed. Try again after the check.');
      return false;
    }
    return vscode.workspace.applyEdit(toWorkspaceEdit(uri, withChoice(fix, choice)));
  });
}

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

/**
 * The problem a diagnostic was made from (diagnostics reach providers as copies, so match by
 * content: rule, start and message). A scan of the outcome's line column, no index of objects:
 * the outcome keeps its problems as columns (a ProblemTable), and this runs per light bulb.
 */
export function problemFor(outcome: KeptOutcome, d: vscode.Diagnostic): OutcomeProblem | undefined {
  const code = codeOf(d);
  if (!code) return undefined;
  const problems = outcome.problems;
  const line = d.range.start.line + 1, column = d.range.start.character + 1;
  for (let i = 0; i < problems.length; i++) {
    if (problems.line(i) === line && problems.column(i) === column && problems.rule(i) === code && problems.message(i) === d.message) return problems.get(i);
  }
  return undefined;
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
      // Fixes that keep the data ("Add category 7", "Change category_id to…") come before one that deletes.
      for (const f of problem?.moreFixes ?? []) {
        const a = new vscode.CodeAction(f.title, vscode.CodeActionKind.QuickFix);
        if (f.choose === 'category') a.command = { command: CHOOSE_FIX_COMMAND, title: f.title, arguments: [document.uri, f, outcome.categories ?? [], document.version] };
        else a.edit = toWorkspaceEdit(document.uri, f.edits);
        a.diagnostics = [d];
        actions.push(a);
      }
      if (problem?.fix) {
        const a = new vscode.CodeAction(problem.fix.title, vscode.CodeActionKind.QuickFix);
        a.edit = toWorkspaceEdit(document.uri, problem.fix.edits);
        a.diagnostics = [d];
        a.isPreferred = !problem.fix.deletes;
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
