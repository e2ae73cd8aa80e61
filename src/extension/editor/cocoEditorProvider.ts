/**
 * `labelscope.cocoEditor`: a custom editor over our own model (VS Code does not
 * sync text documents over 50 MB, and COCO files are often 450 MB).
 *
 * openCustomDocument starts reading at once and returns; the panel shows the
 * parse progress and then the first image. Saves write only the edited values
 * (applyByteEdits over the bytes read) with an atomic rename.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadConfigFor } from '../../node/config';
import { writeFileAtomic } from '../../node/atomicWrite';
import { imageLookup } from '../../node/imageFiles';
import type { Envelope } from '../../shared/protocol';
import { CocoEditorModel, type ImageSource, type ModelEdit } from './editorModel';
import { editorHtml } from './html';
import { EditorSession } from './session';

export const COCO_EDITOR_VIEW_TYPE = 'labelscope.cocoEditor';
/** The same editor for any *.json, offered in "Open With…" only (priority "option"). */
export const COCO_EDITOR_ANY_JSON_VIEW_TYPE = 'labelscope.cocoEditor.json';

type Listener = (fraction: number, message: string) => void;

export class CocoCustomDocument implements vscode.CustomDocument {
  readonly model: Promise<CocoEditorModel>;
  private readonly abort = new AbortController();
  private readonly progressListeners = new Set<Listener>();
  private lastProgress: [number, string] = [0, 'Reading…'];
  readonly sessions = new Set<EditorSession>();
  private readonly onDisposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.onDisposeEmitter.event;

  constructor(readonly uri: vscode.Uri, backupUri?: vscode.Uri) {
    this.model = this.load(backupUri ?? uri);
    this.model.catch(() => { /* reported in the panel */ });
  }

  private async load(from: vscode.Uri): Promise<CocoEditorModel> {
    const t0 = Date.now();
    this.progress(0, 'Reading…');
    const bytes = await fs.promises.readFile(from.fsPath, { signal: this.abort.signal });
    const mb = (bytes.length / 1048576).toFixed(1);
    const model = await CocoEditorModel.load(bytes, this.uri.fsPath, {
      signal: this.abort.signal,
      onProgress: (f) => this.progress(f, `Parsing ${mb} MB… ${Math.round(f * 100)}%`),
    });
    this.progress(1, `Loaded in ${Date.now() - t0} ms`);
    return model;
  }

  progress(fraction: number, message: string): void {
    this.lastProgress = [fraction, message];
    for (const l of this.progressListeners) l(fraction, message);
  }

  onProgress(l: Listener): vscode.Disposable {
    this.progressListeners.add(l);
    l(...this.lastProgress);
    return new vscode.Disposable(() => this.progressListeners.delete(l));
  }

  changed(): void { for (const s of this.sessions) s.changed(); }

  dispose(): void {
    this.abort.abort();
    this.onDisposeEmitter.fire();
    this.onDisposeEmitter.dispose();
  }
}

export class CocoEditorProvider implements vscode.CustomEditorProvider<CocoCustomDocument> {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.CustomDocumentEditEvent<CocoCustomDocument>>();
  readonly onDidChangeCustomDocument = this.changeEmitter.event;

  constructor(private readonly context: vscode.ExtensionContext) {}

  openCustomDocument(uri: vscode.Uri, openContext: vscode.CustomDocumentOpenContext): CocoCustomDocument {
    if (uri.scheme !== 'file') throw new Error('Labelscope opens COCO files on disk only.');
    const backup = openContext.backupId ? vscode.Uri.parse(openContext.backupId) : undefined;
    return new CocoCustomDocument(uri, backup);
  }

  async resolveCustomEditor(document: CocoCustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    const jsonDir = path.dirname(document.uri.fsPath);
    // Setting (relative to the COCO file) wins; else .labelscope.json's (relative to that file), as the checks do.
    let imageRoot = vscode.workspace.getConfiguration('labelscope', document.uri).get<string>('imageRoot') || undefined;
    if (!imageRoot) {
      try {
        const loaded = loadConfigFor(document.uri.fsPath);
        if (loaded.config.imageRoot && loaded.path) imageRoot = path.resolve(path.dirname(loaded.path), loaded.config.imageRoot);
      } catch { /* no config */ }
    }
    const lookup = imageLookup(document.uri.fsPath, imageRoot);
    // Only the dataset's folders: the JSON's folder and every root an image may be found in.
    const roots = new Set<string>([jsonDir]);
    for (const c of lookup.candidates('x')) roots.add(path.dirname(c));
    const webview = panel.webview;
    webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview'), ...[...roots].map((r) => vscode.Uri.file(r))],
    };
    const source: ImageSource = {
      find: (name) => ({ path: lookup.resolve(name), tried: lookup.candidates(name) }),
      toSrc: (p) => webview.asWebviewUri(vscode.Uri.file(p)).toString(),
    };
    const trusted = vscode.workspace.isTrusted;
    const session = new EditorSession({
      post: (msg: Envelope) => { void webview.postMessage(msg); },
      source,
      model: document.model,
      readonly: !trusted,
      onEdit: (edit) => this.fireEdit(document, edit),
    });
    document.sessions.add(session);
    const subs = [
      webview.onDidReceiveMessage((m) => session.receive(m)),
      document.onProgress((f, m) => session.progress(f, m)),
    ];
    panel.onDidDispose(() => {
      document.sessions.delete(session);
      session.dispose();
      for (const s of subs) s.dispose();
    });
    webview.html = editorHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview', 'main.js')).toString(),
      title: path.basename(document.uri.fsPath),
    });
  }

  private fireEdit(document: CocoCustomDocument, edit: ModelEdit): void {
    // Other panels on the same document redraw too.
    for (const s of document.sessions) s.changed();
    this.changeEmitter.fire({
      document,
      label: edit.label,
      undo: async () => { (await document.model).undo(edit); document.changed(); },
      redo: async () => { (await document.model).apply(edit); document.changed(); },
    });
  }

  async saveCustomDocument(document: CocoCustomDocument, cancellation: vscode.CancellationToken): Promise<void> {
    await this.saveCustomDocumentAs(document, document.uri, cancellation);
  }

  async saveCustomDocumentAs(document: CocoCustomDocument, destination: vscode.Uri, cancellation: vscode.CancellationToken): Promise<void> {
    const model = await document.model;
    if (cancellation.isCancellationRequested) return;
    await writeFileAtomic(destination.fsPath, model.bytes());
  }

  async revertCustomDocument(document: CocoCustomDocument, cancellation: vscode.CancellationToken): Promise<void> {
    const model = await document.model;
    const bytes = await fs.promises.readFile(document.uri.fsPath);
    if (cancellation.isCancellationRequested) return;
    const fresh = await CocoEditorModel.load(bytes, document.uri.fsPath);
    model.reset(fresh.base);
    document.changed();
  }

  async backupCustomDocument(document: CocoCustomDocument, context: vscode.CustomDocumentBackupContext, cancellation: vscode.CancellationToken): Promise<vscode.CustomDocumentBackup> {
    const model = await document.model;
    if (cancellation.isCancellationRequested) throw new vscode.CancellationError();
    await fs.promises.mkdir(path.dirname(context.destination.fsPath), { recursive: true });
    await writeFileAtomic(context.destination.fsPath, model.bytes());
    return {
      id: context.destination.toString(),
      delete: () => { void fs.promises.rm(context.destination.fsPath, { force: true }); },
    };
  }
}

export function registerCocoEditor(context: vscode.ExtensionContext): void {
  // No retainContextWhenHidden: the webview restores from getState.
  const options = { supportsMultipleEditorsPerDocument: true };
  context.subscriptions.push(
    vscode.window.registerCustomEditorProvider(COCO_EDITOR_VIEW_TYPE, new CocoEditorProvider(context), options),
    vscode.window.registerCustomEditorProvider(COCO_EDITOR_ANY_JSON_VIEW_TYPE, new CocoEditorProvider(context), options),
    vscode.commands.registerCommand('labelscope.openInViewer', async (uri?: vscode.Uri) => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri;
      if (!target) return;
      await vscode.commands.executeCommand('vscode.openWith', target, COCO_EDITOR_VIEW_TYPE);
    }),
    vscode.commands.registerCommand('labelscope.openAsText', async (uri?: vscode.Uri) => {
      const target = uri ?? (vscode.window.tabGroups.activeTabGroup.activeTab?.input as { uri?: vscode.Uri } | undefined)?.uri;
      if (!target) return;
      await vscode.commands.executeCommand('vscode.openWith', target, 'default');
    }),
  );
}
