/**
 * The editor's document model, free of `vscode` (tested in plain mocha): one object per open
 * file that puts the editor's parts together, each in its own module:
 * - `annotationState`: the parsed base (the bytes as read) plus per-annotation overrides and
 *   the annotations created here; `version` moves with every change;
 * - `documentBytes`: the overrides as minimal byte edits, the bytes to save, fingerprints;
 * - `editStack`: the applied edits with a save point and a generation;
 * - `savedFile`: the file on disk as this model knows it ("Show in JSON", what a backup undoes);
 * - `editOps`: the viewer's operations (and a check's fix) validated into edits;
 * - `backup`: edit-list backups and their replay;
 * - `gridIndex`, `problemIndex`, `recheck`, `viewerPayloads`: what the webview asks for.
 */
import type { CocoDocument } from '../core/coco/document';
import { byteLengthOf, holdsBytes, LazyCocoDocument, parseLazy } from './lazyDocument';
import { OutsideChangeError, type ByteSource } from './byteSource';
import type { Fingerprint } from '../core/edits/fingerprint';
import type { ByteEdit } from '../core/problems';
import type { OutcomeProblem } from '../node/checkWorkerProtocol';
import type { EditOp, GridCell, GridQuery, Id, ImageInfo, ImagePayload, InitPayload, ProblemsPayload, CategoryInfo } from '../shared/protocol';
import { AnnotationState } from './annotationState';
import { bytesAsLoaded, replayedEdit, serializeEdits, type EditBackup, type SerializedEdit } from './backup';
import { fingerprintOf, invertEdits, knownFingerprint, overrideByteEdits, parseDocument, pendingBytes, type LoadOptions } from './documentBytes';
import { prepareBaseEdit, prepareEdit, STALE_FIX } from './editOps';
import { EditStack } from './editStack';
import type { AnnotationEdit, BaseEdit, BaseSource, CreateEdit, ImageSource, ModelEdit } from './editTypes';
import { GridIndex } from './gridIndex';
import { imageIndexOfProblem, problemList, problemListInSlices, problemsPayload, type Hide, type ProblemList } from './problemIndex';
import { problemStore, type ProblemStore } from '../core/report/problemTable';
import { NO_PROBLEMS, type ProblemRows } from './gridIndex';
import { FULL_RECHECK_MAX_BYTES, recheckInProcess, recheckInput, recheckResult, type RecheckInput, type RecheckResult, type RecheckedProblem } from './recheck';
import { SavedFile, type JsonRange } from './savedFile';
import { categories, imageInfo, imagePayload, initPayload } from './viewerPayloads';
import { withGridShapes } from './gridShapes';

export type { AnnOverride, AnnotationEdit, BaseEdit, BaseSource, CreateEdit, ImageSource, ModelEdit } from './editTypes';
export { isEditBackup, type EditBackup, type SerializedEdit } from './backup';
export { fingerprintOf, invertEdits, parseDocument, type LoadOptions } from './documentBytes';
export { parseLazyAsync } from './lazyDocument';
export { STALE_FIX } from './editOps';
export { FULL_RECHECK_MAX_BYTES, type RecheckInput, type RecheckResult, type RecheckedProblem } from './recheck';
export { NOT_ON_DISK } from './savedFile';
export { OutsideChangeError, RESIDENT_MAX_BYTES, type ByteSource } from './byteSource';

export class CocoEditorModel {
  private readonly state: AnnotationState;
  private readonly stack = new EditStack<ModelEdit>();
  private readonly disk: SavedFile;
  private readonly grid: GridIndex;
  /** Where the base came from (a reload from the open JSON text makes it 'text'). */
  baseSource: BaseSource = 'disk';
  /** How the load parsed (the extension host's: a big file on the columns worker); a fix's new base is parsed the same way. */
  private parse?: LoadOptions['parse'];

  constructor(base: CocoDocument, readonly fileName: string) {
    this.state = new AnnotationState(base);
    this.grid = new GridIndex(this.state);
    this.disk = new SavedFile(knownFingerprint(base));
  }

  static async load(bytes: Uint8Array, fileName: string, opts: LoadOptions = {}): Promise<CocoEditorModel> {
    const doc = await parseDocument(bytes, fileName, opts);
    const model = new CocoEditorModel(doc, fileName);
    model.parse = opts.parse;
    return model;
  }

  static fromBytes(bytes: Uint8Array, fileName: string): CocoEditorModel {
    return new CocoEditorModel(parseLazy(bytes, { path: fileName }), fileName);
  }

  /** The parsed bytes as loaded (or as the last fix of the stack left them). */
  get base(): CocoDocument { return this.state.base; }
  get generation(): number { return this.stack.generation; }
  get baseFingerprint(): Fingerprint { return fingerprintOf(this.state.base); }

  /** The file on disk as this model last read or wrote it (or the JSON text it reloaded from). */
  get lastKnownDisk(): Fingerprint { return this.disk.diskFingerprint ?? this.baseFingerprint; }

  /** Unsaved edits: the edit stack is not where it was at the last save (or load). */
  get isDirty(): boolean { return this.stack.isDirty; }

  /** The applied edits, oldest first (for backups). */
  get edits(): readonly ModelEdit[] { return this.stack.edits; }

  /** Whether `edit` belongs to the current generation's stack (undo/redo of older ones do nothing). */
  owns(edit: ModelEdit): boolean { return this.stack.owns(edit); }

  get version(): number { return this.state.version; }
  get imageCount(): number { return this.state.imageCount; }
  get isDirtyVsBase(): boolean { return this.state.isDirtyVsBase; }

  /**
   * The file changed elsewhere (disk, or the JSON text) and is taken as the new base: no
   * overrides, no edit stack, not dirty; earlier edits can no longer be undone here (they
   * would land on other annotations).
   */
  reload(doc: CocoDocument, source: BaseSource = 'disk'): void {
    this.setBase(doc);
    this.disk.chain = [];
    this.disk.loadedFingerprint = this.disk.diskFingerprint = fingerprintOf(doc);
    this.stack.startGeneration();
    this.baseSource = source;
  }

  /** After revert: the file as on disk, no overrides, nothing to undo here. */
  reset(base: CocoDocument): void { this.reload(base, 'disk'); }

  // -------------------------------------------------------------------------
  // Where the bytes are

  /** The length of the base's bytes (kept in memory or not). */
  get size(): number { return byteLengthOf(this.state.base); }

  /** Whether the base's bytes are in memory (false: a big file viewed, read from disk on demand). */
  get holdsBytes(): boolean { return holdsBytes(this.state.base); }

  /**
   * While the file is only viewed, the base lets its bytes go and reads what it shows from
   * `source` (the file on disk, checked to be the bytes as loaded). Only a base as loaded, with
   * nothing edited on it: false (and nothing changes) otherwise.
   */
  releaseBytes(source: ByteSource): boolean {
    const base = this.state.base;
    if (!(base instanceof LazyCocoDocument) || this.stack.edits.length > 0 || this.state.isDirtyVsBase) return false;
    if (source.fingerprint !== this.baseFingerprint || source.length !== base.byteLength) return false;
    base.releaseBytes(source);
    return true;
  }

  /**
   * The base's bytes in memory again before anything needs them whole (an edit, a fix, a save):
   * the file read back and checked against the fingerprint of the bytes as loaded. A string says
   * why not: the file changed on disk (the viewer then reloads it; nothing is applied at offsets
   * of other bytes).
   */
  async ensureBytes(signal?: AbortSignal): Promise<string | undefined> {
    for (;;) {
      const base = this.state.base;
      if (!(base instanceof LazyCocoDocument) || base.holdsBytes) return undefined;
      try {
        await base.loadBytes(signal);
      } catch (e) {
        if (e instanceof OutsideChangeError) return e.message;
        throw e;
      }
      // Reloaded meanwhile: the new base's bytes then.
      if (this.state.base === base) return undefined;
    }
  }

  // -------------------------------------------------------------------------
  // Reading (for the webview)

  editedIndices(): number[] { return this.state.editedIndices(); }
  annotationIdAt(index: number): Id | undefined { return this.state.annotationIdAt(index); }
  annotationCount(): number { return this.state.annotationCount(); }
  categories(): CategoryInfo[] { return categories(this.state); }
  imageIdAt(index: number): Id | undefined { return this.state.imageIdAt(index); }
  imageIndexOfId(id: Id): number | undefined { return this.state.imageIndexOfId(id); }
  imageFileName(index: number): string | undefined { return this.state.imageFileName(index); }
  imageIndexOfAnnotation(annotationId: Id): number | undefined { return this.state.imageIndexOfAnnotation(annotationId); }
  init(imageIndex = 0, readonly = false): InitPayload { return initPayload(this.state, this.fileName, this.stack.generation, imageIndex, readonly); }
  imageInfo(index: number, source?: ImageSource): ImageInfo { return imageInfo(this.state, index, source); }
  imagePayload(index: number, source?: ImageSource): ImagePayload { return imagePayload(this.state, index, source); }

  /** The image a check problem belongs to: by annotation id, image id, else its JSON path. */
  imageIndexOfProblem(p: Pick<OutcomeProblem, 'annotationId' | 'imageId' | 'jsonPath'>): number { return imageIndexOfProblem(this.state, p); }

  /** The check's problems as the viewer lists them, as one payload (`hide`: keys of problems already fixed here). */
  problemsPayload(problems: ProblemStore<OutcomeProblem> | readonly OutcomeProblem[] | undefined, hide?: Hide): ProblemsPayload {
    return problemsPayload(this.state, problems && problemStore(problems), hide);
  }

  /** The viewer's problem list, compact (rows as keys into the check's problems, made into objects when sent). */
  problemList(problems: ProblemStore<OutcomeProblem> | readonly OutcomeProblem[] | undefined, hide?: Hide): ProblemList {
    return problemList(this.state, problems && problemStore(problems), hide);
  }

  /** `problemList` in slices between which the event loop runs (big files). */
  problemListInSlices(problems: ProblemStore<OutcomeProblem> | readonly OutcomeProblem[] | undefined, hide?: Hide, yieldNow?: () => Promise<void>, sliceMs?: number): Promise<ProblemList> {
    return problemListInSlices(this.state, problems && problemStore(problems), hide, yieldNow, sliceMs);
  }

  /** `problemsPayload` in slices (tests: the same as in one go; `sliceMs` 0 yields after every step). */
  async problemsPayloadInSlices(problems: ProblemStore<OutcomeProblem> | readonly OutcomeProblem[] | undefined, hide?: Hide, yieldNow?: () => Promise<void>, sliceMs?: number): Promise<ProblemsPayload> {
    return (await this.problemListInSlices(problems, hide, yieldNow, sliceMs)).payload();
  }

  /** Builds the base's lookups in slices (the first problem placement or image would build them in one go). */
  prepareLookups(yieldNow?: () => Promise<void>): Promise<void> { return this.state.prepareLookups(yieldNow); }

  /** Image indices matching a query, in display order. `problems`: the viewer's problem list. */
  queryGrid(q: GridQuery, problems: ProblemRows = NO_PROBLEMS): Uint32Array { return this.grid.queryGrid(q, problems); }
  gridCells(indices: readonly number[], problems: ProblemRows = NO_PROBLEMS): GridCell[] { return withGridShapes(this.state, this.grid.gridCells(indices, problems)); }

  /** The byte range of an annotation in the base (for "Show in JSON"). */
  annotationRange(annotationIndex: number): { start: number; end: number } | undefined {
    const e = this.state.base.annotationEntries[annotationIndex];
    return e ? { start: e.start, end: e.end } : undefined;
  }

  /** Where an annotation's text is in the file on disk (for "Show in JSON"); a string says why not. */
  jsonRange(annotationIndex: number): JsonRange | string { return this.disk.jsonRange(this.state, annotationIndex, this.fileName); }

  /** False for an annotation created in the viewer and not in the file on disk yet (not saved since). */
  isOnDisk(annotationIndex: number): boolean { return this.disk.isOnDisk(this.state, annotationIndex); }

  // -------------------------------------------------------------------------
  // Editing

  /** Validates an op and turns it into an edit (not yet applied); a string says why not. */
  prepare(op: EditOp): AnnotationEdit | CreateEdit | string { return prepareEdit(this.state, op); }

  /**
   * A quick fix's byte edits (ranges of the base bytes) as an edit of the base.
   * A string says why not (there are unsaved annotation edits: the ranges would be off).
   */
  async prepareByteEdits(label: string, edits: readonly ByteEdit[], from: Fingerprint | undefined): Promise<BaseEdit | string> {
    // A fix offered for other bytes is refused before the file is read back for it.
    if (!this.state.isDirtyVsBase && (from === undefined || from !== this.baseFingerprint)) return STALE_FIX;
    const unavailable = await this.ensureBytes();
    if (unavailable) return unavailable;
    return prepareBaseEdit(this.state, this.fileName, label, edits, from, this.parse);
  }

  apply(edit: ModelEdit): void {
    this.stack.push(edit);
    this.applyOnly(edit);
  }

  private applyOnly(edit: ModelEdit): void {
    if (edit.kind === 'base') this.setBase(edit.after);
    else if (edit.kind === 'create') this.state.create(edit.annotationIndex, edit.value);
    else this.state.set(edit.annotationIndex, edit.after);
  }

  undo(edit: ModelEdit): void {
    this.stack.remove(edit);
    if (edit.kind === 'base') this.setBase(edit.before);
    else if (edit.kind === 'create') this.state.uncreate(edit.annotationIndex);
    else this.state.set(edit.annotationIndex, edit.before);
  }

  private setBase(doc: CocoDocument): void {
    this.state.setBase(doc);
    this.disk.forgetSavedIndex();
  }

  // -------------------------------------------------------------------------
  // Bytes and saving

  /** The overrides as byte edits against the base bytes. */
  byteEdits(): ByteEdit[] { return overrideByteEdits(this.state); }

  /** The bytes to write: the base with only the edited values replaced. */
  bytes(): Uint8Array { return pendingBytes(this.state); }

  /**
   * `bytes` (this.bytes() now) were written to the file: from now on "Show in JSON" finds
   * annotations there. Without `bytes` (a file too big to show as text) only which ones are in it.
   */
  markSaved(bytes?: Uint8Array, diskFingerprint?: Fingerprint): void {
    // What turns the saved bytes back into the bytes as loaded (a backup after this save keeps only these):
    // undo the overrides, then each fix of the stack, newest first.
    const chain = [invertEdits(this.state.base.bytes, this.byteEdits())];
    const edits = this.stack.edits;
    for (let i = edits.length - 1; i >= 0; i--) {
      const e = edits[i];
      if (e.kind === 'base') chain.push(invertEdits(e.before.bytes, e.edits));
    }
    this.disk.chain = chain;
    if (diskFingerprint) this.disk.diskFingerprint = diskFingerprint;
    this.stack.markSaved();
    this.baseSource = 'disk';
    this.disk.indexSaved(this.state, bytes);
  }

  // -------------------------------------------------------------------------
  // Backups

  /** How many edits of the stack were saved (the save point, for a restored backup). */
  get savedCount(): number { return this.stack.savedCount; }

  /** What a hot-exit backup holds: the edit list and how to find its bytes again, never the file. */
  backup(): EditBackup {
    return {
      labelscopeBackup: 1,
      file: this.fileName,
      disk: this.disk.diskFingerprint ?? this.baseFingerprint,
      loaded: this.disk.loadedFingerprint ?? this.baseFingerprint,
      chain: this.disk.chain,
      savedCount: this.stack.savedCount,
      edits: this.serializeEdits(),
    };
  }

  /** The edit stack as a backup holds it (annotation overrides, created values, fix byte edits). */
  serializeEdits(): SerializedEdit[] { return serializeEdits(this.stack.edits); }

  /**
   * A model from a backup and the file as it is now. A string says why not: the file changed
   * since the backup (its fingerprint is not the one the backup was made against).
   */
  static async restore(backup: EditBackup, disk: Uint8Array, fileName: string, opts: LoadOptions = {}): Promise<CocoEditorModel | string> {
    const bytes = await bytesAsLoaded(backup, disk);
    if (typeof bytes === 'string') return bytes;
    const model = new CocoEditorModel(await parseDocument(bytes, fileName, opts), fileName);
    model.parse = opts.parse;
    model.disk.loadedFingerprint = backup.loaded;
    const applied = model.replay(backup.edits);
    if (typeof applied === 'string') return applied;
    // Its first `n` edits are what the file on disk holds.
    const n = Math.min(backup.savedCount, applied.length);
    model.stack.markSavedAt(n);
    model.disk.chain = backup.chain;
    model.disk.diskFingerprint = backup.disk;
    if (n > 0) model.disk.indexSaved(model.state);
    return model;
  }

  /**
   * Replays a backup's edits on this (freshly read) base, in order. Returns the edits applied,
   * or a string saying why not (nothing is applied then).
   */
  replay(edits: readonly SerializedEdit[]): ModelEdit[] | string {
    const applied: ModelEdit[] = [];
    const undoAll = () => { for (const e of applied.reverse()) this.undo(e); };
    for (const s of edits) {
      const e = replayedEdit(this.state, this.fileName, s);
      if (!e) { undoAll(); return `The backed-up edit "${s.label}" does not fit the file any more.`; }
      this.apply(e);
      applied.push(e);
    }
    return applied;
  }

  // -------------------------------------------------------------------------
  // Re-check of edited annotations

  /**
   * The per-annotation rules over the edited state, for the annotations at `indices`.
   * Files up to `fullMaxBytes`: the pending bytes are re-parsed and checked (lines are
   * the pending text's). Bigger files: a small document of just those annotations, their
   * images and the categories is checked (lines: where the annotation starts in the file).
   */
  recheck(indices: readonly number[], fullMaxBytes = FULL_RECHECK_MAX_BYTES): RecheckResult[] {
    const input = this.recheckInput(indices, fullMaxBytes);
    return input ? this.recheckInProcess(input) : [];
  }

  /** The re-check on this thread (tests; the host sends `input` to the check worker instead). */
  recheckInProcess(input: RecheckInput): RecheckResult[] { return recheckInProcess(this.state, input, this.fileName); }

  /** What the re-check of the edited annotations checks (undefined: nothing to check). */
  recheckInput(indices: readonly number[], fullMaxBytes = FULL_RECHECK_MAX_BYTES): RecheckInput | undefined {
    return recheckInput(this.state, this.stack.generation, indices, fullMaxBytes);
  }

  /** The checked problems of `input` by edited annotation (lines in the file for a small document). */
  recheckResult(input: RecheckInput, problems: readonly RecheckedProblem[]): RecheckResult[] { return recheckResult(this.state, input, problems); }
}
