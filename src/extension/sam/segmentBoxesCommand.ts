/**
 * `Labelscope: Segment Boxes…`: every box-only annotation of the COCO file in view gets a mask
 * from its box prompt (node/sam/segmentBoxes). Progress with cancel; the edits go in as one
 * WorkspaceEdit through the text document (one Undo step, like fix-all), or — for files too
 * large to open as text — after a modal confirmation as an atomic write (no Undo). Never in an
 * untrusted workspace.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { parseCoco } from '../../core/coco/parse';
import { imageLookup } from '../../node/imageFiles';
import { applyEditsToFile, positionEdit } from '../../node/fixes';
import { segmentBoxes, summaryLines, type SegmentBoxesOutcome } from '../../node/sam';
import * as path from 'node:path';
import { loadConfigFor } from '../../node/config';
import { toWorkspaceEdit } from '../codeActions';
import { DEFAULT_LARGE_FILE_BYTES, APPLY_AND_SAVE } from '../fixCommands';
import { UntrustedWorkspaceError, type SamService } from './samService';
import { readSamSettings } from './settings';

export interface SegmentBoxesResult {
  applied: 'text' | 'disk' | 'none' | 'cancelled' | 'refused';
  outcome?: SegmentBoxesOutcome;
}

/** The COCO file the command acts on: an argument, the active text editor, or the viewer tab. */
function targetUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  const editor = vscode.window.activeTextEditor?.document.uri;
  if (editor) return editor;
  const input = vscode.window.tabGroups?.activeTabGroup?.activeTab?.input as { uri?: unknown } | undefined;
  return input?.uri instanceof vscode.Uri ? input.uri : undefined;
}

/** The command's handler: `arg` a file URI (else the editor in view); `options.annotationIds` limits it (the viewer's filter). */
export async function segmentBoxesCommand(
  service: SamService, log: vscode.OutputChannel, largeFileBytes = DEFAULT_LARGE_FILE_BYTES,
  arg?: unknown, options?: { annotationIds?: (number | string)[] },
): Promise<SegmentBoxesResult> {
  {
    const uri = targetUri(arg);
    if (!uri || uri.scheme !== 'file') {
      void vscode.window.showWarningMessage('Labelscope: open a COCO JSON file (text or viewer) to segment its boxes.');
      return { applied: 'none' };
    }
    const name = uri.path.split('/').pop() ?? uri.fsPath;
    if (vscode.workspace.isTrusted === false) {
      void vscode.window.showWarningMessage(new UntrustedWorkspaceError().message);
      return { applied: 'refused' };
    }
    let size = 0;
    try { size = fs.statSync(uri.fsPath).size; } catch { /* read below reports it */ }
    let doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!doc && size <= largeFileBytes) doc = await vscode.workspace.openTextDocument(uri);
    const version = doc?.version;
    let bytes: Uint8Array;
    try {
      bytes = doc ? Buffer.from(doc.getText(), 'utf8') : await fs.promises.readFile(uri.fsPath);
    } catch (e) {
      void vscode.window.showErrorMessage(`Labelscope could not read ${name}: ${(e as Error).message}`);
      return { applied: 'none' };
    }
    const coco = parseCoco(bytes, { path: uri.fsPath });
    if (coco.parseIssues.some((p) => p.rule === 'coco/invalid-json')) {
      void vscode.window.showErrorMessage(`Labelscope: ${name} is not valid JSON; fix the problems shown for it first.`);
      return { applied: 'none' };
    }
    const settings = readSamSettings(uri);
    const lookup = imageLookup(uri.fsPath, imageRootFor(uri));
    const controller = new AbortController();
    let outcome: SegmentBoxesOutcome;
    try {
      outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Labelscope: segmenting boxes in ${name}`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          progress.report({ message: 'loading the model…' });
          const { masker } = await service.masker(uri);
          let last = 0;
          return segmentBoxes(coco, masker, {
            format: settings.maskFormat,
            minIou: masker.fallback ? undefined : settings.minPredictedIou,
            annotationIds: options?.annotationIds ? new Set(options.annotationIds) : undefined,
            resolveImage: (f) => lookup.resolve(f),
            candidates: (f) => lookup.candidates(f),
            signal: controller.signal,
            onProgress(done, total) {
              const pct = total ? (done / total) * 100 : 100;
              progress.report({ increment: pct - last, message: `${done} of ${total} with ${masker.label}` });
              last = pct;
            },
          });
        },
      );
    } catch (e) {
      void vscode.window.showErrorMessage(`Labelscope could not segment ${name}: ${(e as Error).message}`);
      return { applied: 'none' };
    }
    const lines = summaryLines(outcome, settings.minPredictedIou);
    log.appendLine(`[segment boxes] ${name}`);
    for (const l of lines) log.appendLine(`  ${l}`);
    if (outcome.cancelled) {
      void vscode.window.showInformationMessage(`Labelscope: segmenting ${name} was cancelled; nothing was changed.`);
      return { applied: 'cancelled', outcome };
    }
    if (outcome.edits.length === 0) {
      void vscode.window.showInformationMessage(`Labelscope: ${lines[0]}`);
      return { applied: 'none', outcome };
    }
    if (doc) {
      if (doc.version !== version) {
        void vscode.window.showWarningMessage(`Labelscope: ${name} changed while the boxes were segmented; nothing was applied. Try again.`);
        return { applied: 'none', outcome };
      }
      const ok = await vscode.workspace.applyEdit(toWorkspaceEdit(uri, outcome.edits.map((e) => positionEdit(coco.lines, e))));
      if (!ok) {
        void vscode.window.showErrorMessage(`Labelscope: the masks could not be applied to ${name}.`);
        return { applied: 'none', outcome };
      }
      void summarize(lines, log);
      return { applied: 'text', outcome };
    }
    const choice = await vscode.window.showWarningMessage(
      `Write ${outcome.done.length} mask${outcome.done.length === 1 ? '' : 's'} into ${name} and save it?`,
      { modal: true, detail: `${name} (${(size / (1024 * 1024)).toFixed(0)} MB) is too large to open as text, so the masks are written to the file directly (atomically) and cannot be undone with Undo.` },
      APPLY_AND_SAVE,
    );
    if (choice !== APPLY_AND_SAVE) return { applied: 'cancelled', outcome };
    try {
      await applyEditsToFile(uri.fsPath, outcome.edits, bytes.length);
    } catch (e) {
      void vscode.window.showErrorMessage(`Labelscope could not write ${name}: ${(e as Error).message}`);
      return { applied: 'none', outcome };
    }
    void summarize(lines, log);
    return { applied: 'disk', outcome };
  }
}

async function summarize(lines: string[], log: vscode.OutputChannel): Promise<void> {
  const more = lines.length > 1 ? 'Show Details' : undefined;
  const pick = await (more ? vscode.window.showInformationMessage(`Labelscope: ${lines[0]}`, more) : vscode.window.showInformationMessage(`Labelscope: ${lines[0]}`));
  if (pick === more) log.show(true);
}

/** As the viewer does: the setting (relative to the COCO file) wins, else .labelscope.json's imageRoot. */
function imageRootFor(uri: vscode.Uri): string | undefined {
  const setting = vscode.workspace.getConfiguration('labelscope', uri).get<string>('imageRoot');
  if (setting) return setting;
  try {
    const loaded = loadConfigFor(uri.fsPath);
    if (loaded.config.imageRoot && loaded.path) return path.resolve(path.dirname(loaded.path), loaded.config.imageRoot);
  } catch { /* no config */ }
  return undefined;
}
