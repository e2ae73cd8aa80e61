/**
 * The editor's document model, free of `vscode` (tested in plain mocha).
 *
 * The base is a parsed CocoDocument over the bytes as read (or as restored from a
 * backup). Edits never rewrite the model: they are kept as per-annotation
 * overrides, and the bytes to save are `applyByteEdits(base, overrides → edits)`,
 * so an annotation nobody touched keeps its exact bytes, and undo/redo is just
 * putting the previous override back.
 */
import type { CocoDocument, IdKey, JsonObject, Located } from '../core/coco/document';
import { isJsonObject } from '../core/coco/document';
import { locate } from '../core/coco/locate';
import { parseCoco, parseCocoAsync, type ParseAsyncOptions } from '../core/coco/parse';
import { applyByteEdits } from '../core/edits/applyByteEdits';
import { fingerprint, fingerprintAsync, type Fingerprint } from '../core/edits/fingerprint';
import { formatNumber, insertProperty, round2 } from '../core/edits/jsonEdits';
import { keepUntouched, numberArrayEdits } from '../core/edits/numberEdits';
import { idOf } from '../core/ruleKit/schema';
import { checkDocument } from '../core/check';
import { polygonBbox, rleCounts, segmentationKind, segmentationToRle } from '../core/geometry';
import type { ByteEdit } from '../core/problems';
import { AREA_BINS, ASPECT_BINS } from '../core/metrics/stats/histogram';
import { MEDIUM_AREA, SMALL_AREA } from '../core/metrics/stats/compute';
import type { OutcomeProblem } from '../node/checkWorkerProtocol';
import type {
  AnnotationInfo, CategoryInfo, EditOp, GeometryKind, GridCell, GridQuery, GridShape, Id, ImageGeometry, ImageInfo, ImagePayload, InitPayload,
  ProblemInfo, ProblemsPayload,
} from '../shared/protocol';

import {
  PER_ANNOTATION_RULES, appendElements, boxPolygon, cleanPolygons, elementStyle, elementText, fitKeypoints, fitPolygons, keypointsText, polygonFields,
  polygonsText, type Box,
} from './geometryEdits';

const SEVERITY_RANK = { error: 3, warning: 2, info: 1 } as const;

/** Above this the re-check after an edit looks at the edited annotations alone (no re-parse of the file). */
export const FULL_RECHECK_MAX_BYTES = 50 * 1024 * 1024;

/** "Show in JSON" on an annotation drawn in the viewer and not saved yet. */
export const NOT_ON_DISK = 'Save the file first: this annotation is not in the file on disk yet';

/** A fix computed from other bytes than the viewer holds. */
export const STALE_FIX = 'The fix was computed for another version of the file: it was not applied. The file is being checked again.';

/**
 * Edits that undo `edits` (against `bytes`): applied to applyByteEdits(bytes, edits) they give
 * `bytes` back. Small: each covers what one edit wrote.
 */
export function invertEdits(bytes: Uint8Array, edits: readonly ByteEdit[]): ByteEdit[] {
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  let delta = 0;
  return [...edits].sort((a, b) => a.start - b.start || a.end - b.end).map((e) => {
    const len = enc.encode(e.newText).length;
    const start = e.start + delta;
    delta += len - (e.end - e.start);
    return { start, end: start + len, newText: dec.decode(bytes.subarray(e.start, e.end)) };
  });
}

/** Parses and fingerprints (in slices, between other work) new base bytes. */
async function parseDocument(bytes: Uint8Array, fileName: string, opts: ParseAsyncOptions = {}): Promise<CocoDocument> {
  const doc = await parseCocoAsync(bytes, { ...opts, path: fileName });
  fingerprints.set(doc, await fingerprintAsync(bytes));
  return doc;
}

export interface AnnOverride {
  deleted?: boolean;
  categoryId?: Id;
  bbox?: [number, number, number, number];
  /** Set with bbox when the annotation has no segmentation (area follows the box), or with segmentation. */
  area?: number;
  /** New polygons (geometry edits of polygon annotations); bbox and area are set with them. */
  segmentation?: number[][];
  /** Keypoints moved / scaled with the box (labeled ones only); set with bbox. */
  keypoints?: number[];
}

/** A new annotation appended to the annotations array (index = base length + position in `added`). */
export interface CreateEdit {
  readonly kind: 'create';
  readonly label: string;
  readonly annotationIndex: number;
  readonly value: JsonObject;
}

/** One applied edit of one annotation, as VS Code's undo stack holds it. */
export interface AnnotationEdit {
  readonly kind?: 'annotation';
  readonly label: string;
  readonly annotationIndex: number;
  readonly before: AnnOverride | undefined;
  readonly after: AnnOverride;
}

/**
 * Byte edits applied to the base (a quick fix from the check, whose edits are
 * byte ranges of the file as checked): the base is re-parsed; undo puts the old
 * base back. Only made while there are no overrides (the ranges are of the base).
 */
export interface BaseEdit {
  readonly kind: 'base';
  readonly label: string;
  /** The byte edits, against the bytes fingerprinted `from` (what a backup keeps). */
  readonly edits: readonly ByteEdit[];
  readonly from: Fingerprint;
  readonly before: CocoDocument;
  readonly after: CocoDocument;
}

/** An edit as a backup holds it: no parsed documents, only what replays it on the same bytes. */
export type SerializedEdit =
  | { kind: 'annotation'; label: string; annotationIndex: number; before?: AnnOverride; after: AnnOverride }
  | { kind: 'create'; label: string; annotationIndex: number; value: JsonObject }
  | { kind: 'base'; label: string; edits: ByteEdit[]; from: Fingerprint };

/** What the re-check of edited annotations sends to the check worker. */
export interface RecheckInput {
  /** The model version and generation it was made from (a result for an older one is dropped). */
  version: number;
  generation: number;
  bytes: Uint8Array;
  /** A small document of the edited annotations (big files), not the whole file. */
  mini: boolean;
  /** Annotation id key → annotation index. */
  ids: Map<string, number>;
  indices: number[];
}

/** A problem of the re-check, as the worker (or the in-process fallback) reports it. */
export interface RecheckedProblem {
  rule: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  annotationId?: Id;
  /** 1-based line in the checked bytes. */
  line: number;
}

export interface RecheckResult { annotationId: Id; index: number; problems: Omit<ProblemInfo, 'key'>[] }

/** A hot-exit backup (JSON): a few KB for any file size. */
export interface EditBackup {
  labelscopeBackup: 1;
  file: string;
  /** The file on disk the edits were backed up against. */
  disk: Fingerprint;
  /** The bytes at the bottom of the edit stack. */
  loaded: Fingerprint;
  /** Turn `disk` into `loaded` (each step applied in turn). */
  chain: ByteEdit[][];
  /** The first this many edits are in the file on disk. */
  savedCount: number;
  edits: SerializedEdit[];
}

export function isEditBackup(v: unknown): v is EditBackup {
  return typeof v === 'object' && v !== null && (v as EditBackup).labelscopeBackup === 1 && Array.isArray((v as EditBackup).edits);
}

/** Fingerprints of parsed documents' bytes (computed once, off the hot path where possible). */
const fingerprints = new WeakMap<CocoDocument, Fingerprint>();

export function fingerprintOf(doc: CocoDocument): Fingerprint {
  let f = fingerprints.get(doc);
  if (!f) fingerprints.set(doc, (f = fingerprint(doc.bytes)));
  return f;
}

/** Where the base bytes came from: the file on disk, or the text of the open JSON document. */
export type BaseSource = 'disk' | 'text';

export type ModelEdit = AnnotationEdit | BaseEdit | CreateEdit;

export interface ImageSource {
  /** The path of the image file, or undefined with the paths tried. */
  find(fileName: string): { path?: string; tried: string[] };
  /** A URI the webview can load (asWebviewUri, a data URL in tests). */
  toSrc(path: string): string;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function bboxOf(v: unknown): [number, number, number, number] | null {
  if (!Array.isArray(v) || v.length !== 4) return null;
  const b = v.map(num);
  return b.every((x) => x !== null) ? (b as [number, number, number, number]) : null;
}

/** A keypoints value the viewer can use: numbers only. */
function keypointsOf(v: unknown): number[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x)) ? (v as number[]) : undefined;
}



/** At most this many annotations drawn over one grid thumbnail. */
const GRID_SHAPES_MAX = 300;

export class CocoEditorModel {
  private overrides = new Map<number, AnnOverride>();
  private _version = 0;

  /**
   * The edits applied since the base was loaded, in order (VS Code undoes and redoes strictly
   * in stack order). `savedMark` is the stack as it was at the last save (or load): the model is
   * dirty when the stack differs from it, so undo past a save and redo back to it give the right
   * dirty state (hexeditor's HexDocumentModel keeps `unsavedEditIndex` for the same reason).
   */
  private stack: ModelEdit[] = [];
  private savedMark: { length: number; top: ModelEdit | undefined } = { length: 0, top: undefined };
  /** Bumped when the base is replaced from outside (reload): edits of an older generation are void. */
  private _generation = 0;
  /**
   * The bytes as loaded (or reloaded): the bottom of the edit stack, what a backup's edits replay
   * on. `diskFingerprint`: the file as this model last read or wrote it. `savedChain`: byte edits
   * (applied in turn) that turn that file back into the bytes as loaded ([]: never saved from here).
   */
  private loadedFingerprint?: Fingerprint;
  private diskFingerprint?: Fingerprint;
  private savedChain: ByteEdit[][] = [];
  /** Where the base came from (a reload from the open JSON text makes it 'text'). */
  baseSource: BaseSource = 'disk';

  /** Annotations created in the viewer, in order (written after the last annotation of the file). */
  private added: JsonObject[] = [];

  /**
   * The file as last saved from here (the base stays the bytes as read, for undo): which annotation
   * index is which element of its annotations array, and its bytes (for "Show in JSON"; parsed on
   * demand). Undefined: what is on disk is the base.
   */
  private saved?: { index: Map<number, number>; bytes?: Uint8Array; doc?: CocoDocument };

  constructor(public base: CocoDocument, readonly fileName: string) {
    this.loadedFingerprint = fingerprints.get(base);
    this.diskFingerprint = this.loadedFingerprint;
  }

  static async load(bytes: Uint8Array, fileName: string, opts: ParseAsyncOptions = {}): Promise<CocoEditorModel> {
    const doc = await parseDocument(bytes, fileName, opts);
    return new CocoEditorModel(doc, fileName);
  }

  get generation(): number { return this._generation; }
  get baseFingerprint(): Fingerprint { return fingerprintOf(this.base); }

  /** The file on disk as this model last read or wrote it (or the JSON text it reloaded from). */
  get lastKnownDisk(): Fingerprint { return this.diskFingerprint ?? this.baseFingerprint; }

  /** Unsaved edits: the edit stack is not where it was at the last save (or load). */
  get isDirty(): boolean {
    return this.stack.length !== this.savedMark.length || this.stack[this.stack.length - 1] !== this.savedMark.top;
  }

  /** The applied edits, oldest first (for backups). */
  get edits(): readonly ModelEdit[] { return this.stack; }

  /** Whether `edit` belongs to the current generation's stack (undo/redo of older ones do nothing). */
  owns(edit: ModelEdit): boolean { return this.editGeneration.get(edit) === this._generation; }
  private readonly editGeneration = new WeakMap<ModelEdit, number>();

  /**
   * The file changed elsewhere (disk, or the JSON text) and is taken as the new base: no
   * overrides, no edit stack, not dirty; earlier edits can no longer be undone here (they
   * would land on other annotations).
   */
  reload(doc: CocoDocument, source: BaseSource = 'disk'): void {
    this.setBase(doc);
    this.savedChain = [];
    this.loadedFingerprint = this.diskFingerprint = fingerprintOf(doc);
    this.stack = [];
    this.savedMark = { length: 0, top: undefined };
    this.baseSource = source;
    this._generation++;
  }

  static fromBytes(bytes: Uint8Array, fileName: string): CocoEditorModel {
    return new CocoEditorModel(parseCoco(bytes, { path: fileName }), fileName);
  }

  get version(): number { return this._version; }
  get imageCount(): number { return this.base.imageEntries.length; }
  get isDirtyVsBase(): boolean { return this.overrides.size > 0 || this.added.length > 0; }

  // -------------------------------------------------------------------------
  // Reading

  private annotation(index: number): { entry?: Located; value: JsonObject; ov: AnnOverride | undefined } | undefined {
    const n = this.base.annotationEntries.length;
    if (index >= n) {
      const value = this.added[index - n];
      return value ? { value, ov: this.overrides.get(index) } : undefined;
    }
    const entry = this.base.annotationEntries[index];
    if (!entry || !isJsonObject(entry.value)) return undefined;
    return { entry, value: entry.value, ov: this.overrides.get(index) };
  }

  /** Every annotation value with its index: the file's, then the ones created here. */
  private forEachAnnotation(f: (value: unknown, index: number) => void): void {
    this.base.annotationEntries.forEach((e, i) => f(e.value, i));
    const n = this.base.annotationEntries.length;
    this.added.forEach((v, k) => f(v, n + k));
  }

  /** Indices of annotations edited or created here (not deleted). */
  editedIndices(): number[] {
    const out: number[] = [];
    for (const [i, ov] of this.overrides) if (!ov.deleted) out.push(i);
    const n = this.base.annotationEntries.length;
    this.added.forEach((_, k) => { if (!this.overrides.get(n + k)?.deleted && !out.includes(n + k)) out.push(n + k); });
    return out.sort((a, b) => a - b);
  }

  /** An annotation's id as the webview knows it. */
  annotationIdAt(index: number): Id | undefined {
    const a = this.annotation(index);
    return a ? idOf(a.value.id) ?? `#${index}` : undefined;
  }

  categories(): CategoryInfo[] {
    const counts = new Map<IdKey, number>();
    this.forEachAnnotation((v, i) => {
      if (!isJsonObject(v)) return;
      const ov = this.overrides.get(i);
      if (ov?.deleted) return;
      const c = ov?.categoryId ?? idOf(v.category_id);
      if (c !== undefined) counts.set(c, (counts.get(c) ?? 0) + 1);
    });
    const out: CategoryInfo[] = [];
    this.base.categoryEntries.forEach((e, i) => {
      if (!isJsonObject(e.value)) return;
      const id = idOf(e.value.id);
      if (id === undefined) return;
      const kp = e.value.keypoints;
      const sk = e.value.skeleton;
      out.push({
        id,
        name: typeof e.value.name === 'string' ? e.value.name : String(id),
        ...(typeof e.value.supercategory === 'string' ? { supercategory: e.value.supercategory } : {}),
        count: counts.get(id) ?? 0,
        colorIndex: i,
        ...(Array.isArray(kp) ? { keypoints: kp.map(String) } : {}),
        ...(Array.isArray(sk) ? { skeleton: sk.filter((p): p is [number, number] => Array.isArray(p) && p.length === 2 && p.every((x) => Number.isInteger(x))) } : {}),
      });
    });
    return out;
  }

  annotationCount(): number {
    let n = this.base.annotationEntries.length + this.added.length;
    for (const ov of this.overrides.values()) if (ov.deleted) n--;
    return n;
  }

  private imageIndexById?: Map<IdKey, number>;
  /** Index of the first image with this id. */
  /** The `id` of image `index` (undefined when it has none). */
  imageIdAt(index: number): Id | undefined {
    return idOf((this.base.imageEntries[index]?.value as { id?: unknown } | undefined)?.id);
  }

  imageIndexOfId(id: IdKey): number | undefined {
    if (!this.imageIndexById) {
      const m = new Map<IdKey, number>();
      this.base.imageEntries.forEach((e, i) => {
        const v = isJsonObject(e.value) ? idOf(e.value.id) : undefined;
        if (v !== undefined && !m.has(v)) m.set(v, i);
      });
      this.imageIndexById = m;
    }
    return this.imageIndexById.get(id);
  }

  /** The image a check problem belongs to: by annotation id, image id, else its JSON path. */
  imageIndexOfProblem(p: Pick<OutcomeProblem, 'annotationId' | 'imageId' | 'jsonPath'>): number {
    if (p.annotationId !== undefined) {
      const i = this.imageIndexOfAnnotation(p.annotationId);
      if (i !== undefined) return i;
    }
    if (p.imageId !== undefined) {
      const i = this.imageIndexOfId(p.imageId);
      if (i !== undefined) return i;
    }
    const m = /^\$?\.?(images|annotations)\[(\d+)\]/.exec(p.jsonPath ?? '');
    if (m) {
      const k = Number(m[2]);
      if (m[1] === 'images') return k < this.imageCount ? k : -1;
      const a = this.base.annotationEntries[k];
      if (a && isJsonObject(a.value)) return this.imageIndexOfId(idOf(a.value.image_id) as IdKey) ?? -1;
    }
    return -1;
  }

  /** The check's problems as the viewer lists them (`hide`: problems already fixed here). */
  problemsPayload(problems: readonly OutcomeProblem[] | undefined, hide?: (p: OutcomeProblem) => boolean): ProblemsPayload {
    if (!problems) return { problems: [], source: 'none', fileLevel: 0 };
    const out: ProblemInfo[] = [];
    let fileLevel = 0;
    problems.forEach((p, key) => {
      if (hide?.(p)) return;
      const imageIndex = this.imageIndexOfProblem(p);
      if (imageIndex < 0) fileLevel++;
      out.push({
        key, rule: p.rule, severity: p.severity, message: p.message, imageIndex, line: p.line,
        ...(p.annotationId !== undefined ? { annotationId: p.annotationId } : {}),
        ...(p.fix ? { fix: p.fix.title } : {}),
      });
    });
    out.sort((x, y) => x.imageIndex - y.imageIndex || x.line - y.line || x.key - y.key);
    return { problems: out, source: 'check', fileLevel };
  }

  // -------------------------------------------------------------------------
  // Grid

  private stats?: { version: number; counts: Uint32Array; cats: Map<string, Uint8Array> };
  /** Per image: annotation count, and which categories it has (bitmap per category). */
  private imageStats(): { counts: Uint32Array; cats: Map<string, Uint8Array> } {
    if (this.stats?.version === this._version) return this.stats;
    const n = this.imageCount;
    const counts = new Uint32Array(n);
    const cats = new Map<string, Uint8Array>();
    const key = (c: Id) => `${typeof c}:${String(c)}`;
    this.forEachAnnotation((v, i) => {
      if (!isJsonObject(v)) return;
      const ov = this.overrides.get(i);
      if (ov?.deleted) return;
      const img = this.imageIndexOfId(idOf(v.image_id) as IdKey);
      if (img === undefined) return;
      counts[img]++;
      const c = ov?.categoryId ?? idOf(v.category_id);
      if (c === undefined) return;
      let bits = cats.get(key(c));
      if (!bits) cats.set(key(c), (bits = new Uint8Array(n)));
      bits[img] = 1;
    });
    this.stats = { version: this._version, counts, cats };
    return this.stats;
  }

  /** Per image: 1 when one of its annotations (of `categories`, when given) has a box in the bin, as the Dataset Report bins it. */
  private imagesInBoxBin(q: NonNullable<GridQuery['boxBin']>, categories: readonly Id[] | undefined): Uint8Array {
    const hit = new Uint8Array(this.imageCount);
    const wanted = categories?.length ? new Set(categories.map((c) => `${typeof c}:${String(c)}`)) : undefined;
    this.forEachAnnotation((v, i) => {
      if (!isJsonObject(v)) return;
      const ov = this.overrides.get(i);
      if (ov?.deleted) return;
      const img = this.imageIndexOfId(idOf(v.image_id) as IdKey);
      if (img === undefined || hit[img]) return;
      if (wanted) {
        const c = ov?.categoryId ?? idOf(v.category_id);
        if (c === undefined || !wanted.has(`${typeof c}:${String(c)}`)) return;
      }
      const b = ov?.bbox ?? bboxOf(v.bbox);
      if (!b || !(b[2] > 0 && b[3] > 0)) return;
      // log₂ w ± log₂ h, as src/core/metrics/stats/compute.ts bins them, so the grid finds what the bar counted.
      const lw = Math.log2(b[2]), lh = Math.log2(b[3]);
      let bin: number;
      if (q.measure === 'area') bin = AREA_BINS.indexLog2(lw + lh);
      else if (q.measure === 'aspect') bin = ASPECT_BINS.indexLog2(lw - lh);
      else {
        const area = ov?.area ?? num(v.area) ?? b[2] * b[3];
        bin = area < SMALL_AREA ? 0 : area < MEDIUM_AREA ? 1 : 2;
      }
      if (bin === q.bin) hit[img] = 1;
    });
    return hit;
  }

  /** The file_name of an image (the Segment tool's image file), undefined when it has none. */
  imageFileName(index: number): string | undefined {
    const v = this.base.imageEntries[index]?.value;
    return isJsonObject(v) && typeof v.file_name === 'string' ? v.file_name : undefined;
  }

  /** Image indices matching a query, in display order. `problems`: the viewer's problem list. */
  queryGrid(q: GridQuery, problems: readonly ProblemInfo[] = []): Uint32Array {
    const { counts, cats } = this.imageStats();
    const n = this.imageCount;
    let keep = new Uint8Array(n).fill(1);
    if (q.categories?.length) {
      const any = new Uint8Array(n);
      for (const c of q.categories) {
        const bits = cats.get(`${typeof c}:${String(c)}`);
        if (bits) for (let i = 0; i < n; i++) any[i] |= bits[i];
      }
      keep = any;
    }
    if (q.boxBin) {
      const inBin = this.imagesInBoxBin(q.boxBin, q.categories);
      for (let i = 0; i < n; i++) keep[i] &= inBin[i];
    }
    if (q.imageIds) {
      const wanted = new Set(q.imageIds.ids.map((id) => `${typeof id}:${String(id)}`));
      for (let i = 0; i < n; i++) {
        const id = idOf((this.base.imageEntries[i].value as { id?: unknown } | undefined)?.id);
        if (id === undefined || !wanted.has(`${typeof id}:${String(id)}`)) keep[i] = 0;
      }
    }
    const probCount = new Uint32Array(n);
    for (const p of problems) if (p.imageIndex >= 0 && p.imageIndex < n) probCount[p.imageIndex]++;
    if (q.rule || q.severity) {
      const min = q.severity ? SEVERITY_RANK[q.severity] : 0;
      const hit = new Uint8Array(n);
      for (const p of problems) {
        if (p.imageIndex < 0 || p.imageIndex >= n) continue;
        if (q.rule && q.rule !== '*' && p.rule !== q.rule) continue;
        if (SEVERITY_RANK[p.severity] < min) continue;
        hit[p.imageIndex] = 1;
      }
      for (let i = 0; i < n; i++) keep[i] &= hit[i];
    }
    if (q.noAnnotations) for (let i = 0; i < n; i++) if (counts[i] > 0) keep[i] = 0;
    const needle = q.search?.trim().toLowerCase();
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      if (!keep[i]) continue;
      if (needle) {
        const v = this.base.imageEntries[i].value;
        const f = isJsonObject(v) && typeof v.file_name === 'string' ? v.file_name.toLowerCase() : '';
        if (!f.includes(needle)) continue;
      }
      out.push(i);
    }
    if (q.sort === 'problems') out.sort((a, b) => probCount[b] - probCount[a] || a - b);
    else if (q.sort === 'annotations') out.sort((a, b) => counts[b] - counts[a] || a - b);
    return Uint32Array.from(out);
  }

  gridCells(indices: readonly number[], problems: readonly ProblemInfo[] = []): GridCell[] {
    const { counts } = this.imageStats();
    const want = new Map<number, GridCell>();
    for (const i of indices) {
      if (i < 0 || i >= this.imageCount) continue;
      const v = this.base.imageEntries[i].value;
      const o = isJsonObject(v) ? v : {};
      want.set(i, {
        index: i, fileName: typeof o.file_name === 'string' ? o.file_name : '', width: num(o.width) ?? 0, height: num(o.height) ?? 0,
        annotations: counts[i], problems: 0,
      });
    }
    if (want.size) {
      const slot = new Map<unknown, number>();
      this.base.categoryEntries.forEach((e, k) => { if (isJsonObject(e.value)) { const id = idOf(e.value.id); if (id !== undefined && !slot.has(id)) slot.set(id, k); } });
      for (const c of want.values()) c.shapes = this.gridShapes(c.index, slot);
    }
    for (const p of problems) {
      const c = want.get(p.imageIndex);
      if (!c) continue;
      c.problems++;
      if (!c.severity || SEVERITY_RANK[p.severity] > SEVERITY_RANK[c.severity]) c.severity = p.severity;
    }
    return [...want.values()];
  }

  /** What a thumbnail shows of its annotations: boxes, and polygon rings thinned to about 64 points each. */
  private gridShapes(index: number, slot: Map<unknown, number>): GridShape[] {
    const p = this.imagePayload(index);
    const g = p.geometry;
    const out: GridShape[] = [];
    p.annotations.forEach((a, k) => {
      if (out.length >= GRID_SHAPES_MAX) return;
      const shape: GridShape = { colorIndex: slot.get(a.categoryId) ?? 0, bbox: a.bbox };
      if (a.kind === 'polygons') {
        const rings: number[][] = [];
        for (let r = g.ringStart[k]; r < g.ringStart[k + 1]; r++) {
          const from = g.coordStart[r];
          const n = (g.coordStart[r + 1] - from) >> 1;
          const step = Math.max(1, Math.ceil(n / 64));
          const ring: number[] = [];
          for (let v = 0; v < n; v += step) ring.push(Math.round(g.coords[from + 2 * v] * 10) / 10, Math.round(g.coords[from + 2 * v + 1] * 10) / 10);
          if (ring.length >= 6) rings.push(ring);
        }
        if (rings.length) shape.rings = rings;
      }
      out.push(shape);
    });
    return out;
  }

  init(imageIndex = 0, readonly = false): InitPayload {
    return {
      fileName: this.fileName,
      imageCount: this.imageCount,
      annotationCount: this.annotationCount(),
      categories: this.categories(),
      imageIndex: Math.max(0, Math.min(imageIndex, this.imageCount - 1)),
      readonly,
      generation: this._generation,
    };
  }

  imageInfo(index: number, source?: ImageSource): ImageInfo {
    const e = this.base.imageEntries[index];
    if (!e) throw new Error(`No image at index ${index} (the file has ${this.imageCount})`);
    const v = isJsonObject(e.value) ? e.value : {};
    const fileName = typeof v.file_name === 'string' ? v.file_name : '';
    const info: ImageInfo = {
      index,
      id: idOf(v.id) ?? index,
      fileName,
      width: num(v.width) ?? 0,
      height: num(v.height) ?? 0,
    };
    if (source) {
      const found = fileName ? source.find(fileName) : { tried: [] };
      if (found.path) info.src = source.toSrc(found.path);
      else info.tried = found.tried;
    }
    return info;
  }

  imagePayload(index: number, source?: ImageSource): ImagePayload {
    const image = this.imageInfo(index, source);
    const idKey = idOf((this.base.imageEntries[index].value as JsonObject | undefined)?.id);
    const located: { index: number }[] = idKey === undefined ? [] : [...this.base.annotationsOfImage(idKey)];
    const nBase = this.base.annotationEntries.length;
    this.added.forEach((v, k) => { if (idKey !== undefined && idOf(v.image_id) === idKey) located.push({ index: nBase + k }); });
    const annotations: AnnotationInfo[] = [];
    const ringStart: number[] = [0];
    const coordStart: number[] = [0];
    const coords: number[] = [];
    const rleStart: number[] = [0];
    const rleSize: number[] = [];
    const counts: number[] = [];
    const H = image.height;
    const W = image.width;
    for (const entry of located) {
      const a = this.annotation(entry.index);
      if (!a || a.ov?.deleted) continue;
      const v = a.value;
      const seg = a.ov?.segmentation ?? v.segmentation;
      const kind = seg === undefined ? undefined : segmentationKind(seg);
      let gk: GeometryKind;
      let rh = 0;
      let rw = 0;
      if (kind === 'polygons') {
        gk = 'polygons';
        for (const ring of seg as number[][]) {
          for (const x of ring) coords.push(x);
          coordStart.push(coords.length);
        }
      } else if (kind === 'rle' || kind === 'compressed-rle' || kind === 'rle-list' || kind === 'boxes') {
        const rle = segmentationToRle(seg, H, W);
        if (rle) {
          gk = 'rle';
          [rh, rw] = rle.size;
          for (const c of rleCounts(rle)) counts.push(c);
        } else gk = 'invalid';
      } else {
        gk = bboxOf(v.bbox) ? 'box' : 'invalid';
      }
      ringStart.push(coordStart.length - 1);
      rleStart.push(counts.length);
      rleSize.push(rh, rw);
      const bbox = a.ov?.bbox ?? bboxOf(v.bbox);
      annotations.push({
        id: idOf(v.id) ?? `#${entry.index}`,
        index: entry.index,
        categoryId: a.ov?.categoryId ?? idOf(v.category_id) ?? '',
        bbox: bbox ? [...bbox] : null,
        area: a.ov?.area ?? num(v.area),
        iscrowd: v.iscrowd === 1 || v.iscrowd === true,
        kind: gk,
        ...(a.ov?.keypoints ? { keypoints: [...a.ov.keypoints] } : Array.isArray(v.keypoints) && v.keypoints.every((x) => typeof x === 'number') ? { keypoints: v.keypoints as number[] } : {}),
      });
    }
    const geometry: ImageGeometry = {
      ringStart: Uint32Array.from(ringStart),
      coordStart: Uint32Array.from(coordStart),
      coords: Float32Array.from(coords),
      rleStart: Uint32Array.from(rleStart),
      rleSize: Uint32Array.from(rleSize),
      counts: Uint32Array.from(counts),
    };
    return { image, annotations, geometry, version: this._version };
  }

  /** Index of the image that holds an annotation (for "reveal"). */
  imageIndexOfAnnotation(annotationId: Id): number | undefined {
    const a = this.base.annotationsWithId(annotationId)[0];
    if (!a || !isJsonObject(a.value)) return undefined;
    return this.imageIndexOfId(idOf(a.value.image_id) as IdKey);
  }

  /** The byte range of an annotation in the base (for "Show in JSON"). */
  annotationRange(annotationIndex: number): { start: number; end: number } | undefined {
    const e = this.base.annotationEntries[annotationIndex];
    return e ? { start: e.start, end: e.end } : undefined;
  }

  /**
   * Where an annotation's text is in the file on disk (for "Show in JSON"): lines and characters of
   * its start and end, in the base or, once saved from here, in the saved bytes. A string says why
   * not (created in the viewer and not saved yet; unknown index; saved bytes not kept).
   */
  jsonRange(annotationIndex: number): { start: { line: number; character: number }; end: { line: number; character: number } } | string {
    const nBase = this.base.annotationEntries.length;
    const exists = annotationIndex >= 0 && annotationIndex < nBase + this.added.length;
    let doc = this.base;
    let at = annotationIndex;
    if (this.saved) {
      const j = this.saved.index.get(annotationIndex);
      if (j === undefined) return exists ? NOT_ON_DISK : `No annotation at index ${annotationIndex}`;
      if (!this.saved.bytes) return 'The saved file is too big to show as text.';
      doc = this.saved.doc ??= parseCoco(this.saved.bytes, { path: this.fileName });
      at = j;
    } else if (annotationIndex >= nBase) {
      return exists ? NOT_ON_DISK : `No annotation at index ${annotationIndex}`;
    }
    const e = doc.annotationEntries[at];
    if (!e) return `No annotation at index ${annotationIndex}`;
    return { start: doc.lines.positionAt(e.start), end: doc.lines.positionAt(e.end) };
  }

  /** False for an annotation created in the viewer and not in the file on disk yet (not saved since). */
  isOnDisk(annotationIndex: number): boolean {
    const nBase = this.base.annotationEntries.length;
    if (annotationIndex < 0 || annotationIndex >= nBase + this.added.length) return true; // unknown: not this case
    return this.saved ? this.saved.index.has(annotationIndex) : annotationIndex < nBase;
  }

  /**
   * `bytes` (this.bytes() now) were written to the file: from now on "Show in JSON" finds
   * annotations there. Without `bytes` (a file too big to show as text) only which ones are in it.
   */
  markSaved(bytes?: Uint8Array, diskFingerprint?: Fingerprint): void {
    // What turns the saved bytes back into the bytes as loaded (a backup after this save keeps only these):
    // undo the overrides, then each fix of the stack, newest first.
    this.savedChain = [invertEdits(this.base.bytes, this.byteEdits())];
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const e = this.stack[i];
      if (e.kind === 'base') this.savedChain.push(invertEdits(e.before.bytes, e.edits));
    }
    if (diskFingerprint) this.diskFingerprint = diskFingerprint;
    this.savedMark = { length: this.stack.length, top: this.stack[this.stack.length - 1] };
    this.baseSource = 'disk';
    this.markSavedIndex(bytes);
  }

  private markSavedIndex(bytes?: Uint8Array): void {
    const index = new Map<number, number>();
    let j = 0;
    this.forEachAnnotation((_, i) => { if (!this.overrides.get(i)?.deleted) index.set(i, j++); });
    this.saved = { index, bytes };
  }

  // -------------------------------------------------------------------------
  // Editing

  /** Validates an op and turns it into an edit (not yet applied); a string says why not. */
  prepare(op: EditOp): AnnotationEdit | CreateEdit | string {
    if (op.op === 'create') return this.prepareCreate(op);
    if (op.op === 'createMask') return this.prepareCreateMask(op);
    const a = this.annotation(op.annotationIndex);
    if (!a) return `No annotation at index ${op.annotationIndex}`;
    if (a.ov?.deleted) return 'The annotation was deleted';
    const before = a.ov;
    const cur: AnnOverride = { ...before };
    const name = `annotation ${String(idOf(a.value.id) ?? op.annotationIndex)}`;
    switch (op.op) {
      case 'delete':
        return { label: `Delete ${name}`, annotationIndex: op.annotationIndex, before, after: { ...cur, deleted: true } };
      case 'setCategory': {
        if (!this.base.categoriesWithId(op.categoryId).length) return `No category with id ${String(op.categoryId)}`;
        return { label: `Change category of ${name}`, annotationIndex: op.annotationIndex, before, after: { ...cur, categoryId: op.categoryId } };
      }
      case 'setBbox': {
        const b = op.bbox;
        if (!Array.isArray(b) || b.length !== 4 || !b.every((x) => Number.isFinite(x)) || b[2] < 0 || b[3] < 0) return 'Invalid box';
        const bbox = b.map(round2) as Box;
        const seg = cur.segmentation ?? a.value.segmentation;
        const kind = seg === undefined ? undefined : segmentationKind(seg);
        if (kind === 'rle' || kind === 'compressed-rle' || kind === 'rle-list') {
          return `${name[0].toUpperCase()}${name.slice(1)} is an RLE mask: the viewer does not move or resize masks (only polygons and plain boxes). Edit it in the JSON text or re-draw it as a polygon.`;
        }
        if (kind === 'polygons') {
          // The polygons (and labeled keypoints) go with the box: moved, and scaled from the old box into the new one.
          const polys = seg as number[][];
          const from = cur.bbox ?? bboxOf(a.value.bbox) ?? polygonBbox(polys);
          const moved = from[2] === bbox[2] && from[3] === bbox[3];
          const after = this.withKeypoints(a.value, this.withPolygons(a.value, cur, fitPolygons(polys, from, bbox)), from, bbox);
          return { label: `${moved ? 'Move' : 'Resize'} ${name}`, annotationIndex: op.annotationIndex, before, after };
        }
        const from = cur.bbox ?? bboxOf(a.value.bbox);
        const after: AnnOverride = from ? this.withKeypoints(a.value, { ...cur, bbox }, from, bbox) : { ...cur, bbox };
        const hasSeg = seg !== undefined && !(Array.isArray(seg) && seg.length === 0);
        if (!hasSeg) after.area = Math.round(bbox[2] * bbox[3] * 100) / 100;
        return { label: `Move box of ${name}`, annotationIndex: op.annotationIndex, before, after };
      }
      case 'setPolygons': {
        const seg = cur.segmentation ?? a.value.segmentation;
        if (seg !== undefined && segmentationKind(seg) !== 'polygons' && !(Array.isArray(seg) && seg.length === 0)) return `${name} is not a polygon annotation`;
        const cleaned = cleanPolygons(op.polygons);
        if (typeof cleaned === 'string') return cleaned;
        // Vertices the user did not move keep their exact value (the webview sends float32, rounded).
        const polys = keepUntouched(Array.isArray(seg) && segmentationKind(seg) === 'polygons' ? seg as number[][] : undefined, cleaned);
        const after = this.withPolygons(a.value, cur, polys);
        // An unchanged extent keeps the box as written.
        const oldBox = cur.bbox ?? bboxOf(a.value.bbox);
        if (oldBox && after.bbox && after.bbox.every((x, i) => round2(x) === round2(oldBox[i]))) after.bbox = oldBox;
        return { label: op.label ?? `Edit polygon of ${name}`, annotationIndex: op.annotationIndex, before, after };
      }
    }
  }

  /** Height and width of the image an annotation belongs to (0, 0 when unknown). */
  private imageSizeOf(v: JsonObject): [number, number] {
    const i = this.imageIndexOfId(idOf(v.image_id) as IdKey);
    if (i === undefined) return [0, 0];
    const img = this.base.imageEntries[i].value;
    return isJsonObject(img) ? [num(img.height) ?? 0, num(img.width) ?? 0] : [0, 0];
  }

  /**
   * The labeled keypoints moved / scaled from box `from` into `to` (as the polygons are), when the
   * annotation has keypoints and one of them moves; else the override as it is.
   */
  private withKeypoints(v: JsonObject, ov: AnnOverride, from: Box, to: Box): AnnOverride {
    const kp = ov.keypoints ?? keypointsOf(v.keypoints);
    if (!kp) return ov;
    const moved = fitKeypoints(kp, from, to);
    if (moved.every((x, i) => x === kp[i])) return ov;
    return { ...ov, keypoints: moved };
  }

  /** An override with new polygons, their extent as bbox and pycocotools' mask area. */
  private withPolygons(v: JsonObject, cur: AnnOverride, polys: number[][]): AnnOverride {
    const [h, w] = this.imageSizeOf(v);
    const { bbox, area } = polygonFields(polys, h, w);
    return { ...cur, segmentation: polys, bbox, area };
  }

  private nextAnnotationId(): number {
    let max = 0;
    this.forEachAnnotation((v) => { if (isJsonObject(v) && typeof v.id === 'number' && Number.isFinite(v.id) && v.id > max) max = v.id; });
    return Math.floor(max) + 1;
  }

  private prepareCreate(op: Extract<EditOp, { op: 'create' }>): CreateEdit | string {
    const img = this.base.imageEntries[op.imageIndex];
    if (!img || !isJsonObject(img.value)) return `No image at index ${op.imageIndex}`;
    const imageId = idOf(img.value.id);
    if (imageId === undefined) return 'The image has no id';
    if (!this.base.categoriesWithId(op.categoryId).length) return `No category with id ${String(op.categoryId)}`;
    let polys = cleanPolygons(op.polygons);
    if (typeof polys === 'string') return polys;
    if (op.shape === 'box') {
      // A box is written as its 4-corner polygon, so instance-segmentation files stay consistent.
      const b = polygonBbox(polys);
      polys = [boxPolygon(b)];
    }
    const H = num(img.value.height) ?? 0;
    const W = num(img.value.width) ?? 0;
    const { bbox, area } = polygonFields(polys, H, W);
    if (bbox[2] <= 0 || bbox[3] <= 0) return 'The shape is empty';
    const id = this.nextAnnotationId();
    const value: JsonObject = { id, image_id: imageId, category_id: op.categoryId, segmentation: polys, area, bbox, iscrowd: 0 };
    return { kind: 'create', label: `Add ${op.shape} annotation ${id}`, annotationIndex: this.base.annotationEntries.length + this.added.length, value };
  }

  private prepareCreateMask(op: Extract<EditOp, { op: 'createMask' }>): CreateEdit | string {
    const img = this.base.imageEntries[op.imageIndex];
    if (!img || !isJsonObject(img.value)) return `No image at index ${op.imageIndex}`;
    const imageId = idOf(img.value.id);
    if (imageId === undefined) return 'The image has no id';
    if (!this.base.categoriesWithId(op.categoryId).length) return `No category with id ${String(op.categoryId)}`;
    const [h, w] = op.segmentation.size;
    if (!(h > 0 && w > 0) || typeof op.segmentation.counts !== 'string') return 'The mask is not a valid RLE';
    if (!(op.area > 0) || !(op.bbox[2] > 0 && op.bbox[3] > 0)) return 'The mask is empty';
    const id = this.nextAnnotationId();
    const value: JsonObject = {
      id, image_id: imageId, category_id: op.categoryId,
      segmentation: { size: [h, w], counts: op.segmentation.counts }, area: op.area, bbox: op.bbox.map(round2), iscrowd: 0,
    };
    return { kind: 'create', label: `Add mask annotation ${id}`, annotationIndex: this.base.annotationEntries.length + this.added.length, value };
  }

  /**
   * A quick fix's byte edits (ranges of the base bytes) as an edit of the base.
   * A string says why not (there are unsaved annotation edits: the ranges would be off).
   */
  async prepareByteEdits(label: string, edits: readonly ByteEdit[], from: Fingerprint | undefined): Promise<BaseEdit | string> {
    if (this.isDirtyVsBase) return 'Save (or undo) the edits made in the viewer first: the fix was computed for the file as checked.';
    // Offsets are only meaningful in the bytes they were computed from: same length is not enough.
    if (from === undefined || from !== this.baseFingerprint) return STALE_FIX;
    const len = this.base.bytes.length;
    if (edits.some((e) => e.start < 0 || e.end > len || e.start > e.end)) return STALE_FIX;
    const sorted = [...edits].sort((a, b) => a.start - b.start).map((e) => ({ start: e.start, end: e.end, newText: e.newText }));
    const bytes = applyByteEdits(this.base.bytes, sorted);
    const after = await parseDocument(bytes, this.fileName);
    return { kind: 'base', label, edits: sorted, from, before: this.base, after };
  }

  /** A base edit replayed synchronously (backup restore): undefined when `from` is not this base. */
  private replayBaseEdit(e: Extract<SerializedEdit, { kind: 'base' }>): BaseEdit | undefined {
    if (e.from !== this.baseFingerprint || this.isDirtyVsBase) return undefined;
    const after = parseCoco(applyByteEdits(this.base.bytes, e.edits), { path: this.fileName });
    return { kind: 'base', label: e.label, edits: e.edits, from: e.from, before: this.base, after };
  }

  /** How many edits of the stack were saved (the save point, for a restored backup). */
  get savedCount(): number { return this.savedMark.length; }

  /** A restored backup: its first `n` edits are what the file on disk holds. */
  private markSavedAt(n: number, backup: EditBackup): void {
    this.savedMark = { length: n, top: this.stack[n - 1] };
    this.savedChain = backup.chain;
    this.diskFingerprint = backup.disk;
    if (n > 0) this.markSavedIndex();
  }

  /** What a hot-exit backup holds: the edit list and how to find its bytes again, never the file. */
  backup(): EditBackup {
    return {
      labelscopeBackup: 1,
      file: this.fileName,
      disk: this.diskFingerprint ?? this.baseFingerprint,
      loaded: this.loadedFingerprint ?? this.baseFingerprint,
      chain: this.savedChain,
      savedCount: this.savedMark.length,
      edits: this.serializeEdits(),
    };
  }

  /**
   * A model from a backup and the file as it is now. A string says why not: the file changed
   * since the backup (its fingerprint is not the one the backup was made against).
   */
  static async restore(backup: EditBackup, disk: Uint8Array, fileName: string, opts: ParseAsyncOptions = {}): Promise<CocoEditorModel | string> {
    const now = await fingerprintAsync(disk);
    if (now !== backup.disk) return 'changed';
    let bytes = disk;
    for (const step of backup.chain) bytes = applyByteEdits(bytes, step);
    if (fingerprint(bytes) !== backup.loaded) return 'The backup does not match the file (its saved edits could not be undone).';
    const model = new CocoEditorModel(await parseDocument(bytes, fileName, opts), fileName);
    model.loadedFingerprint = backup.loaded;
    const applied = model.replay(backup.edits);
    if (typeof applied === 'string') return applied;
    model.markSavedAt(Math.min(backup.savedCount, applied.length), backup);
    return model;
  }

  /** The edit stack as a backup holds it (annotation overrides, created values, fix byte edits). */
  serializeEdits(): SerializedEdit[] {
    return this.stack.map((e): SerializedEdit => {
      if (e.kind === 'base') return { kind: 'base', label: e.label, edits: [...e.edits], from: e.from };
      if (e.kind === 'create') return { kind: 'create', label: e.label, annotationIndex: e.annotationIndex, value: e.value };
      return { kind: 'annotation', label: e.label, annotationIndex: e.annotationIndex, ...(e.before ? { before: e.before } : {}), after: e.after };
    });
  }

  /**
   * Replays a backup's edits on this (freshly read) base, in order. Returns the edits applied,
   * or a string saying why not (nothing is applied then).
   */
  replay(edits: readonly SerializedEdit[]): ModelEdit[] | string {
    const applied: ModelEdit[] = [];
    const undoAll = () => { for (const e of applied.reverse()) this.undo(e); };
    for (const s of edits) {
      let e: ModelEdit | undefined;
      if (s.kind === 'base') e = this.replayBaseEdit(s);
      else if (s.kind === 'create') e = s.annotationIndex === this.base.annotationEntries.length + this.added.length ? { kind: 'create', label: s.label, annotationIndex: s.annotationIndex, value: s.value } : undefined;
      else e = s.annotationIndex >= 0 && s.annotationIndex < this.base.annotationEntries.length + this.added.length ? { kind: 'annotation', label: s.label, annotationIndex: s.annotationIndex, before: s.before, after: s.after } : undefined;
      if (!e) { undoAll(); return `The backed-up edit "${s.label}" does not fit the file any more.`; }
      this.apply(e);
      applied.push(e);
    }
    return applied;
  }

  apply(edit: ModelEdit): void {
    this.editGeneration.set(edit, this._generation);
    this.stack.push(edit);
    this.applyOnly(edit);
  }

  private applyOnly(edit: ModelEdit): void {
    if (edit.kind === 'base') { this.setBase(edit.after); return; }
    if (edit.kind === 'create') {
      const k = edit.annotationIndex - this.base.annotationEntries.length;
      if (k !== this.added.length) throw new Error('Annotations created out of order');
      this.added.push(edit.value);
      this._version++;
      return;
    }
    this.set(edit.annotationIndex, edit.after);
  }

  undo(edit: ModelEdit): void {
    const at = this.stack.lastIndexOf(edit);
    if (at >= 0) this.stack.splice(at, 1);
    if (edit.kind === 'base') { this.setBase(edit.before); return; }
    if (edit.kind === 'create') {
      const k = edit.annotationIndex - this.base.annotationEntries.length;
      if (k === this.added.length - 1) this.added.pop();
      this.overrides.delete(edit.annotationIndex);
      this._version++;
      return;
    }
    this.set(edit.annotationIndex, edit.before);
  }

  private setBase(doc: CocoDocument): void {
    this.base = doc;
    this.saved = undefined;
    this.stats = undefined;
    this.added = [];
    this.overrides.clear();
    this.imageIndexById = undefined;
    this._version++;
  }

  private set(index: number, ov: AnnOverride | undefined): void {
    if (ov && Object.keys(ov).length > 0) this.overrides.set(index, ov);
    else this.overrides.delete(index);
    this._version++;
  }

  /** The overrides as byte edits against the base bytes. */
  byteEdits(): ByteEdit[] {
    const doc = this.base;
    const entries = doc.annotationEntries;
    const edits: ByteEdit[] = [];
    const nBase = entries.length;
    const deleted = [...this.overrides].filter(([i, o]) => o.deleted && i < nBase).map(([i]) => i).sort((x, y) => x - y);
    const section = doc.sections.get('annotations');
    // New annotations (not deleted again), in the style of the file's last annotation.
    const style = this.added.length ? elementStyle(doc, entries, section) : undefined;
    const newTexts: string[] = [];
    this.added.forEach((v, k) => {
      const ov = this.overrides.get(nBase + k);
      if (ov?.deleted) return;
      const value: JsonObject = { ...v };
      if (ov?.categoryId !== undefined) value.category_id = ov.categoryId;
      if (ov?.segmentation) value.segmentation = ov.segmentation;
      if (ov?.area !== undefined) value.area = ov.area;
      if (ov?.bbox) value.bbox = ov.bbox;
      if (ov?.keypoints) value.keypoints = ov.keypoints;
      newTexts.push(elementText(value, style!));
    });
    if (newTexts.length && section && deleted.length === nBase && nBase > 0) {
      // Every annotation of the file deleted: the array is written anew.
      const edit = appendElements(doc, [], section, newTexts, style!);
      return edit ? [edit] : [];
    }
    // Runs of deleted neighbours go in one edit so that no two edits share a comma.
    for (let k = 0; k < deleted.length;) {
      let j = k;
      while (j + 1 < deleted.length && deleted[j + 1] === deleted[j] + 1) j++;
      const a = deleted[k];
      const b = deleted[j];
      if (a > 0) edits.push({ start: entries[a - 1].end, end: entries[b].end, newText: '' });
      else if (b < entries.length - 1) edits.push({ start: entries[0].start, end: entries[b + 1].start, newText: '' });
      else {
        let s = entries[0].start;
        while (s > 0 && /\s/.test(String.fromCharCode(doc.bytes[s - 1]))) s--;
        let t = entries[b].end;
        while (t < doc.bytes.length && /\s/.test(String.fromCharCode(doc.bytes[t]))) t++;
        edits.push({ start: s, end: t, newText: '' });
      }
      k = j + 1;
    }
    for (const [i, ov] of this.overrides) {
      if (ov.deleted || i >= nBase) continue;
      const entry = entries[i];
      const setValue = (key: string, text: string) => {
        const r = locate(doc, entry, [key]);
        edits.push(r ? { start: r.start, end: r.end, newText: text } : insertProperty(doc, entry, key, text));
      };
      if (ov.categoryId !== undefined) setValue('category_id', JSON.stringify(ov.categoryId));
      // Arrays of numbers: only the numbers that changed (same shape), else the whole value in the file's style.
      const setNumbers = (key: string, next: readonly (readonly number[])[], whole: (sep: string) => string) => {
        const r = locate(doc, entry, [key]);
        const each = r ? numberArrayEdits(doc.bytes, r, next) : undefined;
        if (each) { edits.push(...each); return; }
        const old = r ? new TextDecoder().decode(doc.bytes.subarray(r.start, Math.min(r.end, r.start + 200))) : '';
        setValue(key, whole(/,\s/.test(old) || !r ? ', ' : ','));
      };
      if (ov.bbox) { const b = ov.bbox; setNumbers('bbox', [b], (sep) => `[${b.map(formatNumber).join(sep)}]`); }
      if (ov.segmentation) { const s = ov.segmentation; setNumbers('segmentation', s, (sep) => polygonsText(s, sep)); }
      if (ov.area !== undefined) {
        const r = locate(doc, entry, ['area']);
        const same = r && Number(new TextDecoder().decode(doc.bytes.subarray(r.start, r.end))) === ov.area;
        if (!same) setValue('area', formatNumber(ov.area));
      }
      if (ov.keypoints) { const k = ov.keypoints; setNumbers('keypoints', [k], (sep) => keypointsText(k, sep)); }
    }
    const append = style && appendElements(doc, entries, section, newTexts, style);
    if (append) edits.push(append);
    return edits;
  }

  /** The bytes to write: the base with only the edited values replaced. */
  bytes(): Uint8Array {
    return applyByteEdits(this.base.bytes, this.byteEdits());
  }

  /** After revert: the file as on disk, no overrides, nothing to undo here. */
  reset(base: CocoDocument): void { this.reload(base, 'disk'); }

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
  recheckInProcess(input: RecheckInput): RecheckResult[] {
    const doc = parseCoco(input.bytes, { path: this.fileName });
    const problems = checkDocument(doc, { only: PER_ANNOTATION_RULES }).problems
      .map((p) => ({ ...p, line: doc.lines.positionAt(p.start).line + 1 }));
    return this.recheckResult(input, problems);
  }

  /**
   * What the re-check of the edited annotations checks (made on the host, checked in the worker):
   * files up to `fullMaxBytes` the pending bytes (lines are the pending text's); bigger files a
   * small document of just those annotations, their images and the categories (lines: where the
   * annotation starts in the file). Undefined: nothing to check.
   */
  recheckInput(indices: readonly number[], fullMaxBytes = FULL_RECHECK_MAX_BYTES): RecheckInput | undefined {
    const want = indices.map((i) => ({ index: i, a: this.annotation(i) })).filter((x) => x.a && !x.a.ov?.deleted);
    if (!want.length) return undefined;
    const ids = new Map<string, number>();
    for (const w of want) ids.set(`${typeof w.a!.value.id}:${String(w.a!.value.id)}`, w.index);
    const version = this._version;
    const generation = this._generation;
    if (this.base.bytes.length <= fullMaxBytes) return { version, generation, bytes: this.bytes(), mini: false, ids, indices: want.map((w) => w.index) };
    const anns = want.map((w) => {
      const a = w.a!;
      const v: JsonObject = { ...a.value };
      if (a.ov?.categoryId !== undefined) v.category_id = a.ov.categoryId;
      if (a.ov?.segmentation) v.segmentation = a.ov.segmentation;
      if (a.ov?.bbox) v.bbox = a.ov.bbox;
      if (a.ov?.area !== undefined) v.area = a.ov.area;
      if (a.ov?.keypoints) v.keypoints = a.ov.keypoints;
      return v;
    });
    const imageIds = new Set(anns.map((v) => `${typeof v.image_id}:${String(v.image_id)}`));
    const images = this.base.imageEntries.map((e) => e.value).filter((v) => isJsonObject(v) && imageIds.has(`${typeof v.id}:${String(v.id)}`));
    const mini = { images, annotations: anns, categories: this.base.categoryEntries.map((e) => e.value) };
    return { version, generation, bytes: new TextEncoder().encode(JSON.stringify(mini)), mini: true, ids, indices: want.map((w) => w.index) };
  }

  /** The checked problems of `input` by edited annotation (lines in the file for a small document). */
  recheckResult(input: RecheckInput, problems: readonly RecheckedProblem[]): RecheckResult[] {
    const out = new Map<number, Omit<ProblemInfo, 'key'>[]>(input.indices.map((i) => [i, []]));
    for (const p of problems) {
      if (p.annotationId === undefined) continue;
      const i = input.ids.get(`${typeof p.annotationId}:${String(p.annotationId)}`);
      const a = i === undefined ? undefined : this.annotation(i);
      if (i === undefined || !a) continue;
      let line = p.line;
      if (input.mini) {
        const e = this.base.annotationEntries[i];
        line = e ? this.base.lines.positionAt(e.start).line + 1 : 0;
      }
      out.get(i)!.push({
        rule: p.rule, severity: p.severity, message: p.message, annotationId: p.annotationId,
        imageIndex: this.imageIndexOfId(idOf(a.value.image_id) as IdKey) ?? -1,
        line,
      });
    }
    return input.indices.flatMap((index) => {
      const a = this.annotation(index);
      return a ? [{ annotationId: idOf(a.value.id) ?? `#${index}`, index, problems: out.get(index)! }] : [];
    });
  }
}
