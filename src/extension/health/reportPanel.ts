/**
 * `Labelscope: Dataset Report` and `Labelscope: Generate Dataset Card`: the VS Code glue around
 * ReportSession (panel, HTML with a strict CSP, progress with cancel, undoable edits, save dialogs).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { makeNonce, contentSecurityPolicy } from '../editor/html';
import { loadCoco } from '../../node/loadCoco';
import { Thumbnailer } from '../../node/thumbnails';
import { imageLookup } from '../../node/imageFiles';
import type { ImageDiagnostics } from './imageDiagnostics';
import { ReportSession } from './reportSession';
import type { ChartPick } from '../../shared/statsProtocol';

/** The COCO file of the active editor (text or the Labelscope viewer). */
function activeCocoFile(): vscode.Uri | undefined {
  const text = vscode.window.activeTextEditor?.document.uri;
  if (text?.fsPath.endsWith('.json')) return text;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input as { uri?: vscode.Uri } | undefined;
  return input?.uri?.fsPath.endsWith('.json') ? input.uri : undefined;
}

/** The file, and the user's choice of sibling split files (instances_train/val/test…) to compare. */
async function pickSplits(uri?: vscode.Uri): Promise<string[] | undefined> {
  const first = uri ?? activeCocoFile();
  if (!first) {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: true, filters: { 'COCO JSON': ['json'] }, openLabel: 'Report' });
    return picked?.map((u) => u.fsPath);
  }
  const dir = path.dirname(first.fsPath);
  let siblings: string[] = [];
  try {
    siblings = fs.readdirSync(dir).filter((n) => n.endsWith('.json') && path.join(dir, n) !== first.fsPath && /^(instances|person_keypoints)_|_coco\.json$|\.coco\.json$/.test(n));
  } catch { /* unreadable folder: the one file */ }
  if (siblings.length === 0) return [first.fsPath];
  const picks = await vscode.window.showQuickPick(siblings.map((n) => ({ label: n, picked: true })), {
    canPickMany: true, title: `Compare ${path.basename(first.fsPath)} with other splits?`, placeHolder: 'Splits shown side by side (Esc: this file only)',
  });
  return [first.fsPath, ...(picks ?? []).map((p) => path.join(dir, p.label))];
}

export function registerDatasetReport(context: vscode.ExtensionContext, diagnosticsForImages: () => ImageDiagnostics): void {
  const storage = context.globalStorageUri.fsPath;
  const thumbs = new Thumbnailer({ cacheDir: path.join(storage, 'thumbnails') });
  const cacheDir = path.join(storage, 'image-health');
  const imageRootFor = (file: string) => {
    const setting = vscode.workspace.getConfiguration('labelscope', vscode.Uri.file(file)).get<string>('imageRoot');
    return setting ? path.resolve(path.dirname(file), setting) : undefined;
  };

  const generateCard = async (files?: readonly string[]) => {
    if (!vscode.workspace.isTrusted) { void vscode.window.showWarningMessage('Labelscope writes no files in an untrusted workspace: trust it to generate a dataset card.'); return; }
    const chosen = files ?? await pickSplits();
    if (!chosen?.length) return;
    const target = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Write the card here', defaultUri: vscode.Uri.file(path.dirname(chosen[0])) });
    if (!target?.[0]) return;
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Labelscope: dataset card', cancellable: true }, async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const docs = [];
      for (const f of chosen) docs.push(await loadCoco(f, { signal: abort.signal }));
      // Loaded on use: echarts' server-side renderer stays out of activation.
      const { writeDatasetCard } = await import('../../node/health/cardWriter');
      const { out } = await writeDatasetCard(docs, chosen, target[0].fsPath, {
        images: imageRootFor(chosen[0]), checkImages: true, cacheDir, signal: abort.signal,
        onProgress: (k, done, n) => progress.report({ message: `images of ${path.basename(chosen[k])}: ${done} / ${n}` }),
      });
      await vscode.window.showTextDocument(vscode.Uri.file(path.join(out, 'README.md')));
    });
  };

  const openReport = async (uri?: vscode.Uri) => {
    const files = await pickSplits(uri);
    if (!files?.length) return;
    const roots = new Set<string>([path.join(context.extensionPath, 'dist', 'webview'), path.join(storage, 'thumbnails')]);
    const panel = vscode.window.createWebviewPanel('labelscope.datasetReport', `Dataset Report: ${files.map((f) => path.basename(f)).join(', ')}`, vscode.ViewColumn.Active, {
      enableScripts: true, retainContextWhenHidden: true,
      localResourceRoots: [...roots].map((r) => vscode.Uri.file(r)),
    });
    const webview = panel.webview;
    const session = new ReportSession({
      files,
      post: (m) => { void webview.postMessage(m); },
      load: (f) => loadCoco(f),
      health: async (docs, signal) => await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Labelscope: checking images', cancellable: true }, async (progress, token) => {
        // Cancel stops the image checks; the statistics stay on screen.
        const cancel = new AbortController();
        signal.addEventListener('abort', () => cancel.abort());
        token.onCancellationRequested(() => cancel.abort());
        const { checkDatasetHealth } = await import('../../node/health/datasetHealth');
        const health = await checkDatasetHealth(docs, files, {
          imageRoot: imageRootFor(files[0]), cacheDir, signal: cancel.signal,
          onProgress: (k, done, n) => progress.report({ message: `${path.basename(files[k])}: ${done} / ${n}`, increment: n ? 100 / n / files.length : 0 }),
        });
        diagnosticsForImages().publish(health, docs, files);
        return health;
      }),
      thumbnail: async (p) => webview.asWebviewUri(vscode.Uri.file(await thumbs.thumbnail(p))).toString(),
      applyRemoval: async (changes) => {
        if (!vscode.workspace.isTrusted) return 'Labelscope edits no files in an untrusted workspace.';
        const edit = new vscode.WorkspaceEdit();
        for (const c of changes) {
          const text = await vscode.workspace.openTextDocument(vscode.Uri.file(c.file));
          if (text.isDirty) return `${path.basename(c.file)} has unsaved changes: save it, then keep one again.`;
          for (const e of c.edits) {
            const a = c.doc.lines.positionAt(e.start), b = c.doc.lines.positionAt(e.end);
            edit.delete(text.uri, new vscode.Range(a.line, a.character, b.line, b.character));
          }
        }
        // One WorkspaceEdit: one Undo restores every file.
        return (await vscode.workspace.applyEdit(edit)) ? undefined : 'VS Code refused the edit.';
      },
      exportChart: async (chart, format, data) => {
        if (!vscode.workspace.isTrusted) { void vscode.window.showWarningMessage('Labelscope writes no files in an untrusted workspace.'); return; }
        const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(path.join(path.dirname(files[0]), `${chart}.${format}`)), filters: format === 'png' ? { PNG: ['png'] } : { SVG: ['svg'] } });
        if (!target) return;
        const bytes = format === 'png' ? Buffer.from(data.replace(/^data:image\/png;base64,/, ''), 'base64') : Buffer.from(data, 'utf8');
        await vscode.workspace.fs.writeFile(target, bytes);
      },
      filter: async (file: string, pick: ChartPick) => {
        // The viewer registers this command (see statsProtocol.ts); without it, say so once.
        const commands = await vscode.commands.getCommands(true);
        if (!commands.includes('labelscope.viewer.filterGrid')) { void vscode.window.showInformationMessage('Open the file in the Labelscope viewer to filter its grid from the report.'); return; }
        await vscode.commands.executeCommand('labelscope.viewer.filterGrid', vscode.Uri.file(file), pick);
      },
      generateCard: (fs2) => generateCard(fs2),
    });
    // Thumbnails need the images' folders too.
    for (const f of files) for (const c of imageLookup(f, imageRootFor(f)).candidates('x')) roots.add(path.dirname(c));
    webview.options = { enableScripts: true, localResourceRoots: [...roots].map((r) => vscode.Uri.file(r)) };
    const sub = webview.onDidReceiveMessage((m) => { void session.receive(m); });
    panel.onDidDispose(() => { session.dispose(); sub.dispose(); });
    webview.html = reportHtml(webview.cspSource, webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview', 'statsReport.js')).toString());
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('labelscope.datasetReport', openReport),
    vscode.commands.registerCommand('labelscope.generateDatasetCard', (uri?: vscode.Uri) => generateCard(uri ? [uri.fsPath] : undefined)),
  );
}

export function reportHtml(cspSource: string, scriptUri: string): string {
  const nonce = makeNonce();
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${esc(contentSecurityPolicy(cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Dataset Report</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${esc(scriptUri)}"></script>
</body>
</html>`;
}
