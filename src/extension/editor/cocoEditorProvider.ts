/**
 * `labelscope.cocoEditor`: a custom editor over our own model (VS Code does not
 * sync text documents over 50 MB, and COCO files are often 450 MB).
 *
 * openCustomDocument starts reading at once and returns; the panel shows the
 * parse progress and then the first image. Saves write only the edited values
 * (applyByteEdits over the bytes read) with an atomic rename.
 */
import { isAscii as isAsciiBytes } from 'node:buffer';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeFileAtomic } from '../../node/atomicWrite';
import { readFileShared } from '../../node/sharedBytes';
import { FileByteSource } from '../../node/fileByteSource';
import { parseColumnsOffThread } from '../../node/columnsLoad';
import { PARALLEL_FROM_BYTES } from '../../node/loadCoco';
import type { CocoDocument } from '../../core/coco/document';
import { imageLookup } from '../../node/imageFiles';
import { chooseImageFolder, imageRootFor, watchImageRoot } from './imageRoot';
import { Thumbnailer } from '../../node/thumbnails';
import { DisplayImages } from '../../node/displayImage';
import type { OutcomeProblem, PositionedFix } from '../../node/checkWorkerProtocol';
import type { CheckViewState, DiffChange, Envelope, Id } from '../../shared/protocol';
import { readSettings, type CheckService, type CheckState } from '../checkService';
import { targetCocoUri } from '../activeFile';
import { PER_ANNOTATION_RULES } from '../../editor/geometryEdits';
import { pickCategory, toWorkspaceEdit, withChoice } from '../codeActions';
import { CocoEditorModel, RESIDENT_MAX_BYTES, STALE_FIX, isEditBackup, parseDocument, parseLazyAsync, type EditBackup, type ImageSource, type LoadOptions, type ModelEdit } from '../../editor/editorModel';
import { fingerprintAsync, fingerprintLength } from '../../core/edits/fingerprint';
import { editorHtml } from './html';
import { registerLinks } from './links';
import { registerProblemsToText } from './problemsToText';
import { previewCoco } from '../../editor/preview';
import { diffText, mirrorChanges, sameEdits, textBytes, textLayout, type TextChange, type TextLayout } from '../../editor/textMirror';
import type { ByteEdit } from '../../core/problems';
import { EditorSession, type RevealTarget } from '../../editor/session';
import type { ChartPick } from '../../core/metrics/stats/charts';
import type { SamService } from '../sam/samService';
import type { SamChannel } from '../sam/viewerHandlers';
import { readSamSettings } from '../sam/settings';
import { errorImagesFor, evalEvents, overlayFor } from '../eval/evalPanel';
import { PanopticSegmentSource } from '../../node/panopticSegments';
import { panopticHooks } from '../../editor/panopticView';
import type { AgreementLayer } from '../../shared/evalLayerProtocol';

/** VS Code does not sync text documents above this: "Show in JSON" says so instead. */
export const MAX_TEXT_BYTES = 50 * 1024 * 1024;

/** Open custom documents by URI (both view types), for reveal and problem updates. */
const openDocuments = new Map<string, CocoCustomDocument>();
/** Where a panel being opened by labelscope.revealInViewer should go. */
const pendingReveals = new Map<string, RevealTarget>();
/** The grid filter a panel being opened by labelscope.viewer.filterGrid should apply. */
const pendingFilters = new Map<string, ChartPick>();
/** The evaluation report's filter for a panel being opened (evalEvents.filter before the viewer was open). */
const pendingEvalFilters = new Map<string, { label: string; imageIds: Id[] }>();
/** The provider of each open document (fix-all from a command applies through it). */
const owners = new WeakMap<CocoCustomDocument, CocoEditorProvider>();

export const COCO_EDITOR_VIEW_TYPE = 'labelscope.cocoEditor';
/** The same editor for any *.json, offered in "Open With…" only (priority "option"). */
export const COCO_EDITOR_ANY_JSON_VIEW_TYPE = 'labelscope.cocoEditor.json';

type Listener = (fraction: number, message: string) => void;

/**
 * Files over `residentMaxBytes` are read from disk on demand while they are only viewed (the
 * viewer keeps their columns, not their bytes); a setting object so that tests can lower it.
 */
export const viewerBytes = { residentMaxBytes: RESIDENT_MAX_BYTES };

/** Files above this show their first image (found by byte search) before the full parse is done. */
export const PREVIEW_ABOVE_BYTES = 16 * 1024 * 1024;

/**
 * The viewer's parse of a big file: its bytes are in shared memory, so the columns worker parses
 * them into the editor's document (editor/lazyDocument.ts: annotations kept as columns, not
 * objects) and hands it over with its typed arrays transferred; this thread parses nothing
 * (without a worker: node/columnsLoad.ts falls back to the scan worker plus batches parsed here).
 * Small files: the parse in slices on this thread.
 */
const parseOffThread: NonNullable<LoadOptions['parse']> = (bytes, opts) =>
  bytes.length >= PARALLEL_FROM_BYTES ? parseColumnsOffThread(bytes, { ...opts, scanSliceBytes: 1 << 20 }) : parseLazyAsync(bytes, opts);

/** What a save checks first: the file is still the one this document last read or wrote. */
export interface DiskStat { mtimeMs: number; size: number }

export async function statOf(file: string): Promise<DiskStat | undefined> {
  try { const s = await fs.promises.stat(file); return { mtimeMs: s.mtimeMs, size: s.size }; } catch { return undefined; }
}

const sameStat = (a: DiskStat | undefined, b: DiskStat | undefined) => !!a && !!b && a.mtimeMs === b.mtimeMs && a.size === b.size;

export class CocoCustomDocument implements vscode.CustomDocument {
  readonly model: Promise<CocoEditorModel>;
  /** Raw bytes as soon as they are read (for the preview of big files; undefined once a big file's model lets them go). */
  private bytesReady!: (b: Uint8Array | undefined) => void;
  private bytesRead = new Promise<Uint8Array | undefined>((r) => { this.bytesReady = r; });
  get bytes(): Promise<Uint8Array | undefined> { return this.bytesRead; }
  private readonly staleEmitter = new vscode.EventEmitter<void>();
  /** A read from disk of a big file being viewed found it changed (the provider reloads it). */
  readonly onBytesStale = this.staleEmitter.event;
  private readonly abort = new AbortController();
  private readonly progressListeners = new Set<Listener>();
  private lastProgress: [number, string] = [0, 'Reading…'];
  readonly sessions = new Set<EditorSession>();
  /** Check problems fixed in this document (hidden in the viewer until the next check). */
  readonly fixed = new FixedProblems();
  private readonly onDisposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.onDisposeEmitter.event;
  /** The file as this document last read or wrote it (mtime + size): anything else is a change from outside. */
  disk?: DiskStat;
  /** A change on disk the user chose to keep their edits over ("Keep mine"): the next save may overwrite it. */
  acceptedDisk?: DiskStat;
  /** Set when the backup could not be replayed on the file as it is now (the user was asked). */
  backupProblem?: string;
  /**
   * What the open JSON text holds, as far as this document knows: `applyByteEdits(base, edits)`
   * at the text's `version`. A text at another version changed elsewhere (not mirrored into).
   */
  mirrored?: { base: CocoDocument; edits: ByteEdit[]; version: number };
  /** The latest mirroring of viewer edits into the JSON text (the next action waits for it). */
  mirroring: Promise<void> = Promise.resolve();

  constructor(readonly uri: vscode.Uri, backupUri?: vscode.Uri) {
    this.model = backupUri ? this.restore(backupUri) : this.load(uri);
    this.model.catch(() => { /* reported in the panel */ });
  }

  private async read(from: vscode.Uri): Promise<Uint8Array> {
    try {
      // Stat first: a change during the read then shows up as a change (reload), never as our own state.
      const stat = from.toString() === this.uri.toString() ? await statOf(from.fsPath) : undefined;
      // Into shared memory: the check worker reads these same bytes (no second copy, no clone).
      const bytes = await readFileShared(from.fsPath, this.abort.signal);
      if (stat) { this.disk = stat; this.readFromDisk(bytes, stat, true); }
      return bytes;
    } catch (e) { this.bytesReady(undefined); throw e; }
  }

  /** The file's bytes as last read here, and the stat they were read at (see fileBytes). */
  private lastRead?: { bytes: Uint8Array; stat: DiskStat };

  /**
   * Bytes just read from the file (at `stat`); undefined: what this document holds is not the
   * file's bytes any more. A big file's are kept only by the first read, for its check on open
   * (`letReadGo` after it).
   */
  readFromDisk(bytes: Uint8Array | undefined, stat?: DiskStat, forCheckOnOpen = false): void {
    this.lastRead = bytes && stat && (forCheckOnOpen || bytes.length <= viewerBytes.residentMaxBytes) ? { bytes, stat } : undefined;
  }

  /** The check on open has its bytes (or needs none): a big file's read is let go. */
  letReadGo(): void {
    if (this.lastRead && this.lastRead.bytes.length > viewerBytes.residentMaxBytes) this.lastRead = undefined;
  }

  /**
   * A big file only viewed: the model's base lets its bytes go and reads what the viewer shows
   * from the file, guarded by the stat it was read at and the fingerprint of the bytes as loaded
   * (editor/byteSource.ts). Its first edit, a fix or a save reads the file back whole.
   */
  viewFromDisk(model: CocoEditorModel, stat: DiskStat | undefined): void {
    if (!stat || stat.size !== model.size || model.size <= viewerBytes.residentMaxBytes) return;
    if (!model.releaseBytes(new FileByteSource(this.uri.fsPath, stat, model.baseFingerprint, () => this.staleEmitter.fire()))) return;
    // The promise of the bytes as read (and its resolver, which holds it) let go too.
    this.bytesRead = Promise.resolve(undefined);
    this.bytesReady = () => undefined;
  }

  /**
   * The file's bytes as this document read them, while the file on disk is unchanged (same
   * mtime and size): a check of the file takes these (shared with the worker) instead of
   * reading the file again.
   */
  async fileBytes(): Promise<Uint8Array | undefined> {
    await this.bytes;
    const read = this.lastRead;
    if (read) return sameStat(await statOf(this.uri.fsPath), read.stat) ? read.bytes : undefined;
    // A big file viewed from disk keeps no bytes: read for this check into shared memory, as the
    // viewer's read was (the worker takes them without a copy, the check runs as it did), and
    // kept by nothing once the check is done.
    const model = await this.model.catch(() => undefined);
    const file = this.uri.fsPath;
    const before = await statOf(file);
    if (!model || model.holdsBytes || model.baseSource !== 'disk' || !sameStat(before, this.disk)) return undefined;
    const bytes = await readFileShared(file, this.abort.signal).catch(() => undefined);
    return bytes && bytes.length === before!.size && sameStat(await statOf(file), before) ? bytes : undefined;
  }

  private async load(from: vscode.Uri): Promise<CocoEditorModel> {
    const t0 = Date.now();
    this.progress(0, 'Reading…');
    const bytes = await this.read(from);
    this.bytesReady(bytes);
    // Let a preview run before the parse takes the thread.
    if (bytes.length > PREVIEW_ABOVE_BYTES) await new Promise((r) => setTimeout(r, 0));
    const mb = (bytes.length / 1048576).toFixed(1);
    const model = await CocoEditorModel.load(bytes, this.uri.fsPath, {
      signal: this.abort.signal,
      parse: parseOffThread,
      onProgress: (f) => this.progress(f, `Parsing ${mb} MB… ${Math.round(f * 100)}%`),
    });
    this.progress(1, `Loaded in ${Date.now() - t0} ms`);
    if (this.lastRead?.bytes === bytes) this.viewFromDisk(model, this.lastRead.stat);
    return model;
  }

  /**
   * Hot exit: the backup holds the edit list, not the file. The file is read again and the edits
   * replayed; if the file changed since, the user is told and chooses (the edits are never put
   * onto other bytes).
   */
  private async restore(backupUri: vscode.Uri): Promise<CocoEditorModel> {
    let backup: unknown;
    const raw = await fs.promises.readFile(backupUri.fsPath);
    try { backup = JSON.parse(new TextDecoder().decode(raw)); } catch { backup = undefined; }
    // A backup of an older version of Labelscope: the whole file.
    if (!isEditBackup(backup)) {
      this.bytesReady(raw);
      return CocoEditorModel.load(raw, this.uri.fsPath, { signal: this.abort.signal, parse: parseOffThread });
    }
    this.progress(0, 'Reading…');
    const disk = await this.read(this.uri);
    this.bytesReady(disk);
    const restored = await CocoEditorModel.restore(backup, disk, this.uri.fsPath, { signal: this.abort.signal, parse: parseOffThread });
    if (typeof restored !== 'string') { this.progress(1, 'Restored'); return restored; }
    const name = path.basename(this.uri.fsPath);
    this.backupProblem = restored === 'changed'
      ? `${name} changed on disk since its unsaved viewer edits were backed up, so they were not replayed onto it.`
      : `The unsaved viewer edits of ${name} could not be restored: ${restored}`;
    void askAboutBackup(this.uri, this.backupProblem, backup);
    const model = await CocoEditorModel.load(disk, this.uri.fsPath, { signal: this.abort.signal, parse: parseOffThread });
    // The file as it is on disk, nothing replayed on it: a big one is viewed from disk.
    if (this.lastRead?.bytes === disk) this.viewFromDisk(model, this.lastRead.stat);
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

  /** The model was reloaded from the file or the JSON text: every panel starts over on it. */
  reloaded(): void { for (const s of this.sessions) s.reloaded(); }

  problemsChanged(): void { for (const s of this.sessions) s.problemsChanged(); }

  dispose(): void {
    this.abort.abort();
    this.onDisposeEmitter.fire();
    this.onDisposeEmitter.dispose();
    this.staleEmitter.dispose();
  }
}

export const KEEP_MINE = 'Keep Mine';
export const TAKE_THEIRS = 'Take Theirs';
export const COMPARE = 'Compare';
export const OVERWRITE = 'Overwrite';
export const OPEN_AS_ON_DISK = 'Open as on Disk';
export const SHOW_BACKED_UP_EDITS = 'Show the Backed-up Edits';

/** The file changed since the backup: say so; the edit list can be looked at (nothing is lost silently). */
async function askAboutBackup(uri: vscode.Uri, message: string, backup: EditBackup): Promise<void> {
  const choice = await vscode.window.showWarningMessage(`Labelscope: ${message}`, { modal: false }, OPEN_AS_ON_DISK, SHOW_BACKED_UP_EDITS);
  if (choice === SHOW_BACKED_UP_EDITS) {
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(backup.edits, null, 2) });
    await vscode.window.showTextDocument(doc, { preview: false });
  }
}

export class CocoEditorProvider implements vscode.CustomEditorProvider<CocoCustomDocument> {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.CustomDocumentEditEvent<CocoCustomDocument>>();
  readonly onDidChangeCustomDocument = this.changeEmitter.event;

  constructor(private readonly context: vscode.ExtensionContext, private readonly checks?: CheckService, private readonly thumbs?: Thumbnailer, private readonly display?: DisplayImages, private readonly sam?: { service(): SamService }) {}

  openCustomDocument(uri: vscode.Uri, openContext: vscode.CustomDocumentOpenContext): CocoCustomDocument {
    if (uri.scheme !== 'file') throw new Error('Labelscope opens COCO files on disk only.');
    const backup = openContext.backupId ? vscode.Uri.parse(openContext.backupId) : undefined;
    const doc = new CocoCustomDocument(uri, backup);
    openDocuments.set(uri.toString(), doc);
    owners.set(doc, this);
    const following = this.follow(doc);
    // The JSON text already open beside it: known from here on when it holds the file as read.
    void doc.model.then(() => this.mirrorToText(doc, true), () => undefined);
    void this.checkOnOpen(doc);
    doc.onDidDispose(() => { following.dispose(); if (openDocuments.get(uri.toString()) === doc) openDocuments.delete(uri.toString()); });
    return doc;
  }

  /**
   * Every file opened in the viewer is checked (in the check worker), unless a check covered it
   * or is on its way (the start-up scan, the JSON text's own checks): files whose names match no
   * COCO pattern and files over 50 MB included. It starts once the viewer has its model (the
   * first image is not slowed down); the viewer and the status bar show its progress, with Cancel.
   */
  private async checkOnOpen(document: CocoCustomDocument, always = false): Promise<void> {
    try {
      const checks = this.checks;
      if (!checks) return;
      await document.model.catch(() => undefined);
      const uri = document.uri;
      if (!always && (checks.outcomeFor(uri) || checks.isPending(uri) || checks.stateFor(uri)?.kind === 'cancelled')) return;
      // The viewer's unsaved edits are checked as the bytes a save would write (files up to 50 MB).
      const model = await document.model.catch(() => undefined);
      if (always && model?.isDirty && model.size <= MAX_TEXT_BYTES) { await this.refreshDiagnostics(document, false, true); return; }
      const text = openTextDocument(uri);
      await checks.check(uri, { text: text?.isDirty ? text.getText() : undefined, version: text?.version, size: (await statOf(uri.fsPath))?.size ?? 0 });
    } finally {
      // A big file's bytes as read went to this check (shared with its worker) and now go.
      if (!always) document.letReadGo();
    }
  }

  // -------------------------------------------------------------------------
  // Following the file: the disk and the JSON text

  /**
   * The viewer follows the file: when the file changes on disk (git checkout, a script) or in
   * the JSON text editor, the viewer reloads if it has no unsaved edits; with unsaved edits the
   * user chooses (keep mine / take theirs / compare). Nothing is overwritten silently.
   */
  private follow(document: CocoCustomDocument): vscode.Disposable {
    const key = document.uri.toString();
    const file = document.uri.fsPath;
    let diskTimer: ReturnType<typeof setTimeout> | undefined;
    let textTimer: ReturnType<typeof setTimeout> | undefined;
    // Set when a read of a big file viewed from disk found it changed: it reloads even if its stat looks the same.
    let stale = false;
    const onDisk = () => {
      if (diskTimer) clearTimeout(diskTimer);
      diskTimer = setTimeout(() => {
        diskTimer = undefined;
        const bytesStale = stale;
        stale = false;
        void this.serialize(document, () => (bytesStale ? this.bytesStale(document) : this.diskChanged(document)));
      }, FOLLOW_DEBOUNCE_MS);
    };
    const onText = () => {
      if (textTimer) clearTimeout(textTimer);
      textTimer = setTimeout(() => { textTimer = undefined; void this.serialize(document, () => this.textChanged(document)); }, FOLLOW_DEBOUNCE_MS);
    };
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(file)), path.basename(file)));
    const subs = [
      watcher,
      watcher.onDidChange(onDisk),
      watcher.onDidCreate(onDisk),
      vscode.workspace.onDidChangeTextDocument((e) => { if (e.document.uri.toString() === key && e.contentChanges.length > 0) onText(); }),
      vscode.workspace.onDidSaveTextDocument((d) => { if (d.uri.toString() === key) onDisk(); }),
      // The text opened beside the viewer: it shows the viewer's unsaved edits too.
      vscode.workspace.onDidOpenTextDocument((d) => { if (d.uri.toString() === key) void this.mirrorToText(document, true); }),
      // The text closed unsaved: what the viewer took from it is not the file any more.
      vscode.workspace.onDidCloseTextDocument((d) => { if (d.uri.toString() === key) onDisk(); }),
      // A big file viewed from disk: a read found the file changed (its watcher may not have fired yet, or
      // the change kept the size and mtime): reloaded now.
      document.onBytesStale(() => { stale = true; onDisk(); }),
    ];
    return new vscode.Disposable(() => {
      if (diskTimer) clearTimeout(diskTimer);
      if (textTimer) clearTimeout(textTimer);
      for (const s of subs) s.dispose();
    });
  }

  /** One follow-up at a time per document (a reload and a prompt must not interleave). */
  private readonly following = new WeakMap<CocoCustomDocument, Promise<void>>();
  private readonly followUps = new WeakMap<CocoCustomDocument, number>();
  private serialize(document: CocoCustomDocument, f: () => Promise<void>): Promise<void> {
    const next = (this.following.get(document) ?? Promise.resolve()).then(f, f).catch((e) => {
      void vscode.window.showErrorMessage(`Labelscope: could not reload ${path.basename(document.uri.fsPath)}: ${e instanceof Error ? e.message : String(e)}`);
    }).finally(() => this.followUps.set(document, this.followedCount(document) + 1));
    this.following.set(document, next);
    return next;
  }

  /** How many changes from outside (disk, JSON text) this document has looked at (tests wait on it). */
  followedCount(document: CocoCustomDocument): number { return this.followUps.get(document) ?? 0; }

  /** Resolves when the document has taken every change seen so far (tests). */
  settled(document: CocoCustomDocument): Promise<void> { return this.following.get(document) ?? Promise.resolve(); }

  private async diskChanged(document: CocoCustomDocument): Promise<void> {
    const model = await document.model;
    const stat = await statOf(document.uri.fsPath);
    if (!stat) return; // deleted: VS Code marks the tab; a save writes it again
    const text = openTextDocument(document.uri);
    // The JSON text has unsaved changes: it is the newer state (its save comes back here).
    if (text?.isDirty) return;
    if (sameStat(stat, document.disk) && model.baseSource === 'disk') return;
    if (!model.isDirty) { await this.reloadFromDisk(document); return; }
    if (sameStat(stat, document.acceptedDisk)) return;
    if (text && await this.savedThroughText(document, model, stat)) return;
    await this.conflict(document, 'disk', stat);
  }

  /** A big file viewed from disk is not the bytes as loaded any more: nothing of the viewer's is unsaved on it, so it reloads. */
  private async bytesStale(document: CocoCustomDocument): Promise<void> {
    const model = await document.model;
    if (model.isDirty || model.holdsBytes) { await this.diskChanged(document); return; }
    if (await statOf(document.uri.fsPath)) await this.reloadFromDisk(document);
  }

  private async textChanged(document: CocoCustomDocument): Promise<void> {
    const model = await document.model;
    await document.mirroring;
    const text = openTextDocument(document.uri);
    if (!text) return;
    // The viewer's own edit, mirrored into the text: nothing changed elsewhere.
    if (document.mirrored?.version === text.version) return;
    const holdsViewerEdits = document.mirrored !== undefined && document.mirrored.base === model.base && sameEdits(document.mirrored.edits, model.byteEdits());
    // The text's bytes as its save would write them (with the file's BOM, which the text leaves out).
    const bytes = textBytes(text.getText(), textLayout(model.base.bytes));
    // The text was in step with every viewer edit (an undo in the text, an edit there): nothing
    // of the viewer's is only in the viewer, so the viewer follows the text without asking.
    if (!model.isDirty || holdsViewerEdits) { await this.reloadFrom(document, bytes, 'text'); return; }
    if (sameBytes(bytes, model.bytes())) { document.mirrored = { base: model.base, edits: model.byteEdits(), version: text.version }; return; }
    await this.conflict(document, 'text');
  }

  /**
   * Text and viewer stay one: the viewer's edits (and their undo / redo) are owned by the custom
   * editor's edit stack (Ctrl+Z in the viewer) and mirrored into the open JSON text as the same
   * minimal edits, so the text shows them before the next action. An undo in the text is a text
   * change the viewer then follows. Only a text this document knows (at the version it last
   * mirrored or read) is written to: a change typed there and not yet seen is never overwritten.
   * `opened`: the text was just opened (it is known when it holds the viewer's base).
   */
  mirrorToText(document: CocoCustomDocument, opened = false): Promise<void> {
    const next = document.mirroring.then(() => this.mirrorNow(document, opened)).catch((e) => {
      void vscode.window.showErrorMessage(`Labelscope: could not show the viewer's edit in the JSON text of ${path.basename(document.uri.fsPath)}: ${e instanceof Error ? e.message : String(e)}`);
    });
    document.mirroring = next;
    return next;
  }

  private async mirrorNow(document: CocoCustomDocument, opened: boolean): Promise<void> {
    const model = await document.model;
    const text = openTextDocument(document.uri);
    if (!text || model.size > MAX_TEXT_BYTES) { document.mirrored = undefined; return; }
    const edits = model.byteEdits();
    if (opened && document.mirrored?.version !== text.version) {
      // Known when it is the viewer's base (the file as the viewer read it), or already holds the
      // viewer's edits (both restored from a hot-exit backup).
      const have = text.getText();
      const dec = new TextDecoder();
      document.mirrored = have === dec.decode(model.base.bytes) ? { base: model.base, edits: [], version: text.version }
        : model.isDirtyVsBase && have === dec.decode(model.bytes()) ? { base: model.base, edits, version: text.version } : undefined;
    }
    const known = document.mirrored;
    if (!known || known.version !== text.version) return;
    let changes: TextChange[] | undefined;
    const layout = known.base === model.base ? mirrorLayout(model.base) : undefined;
    if (layout) {
      changes = mirrorChanges(model.base.bytes, known.edits, edits, layout);
      if (changes.some((c) => text.getText(new vscode.Range(text.positionAt(c.start), text.positionAt(c.end))) !== c.expect)) changes = undefined;
    }
    changes ??= diffText(text.getText(), new TextDecoder().decode(model.bytes()));
    if (changes.length) {
      const edit = new vscode.WorkspaceEdit();
      for (const c of changes) edit.replace(document.uri, new vscode.Range(text.positionAt(c.start), text.positionAt(c.end)), c.text);
      if (!(await vscode.workspace.applyEdit(edit))) { document.mirrored = undefined; return; }
    }
    document.mirrored = { base: model.base, edits, version: text.version };
    if (!model.isDirty && text.isDirty) await this.cleanAtSavePoint(document, text);
  }

  /**
   * The viewer is back at its save point (undo): the text, which holds every viewer edit, is dirty
   * still, as VS Code clears a text's dirty mark only on save, revert or its own undo. When the
   * text is the file on disk byte for byte, saving it writes those same bytes and clears the mark
   * (both tabs clean, as the user left them). Not when a save participant could rewrite the text
   * (format on save, final newline, trimming, code actions on save): the text then stays dirty.
   */
  private async cleanAtSavePoint(document: CocoCustomDocument, text: vscode.TextDocument): Promise<void> {
    const model = await document.model;
    const stat = await statOf(document.uri.fsPath);
    if (!stat || stat.size > MAX_TEXT_BYTES || saveMayRewrite(text)) return;
    const disk = await fs.promises.readFile(document.uri.fsPath).catch(() => undefined);
    const version = text.version;
    if (!disk || !sameBytes(disk, textBytes(text.getText(), textLayout(model.base.bytes)))) return;
    if (text.version !== version || model.isDirty || !text.isDirty) return; // changed meanwhile
    if (!(await text.save())) return;
    document.disk = await statOf(document.uri.fsPath);
    document.acceptedDisk = undefined;
  }

  /**
   * The JSON text, holding the viewer's edits, was saved: the file is what the viewer would write.
   * The viewer is saved too (its dirty mark goes; VS Code saves it, with nothing left to write).
   */
  private async savedThroughText(document: CocoCustomDocument, model: CocoEditorModel, stat: DiskStat): Promise<boolean> {
    const disk = await fs.promises.readFile(document.uri.fsPath);
    const mine = model.bytes();
    if (!sameBytes(disk, mine)) return false;
    document.disk = stat;
    document.acceptedDisk = undefined;
    model.markSaved(mine.length <= MAX_TEXT_BYTES ? mine : undefined, await fingerprintAsync(mine));
    await vscode.workspace.save(document.uri);
    return true;
  }

  private async reloadFromDisk(document: CocoCustomDocument): Promise<void> {
    const stat = await statOf(document.uri.fsPath);
    const bytes = await readFileShared(document.uri.fsPath);
    await this.reloadFrom(document, bytes, 'disk', stat);
    document.disk = stat;
    document.acceptedDisk = undefined;
    document.readFromDisk(bytes, stat);
  }

  private async reloadFrom(document: CocoCustomDocument, bytes: Uint8Array, source: 'disk' | 'text', stat?: DiskStat): Promise<void> {
    const model = await document.model;
    // The same bytes as the viewer holds (the text reloaded after the viewer's own save, a touch): keep
    // the model and its undo stack. (Without edits on it, the base's fingerprint: its bytes may be on disk only.)
    const mine = model.isDirtyVsBase ? model.bytes() : undefined;
    if (bytes.length === (mine?.length ?? model.size) && (await fingerprintAsync(bytes)) === (mine ? await fingerprintAsync(mine) : model.baseFingerprint)) {
      if (source === 'disk') model.baseSource = 'disk';
      const text = openTextDocument(document.uri);
      if (source === 'text' && text) document.mirrored = { base: model.base, edits: model.byteEdits(), version: text.version };
      return;
    }
    const doc = await parseDocument(bytes, document.uri.fsPath, { parse: parseOffThread });
    model.reload(doc, source);
    if (source === 'disk') document.viewFromDisk(model, stat);
    if (source === 'text') document.readFromDisk(undefined); // the base is the JSON text's now
    const text = openTextDocument(document.uri);
    if (source === 'text' && text) document.mirrored = { base: doc, edits: [], version: text.version };
    document.reloaded();
  }

  /** Unsaved viewer edits and a change elsewhere: the user chooses. */
  private async conflict(document: CocoCustomDocument, where: 'disk' | 'text', stat?: DiskStat): Promise<void> {
    const name = path.basename(document.uri.fsPath);
    const choice = await vscode.window.showWarningMessage(
      `${name} changed ${where === 'disk' ? 'on disk' : 'in the JSON text editor'}, and the Labelscope viewer has unsaved edits.`,
      { modal: true, detail: `${KEEP_MINE}: keep the viewer's edits (saving then overwrites the other change). ${TAKE_THEIRS}: drop the viewer's edits and show the file as it is now. ${COMPARE}: see both side by side first.` },
      KEEP_MINE, TAKE_THEIRS, COMPARE,
    );
    if (choice === TAKE_THEIRS) {
      if (where === 'disk') {
        // A revert through VS Code clears the dirty mark with the edits.
        await vscode.commands.executeCommand('vscode.openWith', document.uri, COCO_EDITOR_VIEW_TYPE);
        await vscode.commands.executeCommand('workbench.action.files.revert', document.uri);
      } else {
        const text = openTextDocument(document.uri);
        if (text) await this.reloadFrom(document, textBytes(text.getText(), textLayout((await document.model).base.bytes)), 'text');
      }
    } else if (choice === KEEP_MINE) {
      if (stat) document.acceptedDisk = stat;
    } else if (choice === COMPARE) {
      await this.compare(document, where);
    }
  }

  /** The file (or the JSON text) on the left, the viewer's version on the right. */
  private async compare(document: CocoCustomDocument, where: 'disk' | 'text' = 'disk'): Promise<void> {
    const model = await document.model;
    const name = path.basename(document.uri.fsPath);
    const dir = path.join(this.context.globalStorageUri.fsPath, 'compare');
    await fs.promises.mkdir(dir, { recursive: true });
    const mine = path.join(dir, `${Date.now()}-${name}`);
    const unavailable = await readBack(document, model);
    if (unavailable) throw new Error(unavailable);
    await fs.promises.writeFile(mine, model.bytes());
    // The file's URI is its text when that is open (unsaved text included), else the file on disk.
    await vscode.commands.executeCommand('vscode.diff', document.uri, vscode.Uri.file(mine), `${name} (${where === 'disk' ? 'on disk' : 'JSON text'}) ↔ ${name} (viewer, unsaved)`);
  }

  /** A check fix from the viewer: through the text document when it is open (as the quick fix), else as bytes on this document. */
  private async applyFix(document: CocoCustomDocument, p: OutcomeProblem, model: CocoEditorModel, chosen?: PositionedFix, key?: number): Promise<{ ok: boolean; message?: string }> {
    let fix = chosen ?? p.fix!;
    const outcome = this.checks?.outcomeFor(document.uri);
    // The problem as fixed: its key in the outcome it came from (the viewer hides it until the next check).
    const fixedOne = outcome && key !== undefined ? { outcome: outcome.problems, key } : undefined;
    // "Change category_id to…": the user picks the category first.
    if (fix.choose === 'category') {
      const choice = await pickCategory(outcome?.categories ?? [], 'Change category_id to which category?');
      if (!choice) return { ok: false, message: 'No category picked: nothing changed.' };
      fix = { ...fix, title: `Change category_id to ${JSON.stringify(choice.id)} (${choice.name})`, edits: withChoice(fix, choice) };
    }
    const text = openTextDocument(document.uri);
    if (text) {
      // As the quick fix: only onto the text version that was checked.
      const version = this.checks?.versionFor(document.uri);
      const fresh = version !== undefined ? version === text.version : !text.isDirty;
      if (!fresh || (outcome?.fingerprint !== undefined && outcome.fingerprint !== model.baseFingerprint && model.baseSource === 'text')) return this.staleFix(document);
      const ok = await vscode.workspace.applyEdit(toWorkspaceEdit(document.uri, fix.edits));
      return ok ? { ok } : { ok, message: 'The fix could not be applied to the open JSON text.' };
    }
    const unavailable = await readBack(document, model);
    if (unavailable) return { ok: false, message: unavailable };
    const edit = await model.prepareByteEdits(fix.title, fix.edits.map((e) => ({ start: e.start, end: e.end, newText: e.newText })), outcome?.fingerprint);
    if (edit === STALE_FIX) return this.staleFix(document);
    if (typeof edit === 'string') return { ok: false, message: edit };
    model.apply(edit);
    document.fixed.add(fixedOne);
    this.changeEmitter.fire({
      document,
      label: fix.title,
      undo: async () => { const m = await document.model; if (!m.owns(edit)) return voidEdit(); m.undo(edit); document.fixed.delete(fixedOne); document.changed(); document.problemsChanged(); },
      redo: async () => { const m = await document.model; if (!m.owns(edit)) return voidEdit(); m.apply(edit); document.fixed.add(fixedOne); document.changed(); document.problemsChanged(); },
    });
    document.changed();
    document.problemsChanged();
    return { ok: true };
  }

  /** A fix of other bytes than the viewer's: refused, and the file checked again. */
  private async staleFix(document: CocoCustomDocument): Promise<{ ok: boolean; message?: string }> {
    void this.refreshDiagnostics(document, undefined, true);
    return { ok: false, message: STALE_FIX };
  }

  private async showInJson(document: CocoCustomDocument, annotationIndex: number, model: CocoEditorModel): Promise<{ ok: boolean; message?: string }> {
    const size = model.size;
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
    // Looked up again when either changes (Choose Image Folder…, an edited .labelscope.json or setting).
    let lookup = imageLookup(document.uri.fsPath, imageRootFor(document.uri));
    // Panoptic files: each record's segments read from its PNG, looked for where the images are.
    const panoptic = new PanopticSegmentSource(document.uri.fsPath, imageRootFor(document.uri));
    const webview = panel.webview;
    const setOptions = () => {
      // Only the dataset's folders: the JSON's folder and every root an image may be found in.
      const roots = new Set<string>([jsonDir]);
      for (const c of lookup.candidates('x')) roots.add(path.dirname(c));
      webview.options = {
        enableScripts: true,
        localResourceRoots: [
          vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview'),
          ...(this.thumbs ? [vscode.Uri.joinPath(this.context.globalStorageUri, 'thumbnails')] : []),
          ...(this.display ? [vscode.Uri.joinPath(this.context.globalStorageUri, 'display')] : []),
          ...[...roots].map((r) => vscode.Uri.file(r)),
        ],
      };
    };
    setOptions();
    const source: ImageSource = {
      find: (name) => ({ path: lookup.resolve(name), tried: lookup.candidates(name) }),
      toSrc: (p) => webview.asWebviewUri(vscode.Uri.file(p)).toString(),
    };
    // The SAM handlers resolve image paths through the lookup in force at the time.
    const liveLookup: ReturnType<typeof imageLookup> = {
      resolve: (name) => lookup.resolve(name),
      candidates: (name) => lookup.candidates(name),
      get roots() { return lookup.roots; },
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
      beforeAction: () => document.mirroring,
      initialReveal,
      problems: checks ? () => checks.outcomeFor(document.uri)?.problems : undefined,
      isFixed: (key) => document.fixed.has(checks?.outcomeFor(document.uri)?.problems, key),
      applyFix: (p, model, fix, key) => this.applyFix(document, p, model, fix, key),
      showInJson: (i, model) => this.showInJson(document, i, model),
      readBack: (model) => readBack(document, model),
      preview: document.bytes.then((b) => (b && b.length > PREVIEW_ABOVE_BYTES ? previewCoco(b, document.uri.fsPath, source) : undefined)),
      // TIFF, 16-bit, CMYK and images over 8192 px reach the webview as PNGs made with sharp.
      displayImage: display ? async (p) => {
        const d = await display.prepare(p);
        return { src: webview.asWebviewUri(vscode.Uri.file(d.path)).toString(), width: d.width, height: d.height, converted: d.converted ? d.reasons.join(', ') : undefined };
      } : undefined,
      // The re-check after an edit: parse + per-annotation rules in the check worker, not on this thread.
      recheckInWorker: checks ? async (input, signal) => {
        const settings = readSettings(document.uri);
        const outcome = await checks.runner.run(
          { file: document.uri.fsPath, bytes: input.bytes, edits: input.edits, only: [...PER_ANNOTATION_RULES], overrides: settings.overrides, checkImageFiles: false },
          () => undefined, signal,
        );
        return [...outcome.problems];
      } : undefined,
      evalOverlay: (imageId) => overlayFor(document.uri, imageId),
      evalErrorImages: (t, minScore) => errorImagesFor(document.uri, t, minScore),
      evaluatePredictions: () => { void vscode.commands.executeCommand('labelscope.evaluatePredictions', document.uri); },
      thumbnail: thumbs ? async (p) => webview.asWebviewUri(vscode.Uri.file(await thumbs.thumbnail(p))).toString() : undefined,
      // Panoptic files: each record's segments as masks read from its PNG; no geometry edits.
      ...panopticHooks(panoptic),
      checkState: checks ? () => checkViewState(checks.stateFor(document.uri)) : undefined,
      cancelCheck: checks ? () => { checks.cancel(document.uri); } : undefined,
      checkNow: checks ? () => { void this.checkOnOpen(document, true); } : undefined,
    });
    document.sessions.add(session);
    const samHandlers = this.sam && trusted ? this.registerSam(session, document, liveLookup, this.sam) : undefined;
    const pendingFilter = pendingFilters.get(key);
    pendingFilters.delete(key);
    if (pendingFilter) void session.filterGrid(pendingFilter);
    const pendingEval = pendingEvalFilters.get(key);
    pendingEvalFilters.delete(key);
    if (pendingEval) session.evalFilter(pendingEval.label, pendingEval.imageIds);
    const imageRootChanged = () => {
      const next = imageLookup(document.uri.fsPath, imageRootFor(document.uri));
      if (next.roots.join('\n') === lookup.roots.join('\n')) return;
      lookup = next;
      panoptic.setImageRoot(imageRootFor(document.uri));
      setOptions();
      session.imageSourceChanged();
    };
    session.channel.handle('chooseImageFolder', async () => {
      const r = await chooseImageFolder(document.uri);
      if (r.ok) imageRootChanged();
      return r;
    });
    const subs = [
      webview.onDidReceiveMessage((m) => session.receive(m)),
      document.onProgress((f, m) => session.progress(f, m)),
      watchImageRoot(document.uri, imageRootChanged),
    ];
    panel.onDidDispose(() => {
      document.sessions.delete(session);
      session.dispose();
      samHandlers?.dispose();
      for (const s of subs) s.dispose();
    });
    webview.html = editorHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview', 'main.js')).toString(),
      title: path.basename(document.uri.fsPath),
    });
  }

  /**
   * The viewer's Segment tool (trusted workspaces only: it runs a model): previews from the SAM
   * service, the accepted mask as one undoable edit — polygons as the `create` edit, RLE as `createMask`.
   */
  private registerSam(session: EditorSession, document: CocoCustomDocument, lookup: ReturnType<typeof imageLookup>, sam: { service(): SamService }): { dispose(): void } {
    let model: CocoEditorModel | undefined;
    void document.model.then((m) => { model = m; }, () => undefined);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- sharp and the model code load when a viewer opens in a trusted workspace, not at activation
    const { registerSamHandlers } = require('../sam/viewerHandlers') as typeof import('../sam/viewerHandlers');
    // The mask's format is the setting labelscope.sam.maskFormat (polygon or RLE), whatever the webview asks.
    const host = session.channel as unknown as SamChannel;
    const channel: SamChannel = {
      handle: (method, fn) => host.handle(method, method === 'samAccept'
        ? ((p: { imageIndex: number; categoryId: Id }) => (fn as (q: unknown) => unknown)({ ...p, format: readSamSettings(document.uri).maskFormat })) as (p: never) => unknown
        : fn),
      on: (method, fn) => host.on(method, fn),
    };
    return registerSamHandlers(channel, sam.service(), {
      imagePath: (i) => {
        const name = model?.imageFileName(i);
        return name ? lookup.resolve(name) : undefined;
      },
      createAnnotation: (imageIndex, categoryId, f) => session.createMaskAnnotation(imageIndex, categoryId, f),
    });
  }

  /**
   * Fix-all with the file open in the viewer (and not as text): the edits (byte ranges of the
   * file as checked, `fingerprint`) become one undoable viewer edit. Undefined when no viewer
   * has the file open.
   */
  static async applyInViewer(uri: vscode.Uri, label: string, edits: readonly { start: number; end: number; newText: string }[], fingerprint: string | undefined): Promise<{ ok: boolean; message?: string } | undefined> {
    const document = openDocuments.get(uri.toString());
    const provider = document && owners.get(document);
    if (!document || !provider || document.sessions.size === 0) return undefined;
    const model = await document.model;
    const unavailable = await readBack(document, model);
    if (unavailable) return { ok: false, message: unavailable };
    const edit = await model.prepareByteEdits(label, edits.map((e) => ({ start: e.start, end: e.end, newText: e.newText })), fingerprint);
    if (edit === STALE_FIX) return provider.staleFix(document);
    if (typeof edit === 'string') return { ok: false, message: edit };
    model.apply(edit);
    provider.fireEdit(document, edit);
    document.changed();
    return { ok: true };
  }

  /** Whether a viewer has the file open (its tab may be in the background). */
  static isOpenInViewer(uri: vscode.Uri): boolean {
    return (openDocuments.get(uri.toString())?.sessions.size ?? 0) > 0;
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
      undo: async () => { const m = await document.model; if (!m.owns(edit)) return voidEdit(); m.undo(edit); document.changed(); void this.mirrorToText(document); void this.refreshDiagnostics(document); },
      redo: async () => { const m = await document.model; if (!m.owns(edit)) return voidEdit(); m.apply(edit); document.changed(); void this.mirrorToText(document); void this.refreshDiagnostics(document); },
    });
    void this.mirrorToText(document);
    void this.refreshDiagnostics(document);
  }

  /**
   * The Problems panel follows viewer edits: files up to 50 MB are checked again as the
   * bytes a save would write (debounced), unless the JSON text is open too (its own
   * checks own the diagnostics then). Bigger files keep the last check until saved.
   */
  private async refreshDiagnostics(document: CocoCustomDocument, fromDisk = false, force = false): Promise<void> {
    const checks = this.checks;
    if (!checks) return;
    const model = await document.model;
    const size = model.size;
    const text = openTextDocument(document.uri);
    if (text) {
      // The JSON text's own checks own the diagnostics; a forced re-check checks that text.
      if (force) checks.schedule(document.uri, { snapshot: () => ({ text: text.isDirty ? text.getText() : undefined, version: text.version }), size });
      return;
    }
    if (size > MAX_TEXT_BYTES && !force) return;
    // What is checked is read inside the debounced callback, once per burst of edits, not per edit.
    const fromFile = fromDisk || !model.isDirty || size > MAX_TEXT_BYTES;
    // The base bytes (shared) and the edits as byte edits: the worker makes the edited copy, not this thread.
    checks.schedule(document.uri, { snapshot: fromFile ? undefined : () => ({ bytes: model.base.bytes, edits: model.byteEdits() }), size, delayMs: force ? 0 : 400 });
  }

  async saveCustomDocument(document: CocoCustomDocument, cancellation: vscode.CancellationToken): Promise<void> {
    await this.saveCustomDocumentAs(document, document.uri, cancellation);
  }

  async saveCustomDocumentAs(document: CocoCustomDocument, destination: vscode.Uri, cancellation: vscode.CancellationToken): Promise<void> {
    const model = await document.model;
    if (cancellation.isCancellationRequested) return;
    const same = destination.toString() === document.uri.toString();
    if (same) await this.checkBeforeSave(document);
    await document.mirroring;
    // A big file viewed from disk (Save As with nothing edited): its bytes read back and checked first.
    const unavailable = await readBack(document, model);
    if (unavailable) throw new Error(unavailable);
    const bytes = model.bytes();
    const written = await fingerprintAsync(bytes);
    const text = same ? openTextDocument(document.uri) : undefined;
    if (same && sameStat(await statOf(destination.fsPath), document.disk) && model.lastKnownDisk === written) {
      // The file holds these bytes already (the JSON text saved them): nothing to write.
    } else if (text?.isDirty && !saveMayRewrite(text) && document.mirrored?.version === text.version && sameBytes(textBytes(text.getText(), textLayout(model.base.bytes)), bytes)) {
      // The JSON text holds the viewer's edits: saved through it, so VS Code's text is saved too
      // (not left dirty over a file that is newer than it). Not when a save participant could
      // rewrite the text (format on save, final newline, trimming, code actions on save): the file
      // must get the viewer's bytes, so the viewer writes them itself (the text stays dirty).
      if (!(await text.save())) throw new Error(`${path.basename(destination.fsPath)} could not be saved through its open JSON text.`);
    } else {
      await writeFileAtomic(destination.fsPath, bytes);
    }
    if (same) {
      document.disk = await statOf(destination.fsPath);
      document.acceptedDisk = undefined;
      model.markSaved(bytes.length <= MAX_TEXT_BYTES ? bytes : undefined, written);
      void this.refreshDiagnostics(document, true);
    }
  }

  /**
   * A save first checks that the file is the one this document read or last wrote (mtime and
   * size, as VS Code's text files do): if it changed elsewhere, the user chooses; the save fails
   * (the edits stay, dirty) unless they choose to overwrite.
   */
  private async checkBeforeSave(document: CocoCustomDocument): Promise<void> {
    const now = await statOf(document.uri.fsPath);
    if (!now || !document.disk || sameStat(now, document.disk) || sameStat(now, document.acceptedDisk)) return;
    // Touched but the same bytes (the JSON text saved what the viewer already shows): no conflict.
    const model = await document.model;
    if (now.size === fingerprintLength(model.lastKnownDisk) && (await fingerprintAsync(await fs.promises.readFile(document.uri.fsPath))) === model.lastKnownDisk) {
      document.disk = now;
      return;
    }
    const name = path.basename(document.uri.fsPath);
    const choice = await vscode.window.showWarningMessage(
      `${name} changed on disk since the Labelscope viewer read it. Overwrite it with the viewer's version?`,
      { modal: true, detail: `${OVERWRITE}: the other change is lost. ${COMPARE}: see both first (nothing is saved).` },
      OVERWRITE, COMPARE,
    );
    if (choice === OVERWRITE) return;
    if (choice === COMPARE) await this.compare(document);
    throw new Error(`${name} changed on disk; not saved (the viewer's edits are kept).`);
  }

  async revertCustomDocument(document: CocoCustomDocument, cancellation: vscode.CancellationToken): Promise<void> {
    const model = await document.model;
    const stat = await statOf(document.uri.fsPath);
    const bytes = await readFileShared(document.uri.fsPath);
    if (cancellation.isCancellationRequested) return;
    const fresh = await CocoEditorModel.load(bytes, document.uri.fsPath, { parse: parseOffThread });
    model.reset(fresh.base);
    document.viewFromDisk(model, stat);
    document.readFromDisk(bytes, stat);
    document.disk = stat;
    document.acceptedDisk = undefined;
    document.reloaded();
    void this.mirrorToText(document);
    void this.refreshDiagnostics(document, true);
  }

  /** Hot exit: the edit list and the fingerprints to find its bytes again (a few KB, whatever the file's size). */
  async backupCustomDocument(document: CocoCustomDocument, context: vscode.CustomDocumentBackupContext, cancellation: vscode.CancellationToken): Promise<vscode.CustomDocumentBackup> {
    const model = await document.model;
    if (cancellation.isCancellationRequested) throw new vscode.CancellationError();
    await fs.promises.mkdir(path.dirname(context.destination.fsPath), { recursive: true });
    await writeFileAtomic(context.destination.fsPath, new TextEncoder().encode(JSON.stringify(model.backup())));
    return {
      id: context.destination.toString(),
      delete: () => { void fs.promises.rm(context.destination.fsPath, { force: true }); },
    };
  }
}

/** Undo / redo of an edit made before the file was reloaded: it would land on other annotations. */
function voidEdit(): void {
  void vscode.window.showInformationMessage('Labelscope: that edit was made before the file was reloaded, so it cannot be undone or redone in the viewer any more.');
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(a, b) === 0;

/**
 * How a base's text relates to its bytes (BOM, line ending), when it is ASCII after its BOM (byte
 * offsets are then the text's UTF-16 offsets, less the BOM); undefined otherwise. Once per base
 * (the ASCII test is SIMD in Node).
 */
const layouts = new WeakMap<CocoDocument, TextLayout | null>();
function mirrorLayout(doc: CocoDocument): TextLayout | undefined {
  let l = layouts.get(doc);
  if (l === undefined) {
    const layout = textLayout(doc.bytes);
    layouts.set(doc, (l = isAsciiBytes(doc.bytes.subarray(layout.bom)) ? layout : null));
  }
  return l ?? undefined;
}

/** Whether VS Code's save of this text may change it first (save participants the user turned on). */
function saveMayRewrite(text: vscode.TextDocument): boolean {
  const editor = vscode.workspace.getConfiguration('editor', { uri: text.uri, languageId: text.languageId });
  const files = vscode.workspace.getConfiguration('files', { uri: text.uri, languageId: text.languageId });
  const actions = editor.get<Record<string, unknown> | string[]>('codeActionsOnSave');
  const anyAction = Array.isArray(actions) ? actions.length > 0 : Object.values(actions ?? {}).some((v) => v === true || v === 'explicit' || v === 'always');
  return !!editor.get<boolean>('formatOnSave') || !!files.get<boolean>('insertFinalNewline') || !!files.get<boolean>('trimTrailingWhitespace') || !!files.get<boolean>('trimFinalNewlines') || anyAction;
}

function openTextDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
}

/** Changes elsewhere come in bursts (a save writes, then the watcher fires): wait this long for quiet. */
const FOLLOW_DEBOUNCE_MS = 100;

export function registerCocoEditor(context: vscode.ExtensionContext, checks?: CheckService, sam?: { service(): SamService }): void {
  // A check of a file open in the viewer takes the viewer's bytes (shared memory) instead of reading it again.
  if (checks) context.subscriptions.push(checks.useFileBytes(async (uri) => openDocuments.get(uri.toString())?.fileBytes()));
  // The viewer keeps its webview while hidden: coming back to its tab is instant (recreating it
  // re-sent init, every problem and the image: 26 s on the 455 MB file in code-server, issue 8.6).
  // The cost is the hidden webview's memory in the renderer (bench:vscode measures it); its state
  // still restores from getState after a reload of the window.
  const options = { supportsMultipleEditorsPerDocument: true, webviewOptions: { retainContextWhenHidden: true } };
  const thumbs = new Thumbnailer({ cacheDir: path.join(context.globalStorageUri.fsPath, 'thumbnails') });
  const display = new DisplayImages({ cacheDir: path.join(context.globalStorageUri.fsPath, 'display') });
  // The Problems panel changed: the check outcome of an open file may be new.
  context.subscriptions.push(vscode.languages.onDidChangeDiagnostics((e) => {
    for (const uri of e.uris) openDocuments.get(uri.toString())?.problemsChanged();
  }));
  // The file's check moved on: its viewers show the progress (Cancel), or Check Now after a cancel.
  if (checks) {
    context.subscriptions.push(checks.onDidChangeCheckState(({ uri, state }) => {
      const view = checkViewState(state);
      for (const s of openDocuments.get(uri.toString())?.sessions ?? []) if (view) s.checkStateChanged(view);
    }));
  }
  context.subscriptions.push(
    vscode.window.registerCustomEditorProvider(COCO_EDITOR_VIEW_TYPE, new CocoEditorProvider(context, checks, thumbs, display, sam), options),
    vscode.window.registerCustomEditorProvider(COCO_EDITOR_ANY_JSON_VIEW_TYPE, new CocoEditorProvider(context, checks, thumbs, display, sam), options),
    vscode.commands.registerCommand('labelscope.revealInViewer', async (uri?: vscode.Uri, target: RevealTarget = {}) => {
      const u = targetCocoUri(uri);
      if (u) await CocoEditorProvider.reveal(u, target);
    }),
    vscode.commands.registerCommand('labelscope.openInViewer', async (uri?: vscode.Uri) => {
      const target = targetCocoUri(uri);
      if (!target) return;
      // From VS Code's "very large file" placeholder (a text tab with no text editor behind it):
      // the viewer takes its place instead of a second tab with the same title.
      const same = (u: vscode.Uri) => u.toString() === target.toString();
      const active = vscode.window.tabGroups.activeTabGroup.activeTab;
      const placeholder = active?.input instanceof vscode.TabInputText && same(active.input.uri) && !vscode.window.visibleTextEditors.some((e) => same(e.document.uri));
      const column = active?.group.viewColumn;
      await vscode.commands.executeCommand('vscode.openWith', target, COCO_EDITOR_VIEW_TYPE);
      if (!placeholder) return;
      const left = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputText && same(t.input.uri) && t.group.viewColumn === column);
      if (left) await vscode.window.tabGroups.close(left, true);
    }),
    ...registerLinks(),
    // Problems rows of a viewer-default file land in its text while the text is open (issue 8.3).
    registerProblemsToText(context),
    followTextCursor(),
    // Diff mode (issue 13): a comparison shows an image's old / new outlines in the open viewer of NEW.
    vscode.commands.registerCommand('labelscope.viewer.showDiff', async (uri: vscode.Uri, image: RevealTarget, changes: DiffChange[]) => {
      await vscode.commands.executeCommand('vscode.openWith', uri, COCO_EDITOR_VIEW_TYPE);
      const doc = openDocuments.get(uri.toString());
      let found = false;
      for (const s of doc?.sessions ?? []) found = (await s.showDiffAt(image, changes)) || found;
      if (!found) void vscode.window.showInformationMessage('Labelscope: that image is not in the file any more.');
    }),
    // Agreement A/B view (issue 13): B's viewer, with A and the conflicts of one image over it.
    vscode.commands.registerCommand('labelscope.viewer.showAgreement', async (uri: vscode.Uri, image: RevealTarget, layer: AgreementLayer) => {
      await vscode.commands.executeCommand('vscode.openWith', uri, COCO_EDITOR_VIEW_TYPE);
      const doc = openDocuments.get(uri.toString());
      let found = false;
      for (const s of doc?.sessions ?? []) found = (await s.showAgreementAt(image, layer)) || found;
      if (!found) void vscode.window.showInformationMessage('Labelscope: that image is not in the file any more.');
    }),
    // The Dataset Report's chart clicks (src/extension/health/reportPanel.ts): filter the open viewer's grid.
    vscode.commands.registerCommand('labelscope.viewer.filterGrid', async (uri: vscode.Uri, pick: ChartPick) => {
      const doc = openDocuments.get(uri.toString());
      // Not open yet: the panel being opened takes the filter once its session exists.
      if (!doc || doc.sessions.size === 0) pendingFilters.set(uri.toString(), pick);
      await vscode.commands.executeCommand('vscode.openWith', uri, COCO_EDITOR_VIEW_TYPE);
      if (doc && doc.sessions.size > 0) for (const s of doc.sessions) s.filterGrid(pick);
    }),
    // The evaluation report's class / confusion-cell clicks (src/extension/eval/evalPanel.ts): filter the GT file's viewer.
    evalEvents.filter.event(({ gt, message }) => showEvalFilter(gt, message.label, message.imageIds)),
    evalEvents.evaluated.event((gt) => { for (const s of openDocuments.get(gt.toString())?.sessions ?? []) s.evaluationChanged(); }),
    vscode.commands.registerCommand('labelscope.openAsText', (uri?: unknown) => reopenAsText(targetCocoUri(uri))),
  );
}

/** The check service's state as the viewer shows it. */
function checkViewState(state: CheckState | undefined): CheckViewState | undefined {
  if (!state) return undefined;
  if (state.kind === 'running') return { kind: 'running', phase: state.phase, fraction: state.fraction };
  if (state.kind === 'failed') return { kind: 'failed', message: state.message };
  return { kind: state.kind };
}

export const SAVE_AND_REOPEN = 'Save and Reopen as Text';

/**
 * `Reopen as Text`: the JSON text takes the viewer's place (same group, same position), as
 * VS Code's "Reopen Editor With…" does, instead of a second tab with the same title. Unsaved
 * viewer edits are saved first, or nothing happens.
 */
async function reopenAsText(target: vscode.Uri | undefined): Promise<void> {
  if (!target) return;
  const isViewerOf = (t: vscode.Tab) => t.input instanceof vscode.TabInputCustom && t.input.uri.toString() === target.toString()
    && (t.input.viewType === COCO_EDITOR_VIEW_TYPE || t.input.viewType === COCO_EDITOR_ANY_JSON_VIEW_TYPE);
  const active = vscode.window.tabGroups.activeTabGroup;
  const tab = (active.activeTab && isViewerOf(active.activeTab) ? active.activeTab : undefined)
    ?? vscode.window.tabGroups.all.flatMap((g) => g.tabs).find(isViewerOf);
  if (tab?.isDirty) {
    const choice = await vscode.window.showWarningMessage(
      `${path.basename(target.fsPath)} has unsaved edits in the Labelscope viewer.`,
      { modal: true, detail: 'Save them before the JSON text replaces the viewer (the text shows the file on disk).' },
      SAVE_AND_REOPEN,
    );
    if (choice !== SAVE_AND_REOPEN) return;
    if (tab !== active.activeTab) await vscode.commands.executeCommand('vscode.openWith', target, (tab.input as vscode.TabInputCustom).viewType, tab.group.viewColumn);
    await vscode.commands.executeCommand('workbench.action.files.save');
  }
  if (tab && tab === vscode.window.tabGroups.activeTabGroup.activeTab) {
    // VS Code's own in-place replacement of the active editor.
    await vscode.commands.executeCommand('workbench.action.reopenTextEditor');
    return;
  }
  await vscode.commands.executeCommand('vscode.openWith', target, 'default', tab?.group.viewColumn);
  if (tab) await vscode.window.tabGroups.close(tab, true);
}

/** Filters the grid of `uri`'s viewers to the images an evaluation report picked (opening the viewer if needed). */
export async function showEvalFilter(uri: vscode.Uri, label: string, imageIds: Id[]): Promise<void> {
  const doc = openDocuments.get(uri.toString());
  if (!doc || doc.sessions.size === 0) pendingEvalFilters.set(uri.toString(), { label, imageIds });
  await vscode.commands.executeCommand('vscode.openWith', uri, COCO_EDITOR_VIEW_TYPE);
  if (doc && doc.sessions.size > 0) for (const s of doc.sessions) s.evalFilter(label, imageIds);
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
    // A move within the debounce replaces the one before: both settle with the last one's answer.
    if (cursorFollowed.started) cursorFollowed = pendingFollow();
    const mine = cursorFollowed;
    timer = setTimeout(async () => {
      mine.started = true;
      let index: number | undefined;
      try {
        const model = await doc.model;
        const base = model.base;
        index = entryIndexAt(base.annotationEntries, base.lines.offsetAt(active.line, active.character));
        if (index === undefined) return;
        const value = base.annotationEntries[index].value as { id?: unknown } | undefined;
        const id = typeof value?.id === 'number' || typeof value?.id === 'string' ? value.id : undefined;
        for (const s of doc.sessions) await s.revealTarget({ jsonPath: `$.annotations[${index}]`, annotationId: id });
      } finally {
        mine.settle(index);
      }
    }, 120);
  });
  return new vscode.Disposable(() => { if (timer) clearTimeout(timer); cursorFollowed.settle(undefined); sub.dispose(); });
}

/** One text-cursor move being followed; `started` once its debounce ran out (a later move then gets its own). */
interface PendingFollow { readonly promise: Promise<number | undefined>; started: boolean; settle(index: number | undefined): void }

function pendingFollow(): PendingFollow {
  let resolve!: (index: number | undefined) => void;
  const promise = new Promise<number | undefined>((r) => { resolve = r; });
  const follow: PendingFollow = { promise, started: false, settle(index) { follow.started = true; resolve(index); } };
  return follow;
}

/** The text cursor's latest move (settled at start: nothing to follow yet). */
let cursorFollowed = pendingFollow();
cursorFollowed.settle(undefined);

/**
 * Settles when the viewer has followed the text cursor's latest move (after the debounce), with
 * the index of the annotation it selected, or undefined when the cursor was in none: what a
 * test waits on instead of sleeping past the debounce.
 */
export function textCursorFollowed(): Promise<number | undefined> {
  return cursorFollowed.promise;
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

/**
 * Check problems fixed in a viewer's document, by the outcome they belong to (its problem store)
 * and their key in it: a new check's outcome starts with none (its problems are the fixed file's).
 */
export class FixedProblems {
  private readonly byOutcome = new WeakMap<object, Set<number>>();

  add(p: { outcome: object; key: number } | undefined): void {
    if (!p) return;
    let keys = this.byOutcome.get(p.outcome);
    if (!keys) this.byOutcome.set(p.outcome, (keys = new Set()));
    keys.add(p.key);
  }

  delete(p: { outcome: object; key: number } | undefined): void {
    if (p) this.byOutcome.get(p.outcome)?.delete(p.key);
  }

  has(outcome: object | undefined, key: number): boolean {
    return !!outcome && (this.byOutcome.get(outcome)?.has(key) ?? false);
  }
}

/**
 * A big file viewed from disk is read back (and checked against its fingerprint) before its first
 * edit, fix or save: seconds on a 455 MB file, shown in the status bar so the edit does not seem
 * lost meanwhile. Nothing shown when the bytes are in memory already.
 */
function readBack(document: { uri: vscode.Uri }, model: CocoEditorModel): Promise<string | undefined> {
  if (model.holdsBytes) return model.ensureBytes();
  return Promise.resolve(vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `Reading ${path.basename(document.uri.fsPath)} from disk before the change…` },
    () => model.ensureBytes(),
  ));
}
