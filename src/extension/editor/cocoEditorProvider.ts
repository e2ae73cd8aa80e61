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
import { Thumbnailer } from '../../node/thumbnails';
import { DisplayImages } from '../../node/displayImage';
import type { OutcomeProblem } from '../../node/checkWorkerProtocol';
import type { Envelope } from '../../shared/protocol';
import type { CheckService } from '../checkService';
import { toWorkspaceEdit } from '../codeActions';
import { CocoEditorModel, type ImageSource, type ModelEdit } from './editorModel';
import { editorHtml } from './html';
import { registerLinks } from './links';
import { previewCoco } from './preview';
import { EditorSession, type RevealTarget } from './session';

/** VS Code does not sync text documents above this: "Show in JSON" says so instead. */
export const MAX_TEXT_BYTES = 50 * 1024 * 1024;

/** Open custom documents by URI (both view types), for reveal and problem updates. */
const openDocuments = new Map<string, CocoCustomDocument>();
/** Where a panel being opened by labelscope.revealInViewer should go. */
const pendingReveals = new Map<string, RevealTarget>();

export const COCO_EDITOR_VIEW_TYPE = 'labelscope.cocoEditor';
/** The same editor for any *.json, offered in "Open With…" only (priority "option"). */
export const COCO_EDITOR_ANY_JSON_VIEW_TYPE = 'labelscope.cocoEditor.json';

type Listener = (fraction: number, message: string) => void;

/** Files above this show their first image (found by byte search) before the full parse is done. */
export const PREVIEW_ABOVE_BYTES = 16 * 1024 * 1024;

export class CocoCustomDocument implements vscode.CustomDocument {
  readonly model: Promise<CocoEditorModel>;
  /** Raw bytes as soon as they are read (for the preview of big files). */
  private bytesReady!: (b: Uint8Array | undefined) => void;
  readonly bytes = new Promise<Uint8Array | undefined>((r) => { this.bytesReady = r; });
  private readonly abort = new AbortController();
  private readonly progressListeners = new Set<Listener>();
  private lastProgress: [number, string] = [0, 'Reading…'];
  readonly sessions = new Set<EditorSession>();
  /** Check problems fixed in this document (hidden in the viewer until the next check). */
  readonly fixed = new WeakSet<OutcomeProblem>();
  private readonly onDisposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.onDisposeEmitter.event;

  constructor(readonly uri: vscode.Uri, backupUri?: vscode.Uri) {
    this.model = this.load(backupUri ?? uri);
    this.model.catch(() => { /* reported in the panel */ });
  }

  private async load(from: vscode.Uri): Promise<CocoEditorModel> {
    const t0 = Date.now();
    this.progress(0, 'Reading…');
    let bytes: Uint8Array;
    try { bytes = await fs.promises.readFile(from.fsPath, { signal: this.abort.signal }); } catch (e) { this.bytesReady(undefined); throw e; }
    this.bytesReady(bytes);
    // Let a preview run before the parse takes the thread.
    if (bytes.length > PREVIEW_ABOVE_BYTES) await new Promise((r) => setTimeout(r, 0));
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

  problemsChanged(): void { for (const s of this.sessions) s.problemsChanged(); }

  dispose(): void {
    this.abort.abort();
    this.onDisposeEmitter.fire();
    this.onDisposeEmitter.dispose();
  }
}

export class CocoEditorProvider implements vscode.CustomEditorProvider<CocoCustomDocument> {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.CustomDocumentEditEvent<CocoCustomDocument>>();
  readonly onDidChangeCustomDocument = this.changeEmitter.event;

  constructor(private readonly context: vscode.ExtensionContext, private readonly checks?: CheckService, private readonly thumbs?: Thumbnailer, private readonly display?: DisplayImages) {}

  openCustomDocument(uri: vscode.Uri, openContext: vscode.CustomDocumentOpenContext): CocoCustomDocument {
    if (uri.scheme !== 'file') throw new Error('Labelscope opens COCO files on disk only.');
    const backup = openContext.backupId ? vscode.Uri.parse(openContext.backupId) : undefined;
    const doc = new CocoCustomDocument(uri, backup);
    openDocuments.set(uri.toString(), doc);
    doc.onDidDispose(() => { if (openDocuments.get(uri.toString()) === doc) openDocuments.delete(uri.toString()); });
    return doc;
  }

  /** A check fix from the viewer: through the text document when it is open (as the quick fix), else as bytes on this document. */
  private async applyFix(document: CocoCustomDocument, p: OutcomeProblem, model: CocoEditorModel): Promise<{ ok: boolean; message?: string }> {
    const fix = p.fix!;
    const text = vscode.workspace.textDocuments.find((d) => d.uri.toString() === document.uri.toString());
    if (text) {
      const ok = await vscode.workspace.applyEdit(toWorkspaceEdit(document.uri, fix.edits));
      return ok ? { ok } : { ok, message: 'The fix could not be applied to the open JSON text.' };
    }
    const edit = await model.prepareByteEdits(fix.title, fix.edits.map((e) => ({ start: e.start, end: e.end, newText: e.newText })));
    if (typeof edit === 'string') return { ok: false, message: edit };
    model.apply(edit);
    document.fixed.add(p);
    this.changeEmitter.fire({
      document,
      label: fix.title,
      undo: async () => { (await document.model).undo(edit); document.fixed.delete(p); document.changed(); document.problemsChanged(); },
      redo: async () => { (await document.model).apply(edit); document.fixed.add(p); document.changed(); document.problemsChanged(); },
    });
    document.changed();
    document.problemsChanged();
    return { ok: true };
  }

  private async showInJson(document: CocoCustomDocument, annotationIndex: number, model: CocoEditorModel): Promise<{ ok: boolean; message?: string }> {
    const size = model.base.bytes.length;
    if (size > MAX_TEXT_BYTES) {
      const message = `This file is ${(size / 1048576).toFixed(0)} MB: VS Code opens JSON text only up to 50 MB, so it can't be shown as text. Use the viewer's details instead.`;
      void vscode.window.showInformationMessage(`Labelscope: ${message}`);
      return { ok: false, message };
    }
    // In the file on disk: the base, or the bytes saved from here (new annotations only once saved).
    const r = model.jsonRange(annotationIndex);
    if (typeof r === 'string') return { ok: false, message: r };
    const selection = new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
    await vscode.window.showTextDocument(document.uri, { viewColumn: vscode.ViewColumn.Beside, selection, preview: true });
    return { ok: true };
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
      localResourceRoots: [
        vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview'),
        ...(this.thumbs ? [vscode.Uri.joinPath(this.context.globalStorageUri, 'thumbnails')] : []),
        ...(this.display ? [vscode.Uri.joinPath(this.context.globalStorageUri, 'display')] : []),
        ...[...roots].map((r) => vscode.Uri.file(r)),
      ],
    };
    const source: ImageSource = {
      find: (name) => ({ path: lookup.resolve(name), tried: lookup.candidates(name) }),
      toSrc: (p) => webview.asWebviewUri(vscode.Uri.file(p)).toString(),
    };
    const trusted = vscode.workspace.isTrusted;
    const key = document.uri.toString();
    const initialReveal = pendingReveals.get(key);
    pendingReveals.delete(key);
    const checks = this.checks;
    const thumbs = this.thumbs;
    const display = this.display;
    const session = new EditorSession({
      post: (msg: Envelope) => { void webview.postMessage(msg); },
      source,
      model: document.model,
      readonly: !trusted,
      onEdit: (edit) => this.fireEdit(document, edit),
      initialReveal,
      problems: checks ? () => checks.outcomeFor(document.uri)?.problems : undefined,
      isFixed: (p) => document.fixed.has(p),
      applyFix: (p, model) => this.applyFix(document, p, model),
      showInJson: (i, model) => this.showInJson(document, i, model),
      preview: document.bytes.then((b) => (b && b.length > PREVIEW_ABOVE_BYTES ? previewCoco(b, document.uri.fsPath, source) : undefined)),
      // TIFF, 16-bit, CMYK and images over 8192 px reach the webview as PNGs made with sharp.
      displayImage: display ? async (p) => {
        const d = await display.prepare(p);
        return { src: webview.asWebviewUri(vscode.Uri.file(d.path)).toString(), width: d.width, height: d.height, converted: d.converted ? d.reasons.join(', ') : undefined };
      } : undefined,
      thumbnail: thumbs ? async (p) => webview.asWebviewUri(vscode.Uri.file(await thumbs.thumbnail(p))).toString() : undefined,
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

  /** labelscope.revealInViewer: open (or bring forward) the viewer on that annotation / image. */
  static async reveal(uri: vscode.Uri, target: RevealTarget): Promise<void> {
    const doc = openDocuments.get(uri.toString());
    if (doc && doc.sessions.size > 0) {
      await vscode.commands.executeCommand('vscode.openWith', uri, COCO_EDITOR_VIEW_TYPE);
      let found = false;
      for (const s of doc.sessions) found = (await s.revealTarget(target)) || found;
      if (!found) void vscode.window.showInformationMessage('Labelscope: that annotation or image is not in the file any more.');
      return;
    }
    pendingReveals.set(uri.toString(), target);
    await vscode.commands.executeCommand('vscode.openWith', uri, COCO_EDITOR_VIEW_TYPE);
  }

  private fireEdit(document: CocoCustomDocument, edit: ModelEdit): void {
    // Other panels on the same document redraw too.
    for (const s of document.sessions) s.changed();
    this.changeEmitter.fire({
      document,
      label: edit.label,
      undo: async () => { (await document.model).undo(edit); document.changed(); void this.refreshDiagnostics(document); },
      redo: async () => { (await document.model).apply(edit); document.changed(); void this.refreshDiagnostics(document); },
    });
    void this.refreshDiagnostics(document);
  }

  /**
   * The Problems panel follows viewer edits: files up to 50 MB are checked again as the
   * bytes a save would write (debounced), unless the JSON text is open too (its own
   * checks own the diagnostics then). Bigger files keep the last check until saved.
   */
  private async refreshDiagnostics(document: CocoCustomDocument, fromDisk = false): Promise<void> {
    const checks = this.checks;
    if (!checks) return;
    const model = await document.model;
    const size = model.base.bytes.length;
    if (size > MAX_TEXT_BYTES) return;
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === document.uri.toString())) return;
    const text = fromDisk ? undefined : new TextDecoder().decode(model.bytes());
    checks.schedule(document.uri, { text, size, delayMs: 400 });
  }

  async saveCustomDocument(document: CocoCustomDocument, cancellation: vscode.CancellationToken): Promise<void> {
    await this.saveCustomDocumentAs(document, document.uri, cancellation);
  }

  async saveCustomDocumentAs(document: CocoCustomDocument, destination: vscode.Uri, cancellation: vscode.CancellationToken): Promise<void> {
    const model = await document.model;
    if (cancellation.isCancellationRequested) return;
    const bytes = model.bytes();
    await writeFileAtomic(destination.fsPath, bytes);
    if (destination.toString() === document.uri.toString()) {
      model.markSaved(bytes.length <= MAX_TEXT_BYTES ? bytes : undefined);
      void this.refreshDiagnostics(document, true);
    }
  }

  async revertCustomDocument(document: CocoCustomDocument, cancellation: vscode.CancellationToken): Promise<void> {
    const model = await document.model;
    const bytes = await fs.promises.readFile(document.uri.fsPath);
    if (cancellation.isCancellationRequested) return;
    const fresh = await CocoEditorModel.load(bytes, document.uri.fsPath);
    model.reset(fresh.base);
    document.changed();
    void this.refreshDiagnostics(document, true);
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

export function registerCocoEditor(context: vscode.ExtensionContext, checks?: CheckService): void {
  // No retainContextWhenHidden: the webview restores from getState.
  const options = { supportsMultipleEditorsPerDocument: true };
  const thumbs = new Thumbnailer({ cacheDir: path.join(context.globalStorageUri.fsPath, 'thumbnails') });
  const display = new DisplayImages({ cacheDir: path.join(context.globalStorageUri.fsPath, 'display') });
  // The Problems panel changed: the check outcome of an open file may be new.
  context.subscriptions.push(vscode.languages.onDidChangeDiagnostics((e) => {
    for (const uri of e.uris) openDocuments.get(uri.toString())?.problemsChanged();
  }));
  context.subscriptions.push(
    vscode.window.registerCustomEditorProvider(COCO_EDITOR_VIEW_TYPE, new CocoEditorProvider(context, checks, thumbs, display), options),
    vscode.window.registerCustomEditorProvider(COCO_EDITOR_ANY_JSON_VIEW_TYPE, new CocoEditorProvider(context, checks, thumbs, display), options),
    vscode.commands.registerCommand('labelscope.revealInViewer', async (uri?: vscode.Uri, target: RevealTarget = {}) => {
      const u = uri ?? vscode.window.activeTextEditor?.document.uri;
      if (u) await CocoEditorProvider.reveal(u, target);
    }),
    vscode.commands.registerCommand('labelscope.openInViewer', async (uri?: vscode.Uri) => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri;
      if (!target) return;
      await vscode.commands.executeCommand('vscode.openWith', target, COCO_EDITOR_VIEW_TYPE);
    }),
    ...registerLinks(),
    followTextCursor(),
    vscode.commands.registerCommand('labelscope.openAsText', async (uri?: vscode.Uri) => {
      const target = uri ?? (vscode.window.tabGroups.activeTabGroup.activeTab?.input as { uri?: vscode.Uri } | undefined)?.uri;
      if (!target) return;
      await vscode.commands.executeCommand('vscode.openWith', target, 'default');
    }),
  );
}

/**
 * VS Code hands custom editors no range when a Problems row is clicked (microsoft/vscode
 * #205209, #211351: out of scope), so the link goes through the text: with the JSON open
 * as text beside the viewer, moving its cursor into an annotation (a click on a problem
 * does that) selects that annotation in the viewer, without taking focus.
 */
function followTextCursor(): vscode.Disposable {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const sub = vscode.window.onDidChangeTextEditorSelection((e) => {
    const doc = openDocuments.get(e.textEditor.document.uri.toString());
    if (!doc || doc.sessions.size === 0 || e.textEditor.document.isDirty) return;
    const active = e.selections[0]?.active;
    if (!active) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(async () => {
      const model = await doc.model;
      const base = model.base;
      const index = entryIndexAt(base.annotationEntries, base.lines.offsetAt(active.line, active.character));
      if (index === undefined) return;
      const value = base.annotationEntries[index].value as { id?: unknown } | undefined;
      const id = typeof value?.id === 'number' || typeof value?.id === 'string' ? value.id : undefined;
      for (const s of doc.sessions) await s.revealTarget({ jsonPath: `$.annotations[${index}]`, annotationId: id });
    }, 120);
  });
  return new vscode.Disposable(() => { if (timer) clearTimeout(timer); sub.dispose(); });
}

/** The element whose byte range holds `offset` (binary search over sorted ranges). */
export function entryIndexAt(entries: readonly { start: number; end: number }[], offset: number): number | undefined {
  let lo = 0, hi = entries.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const e = entries[mid];
    if (offset < e.start) hi = mid - 1;
    else if (offset >= e.end) lo = mid + 1;
    else return mid;
  }
  return undefined;
}

