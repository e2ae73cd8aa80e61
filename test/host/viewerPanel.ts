/** A viewer panel for host tests: the provider resolves it as VS Code would, the webview's side is a real protocol channel. */
import * as vscode from 'vscode';
import type { CocoCustomDocument, CocoEditorProvider } from '../../src/extension/editor/cocoEditorProvider';
import { webviewChannel, type Envelope, type WebviewChannel } from '../../src/shared/protocol';

export interface ViewerPanel { web: WebviewChannel; notes: { method: string; params: unknown }[] }

/** Resolves a panel for `doc`; every notification the host sends is kept in `notes`; the webview says `ready`. */
export async function openViewerPanel(provider: CocoEditorProvider, doc: CocoCustomDocument): Promise<ViewerPanel> {
  const toHost = new vscode.EventEmitter<unknown>();
  const notes: { method: string; params: unknown }[] = [];
  const web = webviewChannel((m: Envelope) => queueMicrotask(() => toHost.fire(structuredClone(m))));
  const webview = {
    options: {}, html: '', cspSource: 'https://csp.test', asWebviewUri: (u: vscode.Uri) => u,
    postMessage: async (m: unknown) => { queueMicrotask(() => { const c = structuredClone(m) as Envelope; if (c.t === 'note') notes.push({ method: c.method, params: c.params }); web.receive(c); }); return true; },
    onDidReceiveMessage: toHost.event,
  };
  await provider.resolveCustomEditor(doc, { webview, onDidDispose: new vscode.EventEmitter<void>().event } as never);
  web.notify('ready', {});
  return { web, notes };
}
