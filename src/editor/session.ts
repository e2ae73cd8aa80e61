/**
 * One open editor panel: serves the webview's requests from the model. Free of
 * `vscode`: the provider passes `post`, the image source, `onEdit` (which
 * fires onDidChangeCustomDocument) and the links to the check (problems, fixes,
 * the JSON text), so this runs the same in tests.
 */
import { problemStore, type ProblemStore } from '../core/report/problemTable';
import type { OutcomeProblem, PositionedFix } from '../node/checkWorkerProtocol';
import { hostChannel, type EditOp, type Envelope, type DiffChange, type GridQuery, type HostNotifications, type HostChannel, type Id, type ImagePayload, type ProblemInfo, type CheckViewState } from '../shared/protocol';
import { NOT_ON_DISK, type CocoEditorModel, type ImageSource, type ModelEdit, type RecheckInput, type RecheckResult, type RecheckedProblem } from './editorModel';
import { LOCAL_KEY, ProblemList } from './problemIndex';
import { yieldToEventLoop } from './slices';
import type { ChartPick } from '../core/metrics/stats/charts';
import type { AgreementLayer } from '../shared/evalLayerProtocol';
import { AREA_BINS, ASPECT_BINS } from '../core/metrics/stats/histogram';

/** An edit from a view of the file as it was before a reload. */
export const STALE_VIEW = 'The file changed (on disk or in the JSON text) and the viewer shows it again: nothing was changed. Try again.';

/** Where to go when the panel opens or is revealed: an annotation, else an image. */
export interface RevealTarget {
  annotationId?: Id;
  imageId?: Id;
  jsonPath?: string;
  /** The problem itself (rule + 1-based line): selected in the side panel, also when tied to no image. */
  problem?: { rule: string; line: number };
}

export interface SessionOptions {
  post(msg: Envelope): void;
  source: ImageSource;
  /** Resolves when the model is loaded; rejects with the load error. */
  model: Promise<CocoEditorModel>;
  /** An edit was applied to the model (make it undoable, mark dirty). */
  onEdit(edit: ModelEdit): void;
  readonly?: boolean;
  /** Image to show first when the webview has no state (e.g. from a reveal). */
  initialImage?: number;
  /** Go here once the webview is up (labelscope.revealInViewer). */
  initialReveal?: RevealTarget;
  /** The latest check outcome's problems for this file (undefined: not checked); the host's is a ProblemTable of columns. */
  problems?(): ProblemStore<OutcomeProblem> | readonly OutcomeProblem[] | undefined;
  /** Problems fixed in this document since that outcome, by key (their index in it): hidden from the list. */
  isFixed?(key: number): boolean;
  /** Apply a problem's fix (text document open: WorkspaceEdit; else byte edits on the model); `key`: its index in the outcome. */
  applyFix?(p: OutcomeProblem, model: CocoEditorModel, fix?: PositionedFix, key?: number): Promise<{ ok: boolean; message?: string }>;
  /** Open the JSON text at an annotation. */
  showInJson?(annotationIndex: number, model: CocoEditorModel): Promise<{ ok: boolean; message?: string }>;
  /**
   * What the webview loads for an image file (host: the file itself, or a PNG converted
   * with sharp for TIFF / 16-bit / CMYK / huge files, see node/displayImage). Rejects with
   * the reason when the file can't be shown. Absent: `source.toSrc` of the file.
   */
  displayImage?(path: string): Promise<{ src: string; width: number; height: number; converted?: string }>;
  /** Thumbnails of image files (host: sharp + disk cache). */
  thumbnail?(path: string): Promise<string | undefined>;
  /**
   * Reads a big file viewed from disk back into memory before its first edit (host: with a
   * progress in the status bar, since a 455 MB file takes seconds). Absent: model.ensureBytes().
   */
  readBack?(model: CocoEditorModel): Promise<string | undefined>;
  /** Re-check edited annotations after this many ms of quiet (0: at once; default 60). */
  recheckDelayMs?: number;
  /** Files above this many bytes re-check only the edited annotations (default 50 MB). */
  recheckFullMaxBytes?: number;
  /**
   * Check the re-check's bytes off this thread (host: the check worker, with the per-annotation
   * rules). Absent: in-process (tests, and a fallback when no worker is available).
   */
  recheckInWorker?(input: RecheckInput, signal: AbortSignal): Promise<readonly RecheckedProblem[]>;
  /**
   * The TP / FP / FN of an image from the latest evaluation of this file (host: overlayFor of
   * src/extension/eval/evalPanel.ts); undefined when the file was not evaluated.
   */
  evalOverlay?(imageId: Id): Omit<HostNotifications['evalOverlay'], 'imageIndex'> | undefined;
  /** Ids of the images with a false positive or negative at IoU threshold index t and score ≥ minScore (host: errorImagesFor); undefined when not evaluated. */
  evalErrorImages?(t: number, minScore: number): ReadonlySet<Id> | undefined;
  /** The toolbar's "Evaluate Predictions…" (host: labelscope.evaluatePredictions on this file). */
  evaluatePredictions?(): void;
  /**
   * A last step for an image's payload before it is sent (host: a panoptic file's records become
   * one RLE mask per segment, read from their PNGs; see node/panopticSegments).
   */
  augmentImage?(payload: ImagePayload, model: CocoEditorModel): Promise<ImagePayload>;
  /** Why the viewer may not edit this file (host: panoptic segments come from PNGs); undefined: it may. */
  editRefusal?(model: CocoEditorModel): string | undefined;
  /**
   * Resolves when what the last edit changed is everywhere it must be (host: mirrored into the
   * open JSON text): edits, fixes and "Show in JSON" wait for it, so no action runs on a stale view.
   */
  beforeAction?(): Promise<void>;
  /** A first look while the model loads (big files). */
  preview?: Promise<import('../shared/protocol').PreviewPayload | undefined>;
  /** Where the file's check stands now (sent when the webview is up; later changes via checkStateChanged). */
  checkState?(): CheckViewState | undefined;
  /** Problems per message to the webview (default EditorSession.PROBLEMS_PAGE). */
  problemsPageSize?: number;
  /** The viewer's Cancel / Check Now on the file's check. */
  cancelCheck?(): void;
  checkNow?(): void;
}

export class EditorSession {
  readonly channel: HostChannel;
  private model?: CocoEditorModel;
  private disposed = false;
  private started = false;
  /** The list the webview has (or is being sent): compact rows, made into ProblemInfo objects a page at a time. */
  private lastProblems: ProblemList = ProblemList.EMPTY;
  /** Problems of annotations edited in the viewer, from the re-check of the edited state (replace the check's). */
  private local?: { version: number; ids: Set<string>; problems: ProblemInfo[] };
  private recheckTimer?: ReturnType<typeof setTimeout>;
  /** Resolves after the next re-check (tests). */
  lastRecheck: Promise<void> = Promise.resolve();
  /** Milliseconds the latest re-check took. */
  recheckMs = 0;

  constructor(private readonly o: SessionOptions) {
    this.channel = hostChannel(o.post);
    this.channel.handle('getImage', async ({ index }) => {
      const model = await this.ready();
      const payload = await this.forDisplay(model.imagePayload(index, o.source));
      return o.augmentImage ? o.augmentImage(payload, model) : payload;
    });
    this.channel.handle('edit', async ({ generation, ...op }) => this.edit(op as EditOp, generation));
    this.channel.handle('applyFix', async ({ key, generation, fixId }) => {
      const model = await this.ready();
      await o.beforeAction?.();
      if (o.readonly) return { ok: false, message: 'This workspace is not trusted: the file is read-only.' };
      if (generation !== undefined && generation !== model.generation) return { ok: false, message: STALE_VIEW };
      const problems = o.problems?.();
      const p = problems ? problemStore(problems).get(key) : undefined;
      const fix = fixId === undefined ? p?.fix : p?.moreFixes?.find((f) => (f.id ?? f.title) === fixId);
      if (!p || !fix) return { ok: false, message: 'This problem has no fix (or the check changed): check again.' };
      if (!o.applyFix) return { ok: false, message: 'Fixes are not available here.' };
      return fixId === undefined ? o.applyFix(p, model, undefined, key) : o.applyFix(p, model, fix, key);
    });
    this.channel.handle('showInJson', async ({ annotationIndex }) => {
      const model = await this.ready();
      await o.beforeAction?.();
      if (!o.showInJson) return { ok: false, message: 'Not available here.' };
      // Drawn here and not saved yet: say so rather than open the text at nothing.
      if (!model.isOnDisk(annotationIndex)) return { ok: false, message: NOT_ON_DISK };
      return o.showInJson(annotationIndex, model);
    });
    this.channel.handle('queryGrid', async (q) => {
      const model = await this.ready();
      const indices = model.queryGrid(q, this.lastProblems);
      return { indices, total: model.imageCount };
    });
    this.channel.handle('nextEvalErrorImage', async ({ fromIndex, direction, t, minScore, among }) => {
      const model = await this.ready();
      const withErrors = o.evalErrorImages?.(t, minScore);
      if (!withErrors?.size) return { imageIndex: null };
      const order = among ?? { length: model.imageCount, indexOf: (i: number) => i };
      const at = (k: number) => (among ? among[k] : k);
      let k = order.indexOf(fromIndex);
      if (k < 0) k = direction === 1 ? -1 : order.length;
      for (k += direction; k >= 0 && k < order.length; k += direction) {
        const id = model.imageIdAt(at(k));
        if (id !== undefined && withErrors.has(id)) return { imageIndex: at(k) };
      }
      return { imageIndex: null };
    });
    this.channel.handle('gridCells', async ({ indices }) => (await this.ready()).gridCells(indices, this.lastProblems));
    this.channel.handle('thumbnails', async ({ indices }) => {
      const model = await this.ready();
      return Promise.all(indices.map(async (i) => {
        const info = model.imageInfo(i);
        const found = info.fileName ? o.source.find(info.fileName) : { tried: [] };
        if (!found.path) return null;
        if (!o.thumbnail) return o.source.toSrc(found.path);
        try { return (await o.thumbnail(found.path)) ?? null; } catch { return null; }
      }));
    });
    this.channel.on('ready', () => { void this.start(); });
    this.channel.on('imageShown', ({ imageIndex }) => {
      this.shownImage = imageIndex;
      this.sendEvalOverlay(imageIndex);
      if (this.unconfirmed?.imageIndex === imageIndex && this.unconfirmed.annotationId === undefined) this.unconfirmed = undefined;
    });
    this.channel.on('selected', ({ annotationId }) => {
      if (this.unconfirmed?.annotationId !== undefined && annotationId === this.unconfirmed.annotationId) this.unconfirmed = undefined;
    });
    this.channel.on('evaluatePredictions', () => { this.o.evaluatePredictions?.(); });
    this.channel.on('cancelCheck', () => { this.o.cancelCheck?.(); });
    this.channel.on('checkNow', () => { this.o.checkNow?.(); });
    // A big file's first look goes out as soon as it is found, before the webview says ready:
    // VS Code holds a webview's messages until its page has loaded, and the round trip of
    // 'ready' through a host busy reading the file came on top (issue 8.6). start() sends it
    // again for a page that was not there yet (the webview takes one preview).
    void o.preview?.then((p) => { if (p && !this.disposed && !this.started) this.channel.notify('preview', p); }, () => {});
  }

  /** The file's check moved on: the viewer shows its progress (or Check Now after a cancel). */
  checkStateChanged(state: CheckViewState): void {
    if (this.started && !this.disposed) this.channel.notify('checkState', state);
  }

  /** Selects a problem in the side panel by rule and line (problems tied to no image too); false when it is not listed. */
  private revealProblem(problem: { rule: string; line: number }): boolean {
    const row = this.lastProblems.find(problem.rule, problem.line);
    if (row < 0 || this.disposed) return false;
    this.channel.notify('revealProblem', { key: this.lastProblems.key(row) });
    return true;
  }

  private shownImage?: number;
  /**
   * A reveal the webview has not shown yet: a hidden viewer's webview is recreated when its tab
   * comes forward (no retainContextWhenHidden), and a reveal sent just before is lost with the old one.
   */
  private unconfirmed?: { imageIndex: number; annotationId?: Id; problem?: { rule: string; line: number } };

  /** A new evaluation of this file: the shown image's overlay now, not at the next image change. */
  evaluationChanged(): void {
    if (this.shownImage !== undefined) this.sendEvalOverlay(this.shownImage);
  }

  /** The shown image's evaluation overlay, when this file has been evaluated. */
  private sendEvalOverlay(imageIndex: number): void {
    const id = this.model?.imageIdAt(imageIndex);
    const overlay = id === undefined || this.disposed ? undefined : this.o.evalOverlay?.(id);
    if (overlay) this.channel.notify('evalOverlay', { imageIndex, iou: overlay.iou, items: overlay.items, ...(overlay.layer ? { layer: overlay.layer } : {}) });
  }

  /** The image as the webview can show it: converted when needed, with the file's pixel size. */
  private async forDisplay(payload: ImagePayload): Promise<ImagePayload> {
    const info = payload.image;
    if (!this.o.displayImage || !info.src || !info.fileName) return payload;
    const file = this.o.source.find(info.fileName).path;
    if (!file) return payload;
    try {
      const d = await this.o.displayImage(file);
      info.src = d.src;
      if (d.width && d.height) { info.pixelWidth = d.width; info.pixelHeight = d.height; }
      if (d.converted) info.converted = d.converted;
    } catch (e) {
      delete info.src;
      info.tried = [file];
      info.displayError = e instanceof Error ? e.message : String(e);
    }
    return payload;
  }

  private async ready(): Promise<CocoEditorModel> {
    this.model ??= await this.o.model;
    return this.model;
  }

  private async start(): Promise<void> {
    if (this.o.preview && !this.model) {
      void this.o.preview.then((p) => { if (p && !this.disposed && !this.started) this.channel.notify('preview', p); }, () => {});
    }
    try {
      const model = await this.ready();
      // A big file: its lookups (by id, by image, the category counts) built in slices before the
      // viewer shows it, not in one go by the first image, count or problem placement.
      if (model.annotationCount() > EditorSession.PLACE_AT_ONCE) await model.prepareLookups();
      if (this.disposed) return;
      this.started = true;
      const reveal = this.o.initialReveal;
      const revealIndex = reveal ? this.targetIndex(model, reveal) : undefined;
      this.channel.notify('init', model.init(revealIndex ?? this.o.initialImage ?? 0, this.o.readonly));
      this.problemsChanged();
      const check = this.o.checkState?.();
      if (check) this.channel.notify('checkState', check);
      if (reveal && revealIndex !== undefined) this.channel.notify('reveal', { imageIndex: revealIndex, ...(reveal.annotationId !== undefined ? { annotationId: reveal.annotationId } : {}) });
      if (reveal?.problem || this.unconfirmed?.problem) await this.problemsSent;
      if (this.disposed) return;
      if (reveal?.problem) this.revealProblem(reveal.problem);
      const again = this.unconfirmed;
      if (again && !reveal) {
        this.channel.notify('reveal', { imageIndex: again.imageIndex, ...(again.annotationId !== undefined ? { annotationId: again.annotationId } : {}) });
        if (again.problem) this.revealProblem(again.problem);
      }
      if (this.pendingFilter) { this.channel.notify('filterGrid', this.pendingFilter); this.pendingFilter = undefined; }
    } catch (e) {
      if (!this.disposed) this.channel.notify('loadError', { message: e instanceof Error ? e.message : String(e) });
    }
  }

  private targetIndex(model: CocoEditorModel, t: RevealTarget): number | undefined {
    const i = model.imageIndexOfProblem({ annotationId: t.annotationId, imageId: t.imageId, jsonPath: t.jsonPath ?? '' });
    return i >= 0 ? i : undefined;
  }

  /** The model was reloaded (the file changed elsewhere): the webview starts over on the new data. */
  reloaded(): void {
    const m = this.model;
    if (!m || this.disposed || !this.started) return;
    this.local = undefined;
    const send = () => {
      if (this.disposed || this.model !== m) return;
      this.channel.notify('init', m.init(0, this.o.readonly));
      this.problemsChanged();
    };
    // A big file: the new base's lookups in slices first (init's counts and the first image read them).
    if (m.annotationCount() > EditorSession.PLACE_AT_ONCE) void m.prepareLookups().then(send, send);
    else send();
  }

  progress(fraction: number, message: string): void {
    if (!this.disposed) this.channel.notify('progress', { fraction, message });
  }

  /** The check outcome changed (or a fix was applied / undone here): re-send the problem list. */
  problemsChanged(): void {
    const m = this.model;
    if (!m || this.disposed || !this.started) return;
    const given = this.o.problems?.();
    const outcome = given && problemStore(given);
    const local = this.local;
    const idKey = (id: Id) => `${typeof id}:${String(id)}`;
    // Hidden: fixed here since the check, or of an annotation edited here (the re-check's problems replace its).
    const edited = (k: number) => {
      if (!local || !outcome) return false;
      const id = outcome.annotationId(k);
      return id !== undefined && local.ids.has(idKey(id));
    };
    const hide = (k: number) => (this.o.isFixed?.(k) ?? false) || edited(k);
    const run = ++this.problemsRun;
    if ((outcome?.length ?? 0) + m.annotationCount() <= EditorSession.PLACE_AT_ONCE) {
      this.problemsSent = this.sendProblems(m.problemList(outcome, hide), local, run);
      return;
    }
    // A big file: placed in slices (the host's thread never held long); a newer call supersedes this one.
    this.problemsSent = m.problemListInSlices(outcome, hide).then((list) => {
      if (run === this.problemsRun && !this.disposed && this.model === m) return this.sendProblems(list, local, run);
      return undefined;
    }, () => undefined);
  }

  /** Problems plus annotations up to which the list is placed in one go (else in slices). */
  static readonly PLACE_AT_ONCE = 20_000;
  private problemsRun = 0;
  /** Resolves when the latest problemsChanged's list is sent (tests, bench). */
  problemsSent: Promise<void> = Promise.resolve();

  /**
   * Sets the list and sends it: in one message, or past `problemsPageSize` in pages, one per
   * event-loop turn (serializing 124k problems at once holds the host's thread ~100 ms); the
   * webview shows the list when its last page is in. A newer list stops the pages of this one.
   */
  private async sendProblems(placed: ProblemList, local: EditorSession['local'], run: number): Promise<void> {
    const list = local ? placed.withLocal(local.problems) : placed;
    this.lastProblems = list;
    const page = Math.max(1, this.o.problemsPageSize ?? EditorSession.PROBLEMS_PAGE);
    const head = { source: list.source, fileLevel: list.fileLevel };
    if (list.length <= page) { this.channel.notify('problems', { ...head, problems: list.page(0, list.length) }); return; }
    for (let from = 0; from < list.length; from += page) {
      if (from > 0) await yieldToEventLoop();
      if (run !== this.problemsRun || this.disposed) return;
      const more = from + page < list.length;
      // Each page's objects are made now, from the columns, and are garbage once it is sent.
      this.channel.notify('problems', { ...head, problems: list.page(from, from + page), ...(from > 0 ? { append: true } : {}), ...(more ? { more: true } : {}) });
    }
  }

  /** Problems per message to the webview (~3 ms to serialize). */
  static readonly PROBLEMS_PAGE = 5000;

  /** The list the webview has, as objects (tests). */
  get problems(): readonly ProblemInfo[] { return this.lastProblems.page(0, this.lastProblems.length); }

  /** The model changed (edit here or in another panel, undo, redo, revert). */
  changed(): void {
    const m = this.model;
    if (!m || this.disposed) return;
    this.channel.notify('changed', { version: m.version, annotationCount: m.annotationCount(), categories: m.categories() });
    this.scheduleRecheck();
  }

  /** The image folder changed (imageRoot): the webview asks for the shown image and thumbnails again; the data did not change. */
  imageSourceChanged(): void {
    const m = this.model;
    if (!m || this.disposed || !this.started) return;
    this.channel.notify('changed', { version: m.version, annotationCount: m.annotationCount(), categories: m.categories() });
  }

  /** Local problem keys start here (the check outcome's keys are positions in its list). */
  static readonly LOCAL_KEY = LOCAL_KEY;

  /** Re-run the per-annotation rules on the edited annotations (after edit / undo / redo / revert). */
  private scheduleRecheck(): void {
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    let done!: () => void;
    this.lastRecheck = new Promise((r) => { done = r; });
    this.recheckTimer = setTimeout(() => {
      this.recheckTimer = undefined;
      void this.recheckNow().finally(done);
    }, this.o.recheckDelayMs ?? 60);
  }

  private recheckAbort?: AbortController;

  /**
   * The re-check itself: the input (the edited bytes, or a small document for big files) is made
   * here, once per burst of edits; the parse and the rules run in the check worker. A result for
   * an older model version is dropped (a newer re-check is on its way).
   */
  async recheckNow(): Promise<void> {
    const m = this.model;
    if (!m || this.disposed) return;
    const t0 = performance.now();
    this.recheckAbort?.abort();
    const abort = (this.recheckAbort = new AbortController());
    const input = m.recheckInput(m.editedIndices(), this.o.recheckFullMaxBytes);
    let res: RecheckResult[] = [];
    if (input) {
      if (this.o.recheckInWorker) {
        let problems: readonly RecheckedProblem[];
        try { problems = await this.o.recheckInWorker(input, abort.signal); } catch { return; }
        if (abort.signal.aborted || this.disposed || m.version !== input.version || m.generation !== input.generation) return;
        res = m.recheckResult(input, problems);
      } else {
        res = m.recheckInProcess(input);
      }
    }
    if (!res.length) {
      this.local = undefined;
    } else {
      let k = EditorSession.LOCAL_KEY;
      this.local = {
        version: m.version,
        ids: new Set(res.map((r) => `${typeof r.annotationId}:${String(r.annotationId)}`)),
        problems: res.flatMap((r) => r.problems.map((p) => ({ ...p, key: k++ }))),
      };
    }
    this.recheckMs = performance.now() - t0;
    if (this.started) this.problemsChanged();
  }

  reveal(imageIndex: number, annotationId?: number | string): void {
    this.channel.notify('reveal', { imageIndex, ...(annotationId !== undefined ? { annotationId } : {}) });
  }

  /** Go to an annotation or image of the file (from the Problems panel). */
  async revealTarget(t: RevealTarget): Promise<boolean> {
    const model = await this.ready();
    const i = this.targetIndex(model, t);
    if (t.problem) await this.problemsSent;
    if (i === undefined || this.disposed) return t.problem ? this.revealProblem(t.problem) : false;
    this.unconfirmed = { imageIndex: i, ...(t.annotationId !== undefined ? { annotationId: t.annotationId } : {}), ...(t.problem ? { problem: t.problem } : {}) };
    this.reveal(i, t.annotationId);
    if (t.problem) this.revealProblem(t.problem);
    return true;
  }

  /** One undoable edit of the file (the webview's edits, the Segment tool's accepted mask). */
  async edit(op: EditOp, generation?: number): Promise<{ ok: boolean; message?: string; annotationId?: Id; annotationIndex?: number }> {
    const model = await this.ready();
    await this.o.beforeAction?.();
    if (this.o.readonly) return { ok: false, message: 'This workspace is not trusted: the file is read-only.' };
    // A big file viewed from disk: its bytes read back (and checked) before its first edit.
    const unavailable = await (this.o.readBack ? this.o.readBack(model) : model.ensureBytes());
    if (unavailable) return { ok: false, message: unavailable };
    if (generation !== undefined && generation !== model.generation) return { ok: false, message: STALE_VIEW };
    const refusal = this.o.editRefusal?.(model);
    if (refusal) return { ok: false, message: refusal };
    const edit = model.prepare(op);
    if (typeof edit === 'string') return { ok: false, message: edit };
    model.apply(edit);
    this.o.onEdit(edit);
    this.changed();
    if (edit.kind === 'create') return { ok: true, annotationId: model.annotationIdAt(edit.annotationIndex), annotationIndex: edit.annotationIndex };
    return { ok: true };
  }

  /** The Segment tool's accepted mask as a new annotation: polygons through `create`, an RLE through `createMask`. */
  createMaskAnnotation(imageIndex: number, categoryId: Id, f: { segmentation: number[][] | { size: [number, number]; counts: string }; area: number; bbox: [number, number, number, number] }): ReturnType<EditorSession['edit']> {
    return Array.isArray(f.segmentation)
      ? this.edit({ op: 'create', imageIndex, categoryId, polygons: f.segmentation, shape: 'polygon' })
      : this.edit({ op: 'createMask', imageIndex, categoryId, segmentation: f.segmentation, area: f.area, bbox: f.bbox });
  }

  /** Diff mode: show these changes of image `imageIndex` over it (an empty list ends it). */
  showDiff(imageIndex: number, changes: DiffChange[]): void {
    if (!this.disposed) this.channel.notify('diffOverlay', { imageIndex, changes });
  }

  /** labelscope.viewer.showAgreement: the A/B view on the image an agreement names (B's image id). */
  async showAgreementAt(t: RevealTarget, layer: AgreementLayer): Promise<boolean> {
    const model = await this.ready();
    const i = this.targetIndex(model, t);
    if (i === undefined || this.disposed) return false;
    this.channel.notify('agreementLayer', { imageIndex: i, layer });
    return true;
  }

  /** labelscope.viewer.showDiff: diff mode on the image a comparison names (by image id or JSON path). */
  async showDiffAt(t: RevealTarget, changes: DiffChange[]): Promise<boolean> {
    const model = await this.ready();
    const i = this.targetIndex(model, t);
    if (i === undefined || this.disposed) return false;
    this.showDiff(i, changes);
    return true;
  }

  /** labelscope.viewer.filterGrid: the Dataset Report's clicked bar, as this viewer's grid filter. */
  filterGrid(pick: ChartPick): void {
    if (this.disposed) return;
    // Before init the webview has no categories yet: sent right after it.
    if (this.started) this.channel.notify('filterGrid', gridFilterOf(pick));
    else this.pendingFilter = gridFilterOf(pick);
  }
  private pendingFilter?: HostNotifications['filterGrid'];

  /** The evaluation report's class / confusion-cell click: only these images in the grid, `label` on its chip. */
  evalFilter(label: string, imageIds: Id[]): void {
    if (this.disposed) return;
    const f: HostNotifications['filterGrid'] = { imageIds: { ids: imageIds, label } };
    if (this.started) this.channel.notify('filterGrid', f);
    else this.pendingFilter = f;
  }

  receive(msg: unknown): void { this.channel.receive(msg); }

  dispose(): void {
    this.disposed = true;
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    this.recheckAbort?.abort();
    this.channel.dispose();
  }
}

/** A chart pick as a grid filter: a category, and for the box charts the bin (labelled as the chart's axis shows it). */
export function gridFilterOf(pick: ChartPick): HostNotifications['filterGrid'] {
  const measure = pick.chart === 'boxArea' ? 'area' : pick.chart === 'aspectRatio' ? 'aspect' : pick.chart === 'sizeClasses' ? 'sizeClass' : undefined;
  const out: { categoryId?: Id; boxBin?: GridQuery['boxBin'] } = {};
  if (pick.categoryId !== undefined) out.categoryId = pick.categoryId;
  if (measure && pick.bin !== undefined) {
    const range = (e: number[]) => `${e[pick.bin!] ?? '?'}–${e[pick.bin! + 1] ?? '∞'}`;
    const label = measure === 'area' ? `box area ${range(AREA_BINS.edges())} px²`
      : measure === 'aspect' ? `aspect ratio ${range(ASPECT_BINS.edges())}`
        : `${['small', 'medium', 'large'][pick.bin] ?? `size class ${pick.bin}`} boxes`;
    out.boxBin = { measure, bin: pick.bin, label };
  }
  return out;
}

