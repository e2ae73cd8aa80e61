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
import { FIX_ALL_COMMAND, FIX_ALL_OF_RULE_COMMAND, toWorkspaceEdit } from './codeActions';
import { VSCODE_TEXT_DOCUMENT_MAX_BYTES } from '../core/limits';

/** VS Code does not sync files above 50 MB to extensions as text documents. */
export const DEFAULT_LARGE_FILE_BYTES = VSCODE_TEXT_DOCUMENT_MAX_BYTES;
export const APPLY_AND_SAVE = 'Apply and Save';

export interface FixCommandOptions {
  /** Files above this are fixed on disk instead of through a text document. */
  largeFileBytes?: number;
}

export interface FixAllResult {
  /** How the edits went in: 'text' (WorkspaceEdit), 'disk' (atomic write), or nothing done. */
  applied: 'text' | 'disk' | 'none' | 'cancelled' | 'refused';
  outcome?: FixAllOutcome;
}

function fileSize(file: string): number {
  try { return fs.statSync(file).size; } catch { return 0; }
}

export function registerFixCommands(service: CheckService, opts: FixCommandOptions = {}): vscode.Disposable[] {
  const large = opts.largeFileBytes ?? DEFAULT_LARGE_FILE_BYTES;

  const targetOf = (uri: unknown): vscode.Uri | undefined =>
    uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;

  async function fixAll(uri: vscode.Uri, ruleId: string | undefined, silent: boolean): Promise<FixAllResult> {
    const name = uri.path.split('/').pop() ?? uri.fsPath;
    const settings = readSettings(uri);
    let doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const size = doc ? 0 : fileSize(uri.fsPath);
    if (!doc && size <= large) doc = await vscode.workspace.openTextDocument(uri);
    const what = ruleId ? `${ruleId} problems` : 'auto-fixable problems';
    const controller = new AbortController();
    const run = (text?: string) => vscode.window.withProgress(
      { location: doc ? vscode.ProgressLocation.Window : vscode.ProgressLocation.Notification, title: `Labelscope: fixing ${what} in ${name}`, cancellable: !doc },
      (_progress, token) => {
        token?.onCancellationRequested(() => controller.abort());
        return service.runner.fixAll(
          { kind: 'fixAll', file: uri.fsPath, text, overrides: settings.overrides, checkImageFiles: settings.checkImageFiles, ruleId },
          () => undefined,
          controller.signal,
        );
      },
    );

    let outcome: FixAllOutcome;
    if (doc) {
      const version = doc.version;
      try { outcome = await run(doc.getText()); } catch (e) { return failed(e, name); }
      if (doc.version !== version) {
        if (!silent) void vscode.window.showWarningMessage(`Labelscope: ${name} changed while the fixes were computed; nothing was applied. Try again.`);
        return { applied: 'none', outcome };
      }
      if (outcome.edits.length === 0) {
        if (!silent) void vscode.window.showInformationMessage(`Labelscope: no ${what} to fix in ${name}.`);
        return { applied: 'none', outcome };
      }
      const ok = await vscode.workspace.applyEdit(toWorkspaceEdit(uri, outcome.edits));
      if (!ok) {
        void vscode.window.showErrorMessage(`Labelscope: the fixes could not be applied to ${name}.`);
        return { applied: 'none', outcome };
      }
      if (!silent) void vscode.window.showInformationMessage(fixedMessage(outcome, name, false));
      return { applied: 'text', outcome };
    }

    // Too big for a text document: patch the file on disk.
    if (vscode.workspace.isTrusted === false) {
      void vscode.window.showWarningMessage(`Labelscope: ${name} is too large to fix in the editor, and Labelscope does not write files in an untrusted workspace.`);
      return { applied: 'refused' };
    }
    try { outcome = await run(undefined); } catch (e) { return failed(e, name); }
    if (outcome.edits.length === 0) {
      if (!silent) void vscode.window.showInformationMessage(`Labelscope: no ${what} to fix in ${name}.`);
      return { applied: 'none', outcome };
    }
    const mb = (outcome.size / (1024 * 1024)).toFixed(0);
    const choice = await vscode.window.showWarningMessage(
      `Apply ${outcome.fixed} fix${outcome.fixed === 1 ? '' : 'es'} to ${name} and save it?`,
      { modal: true, detail: `${name} (${mb} MB) is too large to open as text, so the fixes are written to the file directly (atomically) and cannot be undone with Undo.` },
      APPLY_AND_SAVE,
    );
    if (choice !== APPLY_AND_SAVE) return { applied: 'cancelled', outcome };
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
      if (!target || target.scheme !== 'file') {
        void vscode.window.showWarningMessage('Labelscope: open a COCO JSON file to fix it.');
        return { applied: 'none' } satisfies FixAllResult;
      }
      return fixAll(target, undefined, options?.silent === true);
    }),
    vscode.commands.registerCommand(FIX_ALL_OF_RULE_COMMAND, async (uri?: unknown, rule?: unknown) => {
      // Also callable as fixAllOfRule(ruleId).
      if (typeof uri === 'string' && rule === undefined) { rule = uri; uri = undefined; }
      const target = targetOf(uri);
      if (!target || target.scheme !== 'file') {
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

function fixedMessage(o: FixAllOutcome, name: string, saved: boolean): string {
  const left = o.remaining > 0 ? ` ${o.remaining} could not be fixed automatically.` : '';
  return `Labelscope: applied ${o.fixed} fix${o.fixed === 1 ? '' : 'es'} to ${name}${saved ? ' and saved it' : ''}.${left}`;
}
