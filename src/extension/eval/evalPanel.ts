/**
 * `Labelscope: Evaluate Predictions…`: the ground truth is the active COCO file (viewer or JSON
 * text), the predictions are picked in a file dialog; the evaluation runs in worker threads with
 * a cancellable progress notification; the report opens in its own webview panel and the
 * problems (pycocotools traps, label hints) go to the Problems panel under "labelscope-eval".
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { evalLayer, evalOverlay, imagesOfCategory, imagesWithErrors, type EvalResult, type IouType } from '../../core/metrics/eval';
import { EvalInputError, evaluateFiles } from '../../node/eval/runEval';
import { placeEvalProblems } from '../../node/eval/evalProblems';
import { writeFileAtomic } from '../../node/atomicWrite';
import type { EvalHostMessage, EvalViewMessage, EvalViewerFilter, EvalViewerOverlay } from '../../shared/evalProtocol';
import { editorHtml } from '../editor/html';
import { toReportData } from './reportData';

export const EVAL_DIAGNOSTIC_SOURCE = 'labelscope-eval';

/**
 * Where the viewer listens for evaluation results (the hook the viewer's host side subscribes
 * to): a filter for its grid, and per-image overlays it can ask for.
 */
export const evalEvents = {
  filter: new vscode.EventEmitter<{ gt: vscode.Uri; message: EvalViewerFilter }>(),
  /** An evaluation of this ground-truth file finished (open viewers redraw their overlay). */
  evaluated: new vscode.EventEmitter<vscode.Uri>(),
  /** The latest evaluation per ground-truth file, for `overlayFor`. */
  latest: new Map<string, EvalResult>(),
};

/** The TP / FP / FN overlay of one image for the viewer (undefined when the file was not evaluated). */
export function overlayFor(gt: vscode.Uri, imageId: number | string, iou?: number): EvalViewerOverlay | undefined {
  const result = evalEvents.latest.get(gt.toString());
  if (!result) return undefined;
  const idx = result.prepared.imageIds.indexOf(imageId);
  if (idx < 0) return undefined;
  const at = iou ?? result.analysis.iou;
  return { type: 'evalOverlay', imageId, iou: at, items: evalOverlay(result, idx, at), layer: evalLayer(result, idx) };
}

/** Images of the latest evaluation of this file with a false positive or negative at threshold index t and score ≥ minScore (cached per choice). */
const errorImagesCache = new WeakMap<EvalResult, Map<string, Set<number | string>>>();
export function errorImagesFor(gt: vscode.Uri, t: number, minScore: number): Set<number | string> | undefined {
  const result = evalEvents.latest.get(gt.toString());
  if (!result) return undefined;
  let byChoice = errorImagesCache.get(result);
  if (!byChoice) { byChoice = new Map(); errorImagesCache.set(result, byChoice); }
  const key = `${t}:${minScore}`;
  let ids = byChoice.get(key);
  if (!ids) { ids = imagesWithErrors(result, t, minScore); byChoice.set(key, ids); }
  return ids;
}

function activeCocoUri(): vscode.Uri | undefined {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input as { uri?: vscode.Uri } | undefined;
  const uri = tab?.uri ?? vscode.window.activeTextEditor?.document.uri;
  return uri?.scheme === 'file' && uri.fsPath.endsWith('.json') ? uri : undefined;
}

/** bbox unless the first prediction has only a mask (segm) or only keypoints. */
function guessIouType(file: string): IouType {
  try {
    const fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(64 * 1024);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    fs.closeSync(fd);
    const head = buf.subarray(0, n).toString('utf8');
    if (/"keypoints"\s*:\s*\[\s*[-\d]/.test(head) && !/"segmentation"/.test(head)) return 'keypoints';
    if (/"segmentation"\s*:/.test(head)) return 'segm';
  } catch {
    // fall through
  }
  return 'bbox';
}

export function registerEvalCommands(context: vscode.ExtensionContext): void {
  const diagnostics = vscode.languages.createDiagnosticCollection(EVAL_DIAGNOSTIC_SOURCE);
  context.subscriptions.push(diagnostics, evalEvents.filter, evalEvents.evaluated);
  context.subscriptions.push(vscode.commands.registerCommand('labelscope.evaluatePredictions', async (gtArg?: vscode.Uri, dtArg?: vscode.Uri, iouArg?: IouType) => {
    let gt = gtArg ?? activeCocoUri();
    if (!gt) {
      const picked = await vscode.window.showOpenDialog({ title: 'Labelscope: ground-truth COCO file', filters: { 'COCO JSON': ['json'] }, canSelectMany: false });
      gt = picked?.[0];
      if (!gt) return;
    }
    let dt = dtArg;
    if (!dt) {
      const picked = await vscode.window.showOpenDialog({
        title: `Labelscope: predictions to evaluate against ${path.basename(gt.fsPath)}`,
        defaultUri: vscode.Uri.file(path.dirname(gt.fsPath)),
        filters: { 'COCO results or COCO file with scores': ['json'] },
        canSelectMany: false,
      });
      dt = picked?.[0];
      if (!dt) return;
    }
    let iouType = iouArg;
    if (!iouType) {
      const guess = guessIouType(dt.fsPath);
      const items = (['bbox', 'segm', 'keypoints'] as IouType[]).map((t) => ({ label: t, description: t === guess ? 'what the predictions look like' : '' }));
      items.sort((a, b) => (a.label === guess ? -1 : b.label === guess ? 1 : 0));
      const pick = await vscode.window.showQuickPick(items, { title: 'Labelscope: evaluate as', placeHolder: 'IoU type (pycocotools iouType)' });
      if (!pick) return;
      iouType = pick.label as IouType;
    }
    await runAndShow(context, diagnostics, gt, dt, iouType);
  }));
}

async function runAndShow(context: vscode.ExtensionContext, diagnostics: vscode.DiagnosticCollection, gt: vscode.Uri, dt: vscode.Uri, iouType: IouType): Promise<void> {
  let ev;
  try {
    ev = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Labelscope: evaluating ${path.basename(dt.fsPath)} (${iouType})`, cancellable: true }, async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      let last = 0;
      return evaluateFiles(gt.fsPath, dt.fsPath, {
        iouType,
        signal: abort.signal,
        onProgress: (phase, f) => {
          const pct = Math.round(f * 100);
          progress.report({ message: `${phase} ${pct}%`, increment: Math.max(0, pct - last) });
          last = Math.max(last, pct);
        },
      });
    });
  } catch (e) {
    if ((e as Error)?.name === 'AbortError' || /cancel|abort/i.test(String((e as Error)?.message))) return;
    void vscode.window.showErrorMessage(`Labelscope: ${e instanceof EvalInputError ? e.message : `evaluation failed: ${(e as Error).message}`}`);
    return;
  }
  evalEvents.latest.set(gt.toString(), ev.result);
  evalEvents.evaluated.fire(gt);
  publishDiagnostics(diagnostics, gt, dt, ev);
  showReport(context, gt, dt, ev.result, ev.durationMs);
}

function publishDiagnostics(diagnostics: vscode.DiagnosticCollection, gt: vscode.Uri, dt: vscode.Uri, ev: Awaited<ReturnType<typeof evaluateFiles>>): void {
  const toDiag = (doc: { lines: { positionAt(o: number): { line: number; character: number } } } | undefined, p: ReturnType<typeof placeEvalProblems>[number]) => {
    const s = doc ? doc.lines.positionAt(p.start) : { line: 0, character: 0 };
    const e = doc ? doc.lines.positionAt(Math.min(p.end, p.start + 4096)) : s;
    const d = new vscode.Diagnostic(new vscode.Range(s.line, s.character, e.line, e.character), `${p.message} (${p.jsonPath})`,
      p.severity === 'error' ? vscode.DiagnosticSeverity.Error : p.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information);
    d.source = EVAL_DIAGNOSTIC_SOURCE;
    d.code = p.rule;
    return d;
  };
  diagnostics.set(gt, placeEvalProblems(ev.gt, ev.result.problems, 'gt').map((p) => toDiag(ev.gt, p)));
  diagnostics.set(dt, placeEvalProblems(ev.dt.doc, ev.result.problems, 'dt').map((p) => toDiag(ev.dt.doc, p)));
}

function showReport(context: vscode.ExtensionContext, gt: vscode.Uri, dt: vscode.Uri, result: EvalResult, durationMs: number): void {
  const panel = vscode.window.createWebviewPanel('labelscope.evalReport', `Evaluation: ${path.basename(dt.fsPath)}`, vscode.ViewColumn.Beside, {
    enableScripts: true,
    retainContextWhenHidden: true,
    localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview')],
  });
  const data = toReportData(result, vscode.workspace.asRelativePath(gt), vscode.workspace.asRelativePath(dt), durationMs);
  const send = (m: EvalHostMessage) => void panel.webview.postMessage(m);
  panel.webview.onDidReceiveMessage(async (m: EvalViewMessage) => {
    if (m.type === 'ready') send({ type: 'evalReport', data });
    else if (m.type === 'showSummaryText') {
      const doc = await vscode.workspace.openTextDocument({ content: `${result.summaryText}\n`, language: 'plaintext' });
      await vscode.window.showTextDocument(doc, vscode.ViewColumn.Active);
    } else if (m.type === 'export') {
      const target = await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.file(path.join(path.dirname(dt.fsPath), `${path.basename(dt.fsPath, '.json')}-${m.chart}.${m.format}`)),
        filters: m.format === 'png' ? { PNG: ['png'] } : { SVG: ['svg'] },
      });
      if (!target) return;
      if (!vscode.workspace.isTrusted) { void vscode.window.showWarningMessage('Labelscope: this workspace is not trusted; nothing was written.'); return; }
      const bytes = m.format === 'png' ? Buffer.from(m.data.replace(/^data:image\/png;base64,/, ''), 'base64') : Buffer.from(m.data, 'utf8');
      await writeFileAtomic(target.fsPath, bytes);
      send({ type: 'exported', path: target.fsPath });
    } else if (m.type === 'filter') {
      const message = filterMessage(result, m);
      if (message) evalEvents.filter.fire({ gt, message });
    }
  });
  panel.webview.html = editorHtml({
    cspSource: panel.webview.cspSource,
    scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview', 'evalReport.js')).toString(),
    title: 'Labelscope evaluation',
  });
}

/** The images behind a class or a confusion-matrix cell. */
export function filterMessage(result: EvalResult, m: Extract<EvalViewMessage, { type: 'filter' }>): EvalViewerFilter | undefined {
  const prep = result.prepared;
  if (m.categoryId !== undefined) {
    const name = prep.categoryNames[prep.catIds.indexOf(m.categoryId)] ?? String(m.categoryId);
    return { type: 'evalFilter', label: `${name} (labels or detections)`, imageIds: imagesOfCategory(result, m.categoryId) };
  }
  if (m.cell && result.analysis.confusion && result.analysis.confusionImages) {
    const K = prep.catIds.length;
    const row = m.cell.labelCategoryId < 0 ? K : prep.catIds.indexOf(m.cell.labelCategoryId);
    const col = m.cell.detectedCategoryId < 0 ? K : prep.catIds.indexOf(m.cell.detectedCategoryId);
    if (row < 0 || col < 0) return undefined;
    const labels = result.analysis.confusion.labels;
    return { type: 'evalFilter', label: `label ${labels[row]} → detected ${labels[col]} at IoU ${result.analysis.iou.toFixed(2)}`, imageIds: result.analysis.confusionImages[row][col].map((i) => prep.imageIds[i]) };
  }
  return undefined;
}
