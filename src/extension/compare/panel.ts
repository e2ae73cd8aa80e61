/** The compare report: one webview panel per comparison (dist/webview/compare.js), strict CSP with a nonce. */
import * as vscode from 'vscode';
import { contentSecurityPolicy, makeNonce } from '../editor/html';
import type { CompareFromWebview, CompareToWebview } from '../../shared/compareProtocol';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export interface ComparePanelHooks {
  reveal(m: Extract<CompareFromWebview, { type: 'reveal' }>): void;
  /** Diff reports: show a changed image in the viewer (diff mode). */
  showInViewer?(m: Extract<CompareFromWebview, { type: 'showInViewer' }>): void | Promise<void>;
}

export function openComparePanel(context: vscode.ExtensionContext, title: string, message: CompareToWebview, hooks: ComparePanelHooks): vscode.WebviewPanel {
  const panel = vscode.window.createWebviewPanel('labelscope.compare', title, vscode.ViewColumn.Beside, {
    enableScripts: true,
    retainContextWhenHidden: true,
    localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview')],
  });
  const nonce = makeNonce();
  const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview', 'compare.js')).toString();
  panel.webview.html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${esc(contentSecurityPolicy(panel.webview.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${esc(title)}</title>
</head>
<body>
<div id="app" role="main" aria-live="polite">Loading the report…</div>
<script nonce="${nonce}" src="${esc(script)}"></script>
</body>
</html>`;
  panel.webview.onDidReceiveMessage(async (m: CompareFromWebview) => {
    if (m.type === 'ready') void panel.webview.postMessage(message);
    else if (m.type === 'reveal') hooks.reveal(m);
    else if (m.type === 'showInViewer') await hooks.showInViewer?.(m);
    else if (m.type === 'export') await saveExport(m);
  }, undefined, context.subscriptions);
  return panel;
}

async function saveExport(m: Extract<CompareFromWebview, { type: 'export' }>) {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Labelscope: exports are not written in an untrusted workspace.');
    return;
  }
  const filters: Record<string, string[]> = { md: ['md'], json: ['json'], svg: ['svg'], png: ['png'] };
  const target = await vscode.window.showSaveDialog({ filters: { [m.format.toUpperCase()]: filters[m.format] }, saveLabel: 'Export' });
  if (!target) return;
  const bytes = m.format === 'png'
    ? Buffer.from(m.content.replace(/^data:image\/png;base64,/, ''), 'base64')
    : new TextEncoder().encode(m.content);
  await vscode.workspace.fs.writeFile(target, bytes);
  void vscode.window.showInformationMessage(`Labelscope: exported ${vscode.workspace.asRelativePath(target)}.`);
}
