/**
 * Fix-all: the worker computes every fix of a rule (or of all rules), pass after
 * pass, as edits against the text it was given. Text documents get one undoable
 * WorkspaceEdit; files too big to open as text are patched on disk (atomic save,
 * after a modal confirmation, never in an untrusted workspace).
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { FixAllOutcome } from '../node/checkWorkerProtocol';
import { StaleEditsError, applyEditsToFile } from '../node/fixes';
import { CancelledError } from './checkRunner';
import { readSettings, type CheckService } from './checkService';
import { FIX_ALL_COMMAND, FIX_ALL_OF_RULE_COMMAND, editRange, toWorkspaceEdit } from './codeActions';
import { VSCODE_TEXT_DOCUMENT_MAX_BYTES } from '../core/limits';
import { targetCocoUri } from './activeFile';
import { CocoEditorProvider } from './editor/cocoEditorProvider';

/** VS Code does not sync files above 50 MB to extensions as text documents. */
export const DEFAULT_LARGE_FILE_BYTES = VSCODE_TEXT_DOCUMENT_MAX_BYTES;
export const APPLY_AND_SAVE = 'Apply and Save';
export const APPLY = 'Apply';
export const APPLY_WITHOUT_DELETIONS = 'Apply Without Deletions';
export const APPLY_WITHOUT_DELETIONS_AND_SAVE = 'Apply Without Deletions and Save';
export const PREVIEW = 'Preview…';

export interface FixCommandOptions {
  /** Files above this are fixed on disk instead of through a text document. */
  largeFileBytes?: number;
}

export interface FixAllResult {
  /** How the edits went in: 'text' (WorkspaceEdit), 'disk' (atomic write), or nothing done. */
  applied: 'text' | 'viewer' | 'disk' | 'none' | 'cancelled' | 'refused';
  outcome?: FixAllOutcome;
}

function fileSize(file: string): number {
  try { return fs.statSync(file).size; } catch { return 0; }
}

export function registerFixCommands(service: CheckService, opts: FixCommandOptions = {}): vscode.Disposable[] {
  const large = opts.largeFileBytes ?? DEFAULT_LARGE_FILE_BYTES;

  const targetOf = targetCocoUri;

  async function fixAll(uri: vscode.Uri, ruleId: string | undefined, silent: boolean): Promise<FixAllResult> {
    const name = uri.path.split('/').pop() ?? uri.fsPath;
    const settings = readSettings(uri);
    let doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const size = doc ? 0 : fileSize(uri.fsPath);
    // The file in the viewer (and not as text): the fixes become one undoable viewer edit.
    const inViewer = !doc && CocoEditorProvider.isOpenInViewer(uri);
    if (!doc && !inViewer && size <= large) doc = await vscode.workspace.openTextDocument(uri);
    const what = ruleId ? `${ruleId} problems` : 'auto-fixable problems';
    const controller = new AbortController();
    const run = (text: string | undefined, excludeDeletions: boolean) => vscode.window.withProgress(
      { location: doc ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification, title: `Labelscope: fixing ${what} in ${name}`, cancellable: !doc },
      (_progress, token) => {
        token?.onCancellationRequested(() => controller.abort());
        return service.runner.fixAll(
          { kind: 'fixAll', file: uri.fsPath, text, overrides: settings.overrides, checkImageFiles: settings.checkImageFiles, ruleId, excludeDeletions },
          () => undefined,
          controller.signal,
        );
      },
    );
    const nothing = (o: FixAllOutcome): FixAllResult => {
      if (!silent) {
        const left = o.deletionsLeftOut ? ` (${o.deletionsLeftOut} fix${o.deletionsLeftOut === 1 ? '' : 'es'} that delete annotations were left out: run Fix All Auto-Fixable Problems to choose)` : '';
        void vscode.window.showInformationMessage(`Labelscope: no ${what} to fix in ${name}${left}.`);
      }
      return { applied: 'none', outcome: o };
    };

    if (vscode.workspace.isTrusted === false && !doc) {
      void vscode.window.showWarningMessage(`Labelscope: Labelscope does not change files in an untrusted workspace (${name} is not open as text).`);
      return { applied: 'refused' };
    }

    // Fixes on save (silent) never delete: deletions need the user's consent.
    let outcome: FixAllOutcome;
    const version = doc?.version;
    const textNow = () => (doc ? doc.getText() : undefined);
    try { outcome = await run(textNow(), silent); } catch (e) { return failed(e, name); }
    if (doc && doc.version !== version) {
      if (!silent) void vscode.window.showWarningMessage(`Labelscope: ${name} changed while the fixes were computed; nothing was applied. Try again.`);
      return { applied: 'none', outcome };
    }
    if (outcome.edits.length === 0) return nothing(outcome);

    let choice: string | undefined = APPLY;
    const where = doc ? 'text' : inViewer ? 'viewer' : 'disk';
    const deletes = (outcome.groups ?? []).some((g) => g.deletes);
    // Fix-all always shows what it will do; one rule's fixes (a quick fix's "Fix all X") ask when they delete or write to disk.
    if (!silent && (ruleId === undefined || deletes || where === 'disk')) {
      choice = await askBeforeFixAll(outcome, name, where);
      if (choice === undefined) return { applied: 'cancelled', outcome };
      if (choice === APPLY_WITHOUT_DELETIONS || choice === APPLY_WITHOUT_DELETIONS_AND_SAVE) {
        try { outcome = await run(textNow(), true); } catch (e) { return failed(e, name); }
        if (doc && doc.version !== version) {
          void vscode.window.showWarningMessage(`Labelscope: ${name} changed while the fixes were computed; nothing was applied. Try again.`);
          return { applied: 'none', outcome };
        }
        if (outcome.edits.length === 0) return nothing(outcome);
      }
    }

    if (doc) {
      const preview = choice === PREVIEW;
      const ok = await vscode.workspace.applyEdit(fixAllWorkspaceEdit(uri, outcome, preview));
      if (!ok) {
        // A discarded refactor preview also lands here: nothing changed.
        if (!preview) void vscode.window.showErrorMessage(`Labelscope: the fixes could not be applied to ${name}.`);
        return { applied: preview ? 'cancelled' : 'none', outcome };
      }
      // The fixed text is unsaved: show it, so it is not an invisible dirty buffer.
      if (!silent && !vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === uri.toString())) await vscode.window.showTextDocument(doc, { preview: false, preserveFocus: true });
      if (!silent) void vscode.window.showInformationMessage(fixedMessage(outcome, name, false));
      return { applied: 'text', outcome };
    }

    if (inViewer) {
      const label = ruleId ? `Fix all ${ruleId} problems` : 'Fix all auto-fixable problems';
      const r = await CocoEditorProvider.applyInViewer(uri, label, outcome.edits, outcome.fingerprint);
      if (r?.ok) {
        void vscode.window.showInformationMessage(fixedMessage(outcome, name, false));
        return { applied: 'viewer', outcome };
      }
      if (r) {
        void vscode.window.showWarningMessage(`Labelscope: the fixes were not applied to ${name}: ${r.message ?? 'the viewer refused them'}`);
        return { applied: 'refused', outcome };
      }
      // The viewer closed meanwhile: patch the file on disk as below (the user said yes to that).
    }

    try {
      // Only onto the very bytes the fixes were computed from (a save in between moves every offset).
      await applyEditsToFile(uri.fsPath, outcome.edits, outcome.fingerprint ?? outcome.size);
    } catch (e) {
      if (e instanceof StaleEditsError) {
        void vscode.window.showWarningMessage(`Labelscope: ${name} changed on disk while the fixes were computed; nothing was written. It is being checked again.`);
        void service.check(uri, { size: fileSize(uri.fsPath) });
        return { applied: 'refused', outcome };
      }
      return failed(e, name);
    }
    if (!silent) void vscode.window.showInformationMessage(fixedMessage(outcome, name, true));
    await service.check(uri, { size: fileSize(uri.fsPath) });
    return { applied: 'disk', outcome };
  }

  function failed(e: unknown, name: string): FixAllResult {
    if (e instanceof CancelledError) return { applied: 'cancelled' };
    void vscode.window.showErrorMessage(`Labelscope could not fix ${name}: ${(e as Error)?.message ?? String(e)}`);
    return { applied: 'none' };
  }

  return [
    vscode.commands.registerCommand(FIX_ALL_COMMAND, async (uri?: unknown, options?: { silent?: boolean }) => {
      const target = targetOf(uri);
      if (!target) {
        void vscode.window.showWarningMessage('Labelscope: open a COCO JSON file to fix it.');
        return { applied: 'none' } satisfies FixAllResult;
      }
      return fixAll(target, undefined, options?.silent === true);
    }),
    vscode.commands.registerCommand(FIX_ALL_OF_RULE_COMMAND, async (uri?: unknown, rule?: unknown) => {
      // Also callable as fixAllOfRule(ruleId).
      if (typeof uri === 'string' && rule === undefined) { rule = uri; uri = undefined; }
      const target = targetOf(uri);
      if (!target) {
        void vscode.window.showWarningMessage('Labelscope: open a COCO JSON file to fix it.');
        return { applied: 'none' } satisfies FixAllResult;
      }
      let ruleId = typeof rule === 'string' ? rule : undefined;
      if (!ruleId) {
        const outcome = service.outcomeFor(target) ?? await service.check(target, { size: fileSize(target.fsPath) });
        const rules = outcome?.fixableRules ?? [];
        if (rules.length === 0) {
          void vscode.window.showInformationMessage('Labelscope: no auto-fixable problems in this file.');
          return { applied: 'none' } satisfies FixAllResult;
        }
        const picked = await vscode.window.showQuickPick(
          rules.map((id) => ({ label: id, description: `${outcome?.summary.byRule[id] ?? 0} problem${outcome?.summary.byRule[id] === 1 ? '' : 's'}` })),
          { placeHolder: 'Fix all problems of which rule?' },
        );
        if (!picked) return { applied: 'cancelled' } satisfies FixAllResult;
        ruleId = picked.label;
      }
      return fixAll(target, ruleId, false);
    }),
  ];
}

/**
 * What fix-all will do, before it does it: the count per rule, deletions called out, and the
 * choice. Undefined: the user cancelled. `where`: a text document (undoable; a refactor preview
 * is offered), the viewer (one undoable edit) or the file on disk (too big for text: not undoable).
 */
export async function askBeforeFixAll(o: FixAllOutcome, name: string, where: 'text' | 'viewer' | 'disk'): Promise<string | undefined> {
  const groups = o.groups ?? [];
  const deletions = groups.filter((g) => g.deletes).reduce((n, g) => n + g.count, 0);
  const lines = groups.filter((g) => !g.deletes).map((g) => `• ${g.count} × ${g.rule} (e.g. "${g.example}")`);
  const deleting = groups.filter((g) => g.deletes).map((g) => `• DELETES ${g.count} annotation${g.count === 1 ? '' : 's'}: ${g.rule} (e.g. "${g.example}")`);
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : w.endsWith('x') ? 'es' : 's'}`;
  const message = deletions > 0
    ? `Apply ${plural(o.fixed, 'fix')} to ${name}? ${plural(deletions, 'annotation')} will be deleted.`
    : `Apply ${plural(o.fixed, 'fix')} to ${name}?`;
  const how = where === 'disk'
    ? `${name} (${(o.size / 1048576).toFixed(0)} MB) is too large to open as text, so the fixes are written to the file directly (atomically) and cannot be undone with Undo.`
    : where === 'viewer' ? 'The fixes become one edit in the Labelscope viewer (Undo takes it back; Save writes it).' : 'The fixes go into the JSON text (Undo takes them back; Save writes them).';
  const alternatives = deletions > 0 && groups.some((g) => g.deletes && g.rule === 'coco/annotation-unknown-category')
    ? '\nFor an unknown category_id, the quick fixes "Add category N" and "Change category_id to…" keep the annotation.' : '';
  const detail = [...deleting, ...lines].join('\n') + (o.remaining > 0 ? `\n${o.remaining} problem(s) will remain.` : '') + `\n\n${how}${alternatives}`;
  const buttons = where === 'disk'
    ? [APPLY_AND_SAVE, ...(deletions > 0 && deletions < o.fixed ? [APPLY_WITHOUT_DELETIONS_AND_SAVE] : [])]
    // With deletions, the safe choice is the first (Enter) button.
    : [...(deletions > 0 && deletions < o.fixed ? [APPLY_WITHOUT_DELETIONS] : []), APPLY, ...(where === 'text' ? [PREVIEW] : [])];
  const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, ...buttons);
  return choice === APPLY_AND_SAVE ? APPLY : choice;
}

/** The fix-all edits; with `preview`, each needs confirmation (VS Code's refactor preview), deletions labelled apart. */
export function fixAllWorkspaceEdit(uri: vscode.Uri, o: FixAllOutcome, preview: boolean): vscode.WorkspaceEdit {
  if (!preview) return toWorkspaceEdit(uri, o.edits);
  const we = new vscode.WorkspaceEdit();
  const deleted = o.deletedRanges ?? [];
  const rules = (o.groups ?? []).filter((g) => !g.deletes).map((g) => g.rule).join(', ');
  for (const e of o.edits) {
    const deletes = deleted.some((d) => d.start >= e.start && d.end <= e.end);
    we.replace(uri, editRange(e), e.newText, deletes
      ? { needsConfirmation: true, label: 'Deletes annotations', description: 'coco/annotation-unknown-category, coco/duplicate-annotation' }
      : { needsConfirmation: true, label: 'Fixes', description: rules });
  }
  return we;
}

function fixedMessage(o: FixAllOutcome, name: string, saved: boolean): string {
  const left = o.remaining > 0 ? ` ${o.remaining} could not be fixed automatically.` : '';
  return `Labelscope: applied ${o.fixed} fix${o.fixed === 1 ? '' : 'es'} to ${name}${saved ? ' and saved it' : ''}.${left}`;
}
