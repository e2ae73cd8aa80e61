/**
 * The annotations as the viewer has edited them: the parsed base (the bytes as read) plus
 * per-annotation overrides and the annotations created here. Edits never rewrite the base, so
 * an annotation nobody touched keeps its exact bytes; undo is putting the previous override back.
 * `version` moves with every change (caches and re-check results are keyed on it).
 */
import type { CocoDocument, IdKey, JsonObject, Located } from '../core/coco/document';
import { isJsonObject } from '../core/coco/document';
import { idOf } from '../core/ruleKit/schema';
import type { Id } from '../shared/protocol';
import type { AnnOverride } from './editTypes';
import { columnsOf, imageColumnsOf, type AnnotationColumns, type ImageColumns } from './annotationColumns';
import { bboxOf, num } from './jsonValues';
import { sliceClock, STEPS } from './slices';

export interface AnnotationView {
  /** Where it is in the base (undefined: created here). */
  entry?: Located;
  value: JsonObject;
  ov: AnnOverride | undefined;
}

export class AnnotationState {
  readonly overrides = new Map<number, AnnOverride>();
  /** Annotations created in the viewer, in order (written after the last annotation of the file). */
  added: JsonObject[] = [];
  private _version = 0;
  private baseImageIndex?: Int32Array;

  constructor(public base: CocoDocument) {}

  get version(): number { return this._version; }
  get imageCount(): number { return this.base.imageEntries.length; }
  /** Annotations in the base. */
  get baseCount(): number { return this.base.annotationEntries.length; }
  /** The index the next created annotation gets. */
  get nextIndex(): number { return this.base.annotationEntries.length + this.added.length; }
  get isDirtyVsBase(): boolean { return this.overrides.size > 0 || this.added.length > 0; }
  /** The base's annotations as columns (what walks over all of them reads: nothing is parsed). */
  get columns(): AnnotationColumns { return columnsOf(this.base); }

  // An annotation's fields as the grid and the counts read them (overrides applied), base or
  // created, without parsing it. Index from 0 to nextIndex.

  /** The annotation exists, is a JSON object and is not deleted. */
  isLiveObject(index: number): boolean {
    if (this.overrides.size && this.overrides.get(index)?.deleted) return false;
    const c = this.columns;
    return index < c.length ? c.isObject(index) : isJsonObject(this.added[index - c.length]);
  }

  /** Index of the image an annotation belongs to (by its `image_id`; undefined: none). */
  imageIndexAt(index: number): number | undefined {
    const c = this.columns;
    if (index >= c.length) return this.imageIndexOfId(idOf(this.added[index - c.length]?.image_id) as IdKey);
    // Once per base: the grid's walks then read an array, not a map per annotation.
    this.baseImageIndex ??= this.imageIndicesOf(c, 0, c.length, new Int32Array(c.length));
    const k = this.baseImageIndex[index];
    return k < 0 ? undefined : k;
  }

  private imageIndicesOf(c: AnnotationColumns, from: number, to: number, m: Int32Array): Int32Array {
    for (let i = from; i < to; i++) m[i] = this.imageIndexOfId(idOf(c.imageId(i)) as IdKey) ?? -1;
    return m;
  }

  /**
   * Builds the base's lookups (annotation by id, by image, image by id, image of each annotation,
   * counts by category) in slices between which the event loop runs: on an 860k-annotation file
   * the first problem placement would otherwise build them in one go (~1 s) on the host's thread.
   */
  prepareLookups(yieldNow?: () => Promise<void>): Promise<void> {
    if (this.lookups?.base !== this.base) this.lookups = { base: this.base, ready: this.buildLookups(yieldNow) };
    return this.lookups.ready;
  }
  private lookups?: { base: CocoDocument; ready: Promise<void> };

  private async buildLookups(yieldNow?: () => Promise<void>): Promise<void> {
    const base = this.base;
    const tick = sliceClock(yieldNow);
    const c = this.columns;
    await this.imageColumns.prepareLookups(tick);
    await c.prepareLookups(tick);
    if (this.baseImageIndex || this.base !== base) return;
    const m = new Int32Array(c.length);
    for (let from = 0; from < c.length; from += STEPS) { this.imageIndicesOf(c, from, Math.min(c.length, from + STEPS), m); await tick(); }
    if (this.base === base) this.baseImageIndex ??= m;
  }

  /** `category_id` (as changed here, else as written). */
  categoryOf(index: number): Id | undefined {
    const ov = this.overrides.size ? this.overrides.get(index) : undefined;
    if (ov?.categoryId !== undefined) return ov.categoryId;
    const c = this.columns;
    return idOf(index < c.length ? c.categoryId(index) : this.added[index - c.length]?.category_id);
  }

  /** The box's width and height (as changed here, else as written; undefined: no box of 4 finite numbers). */
  boxSizeOf(index: number): [number, number] | undefined {
    const b = this.overrides.size ? this.overrides.get(index)?.bbox : undefined;
    if (b) return [b[2], b[3]];
    const c = this.columns;
    if (index < c.length) return c.boxSize(index);
    const v = bboxOf(this.added[index - c.length]?.bbox);
    return v ? [v[2], v[3]] : undefined;
  }

  /** `area` (as changed here, else as written; undefined: not a finite number). */
  areaOf(index: number): number | undefined {
    const a = this.overrides.size ? this.overrides.get(index)?.area : undefined;
    if (a !== undefined) return a;
    const c = this.columns;
    return index < c.length ? c.area(index) : num(this.added[index - c.length]?.area) ?? undefined;
  }

  annotation(index: number): AnnotationView | undefined {
    const n = this.base.annotationEntries.length;
    if (index >= n) {
      const value = this.added[index - n];
      return value ? { value, ov: this.overrides.get(index) } : undefined;
    }
    const entry = this.base.annotationEntries[index];
    if (!entry || !isJsonObject(entry.value)) return undefined;
    return { entry, value: entry.value, ov: this.overrides.get(index) };
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

  annotationCount(): number {
    let n = this.base.annotationEntries.length + this.added.length;
    for (const ov of this.overrides.values()) if (ov.deleted) n--;
    return n;
  }

  /** The base's images as columns (their `id`s without parsing them). */
  get imageColumns(): ImageColumns { return imageColumnsOf(this.base); }

  /** The `id` of image `index` (undefined when it has none). */
  imageIdAt(index: number): Id | undefined {
    return index >= 0 && index < this.imageCount ? idOf(this.imageColumns.id(index)) : undefined;
  }

  /** Index of the first image with this id. */
  imageIndexOfId(id: IdKey): number | undefined {
    if (typeof id !== 'number' && typeof id !== 'string') return undefined;
    return this.imageColumns.firstWithId(id);
  }

  /** The file_name of an image (the Segment tool's image file), undefined when it has none. */
  imageFileName(index: number): string | undefined {
    const v = this.base.imageEntries[index]?.value;
    return isJsonObject(v) && typeof v.file_name === 'string' ? v.file_name : undefined;
  }

  /** Index of the image that holds an annotation (for "reveal"). */
  imageIndexOfAnnotation(annotationId: Id): number | undefined {
    const c = this.columns;
    const i = c.firstWithId(annotationId);
    if (i === undefined || !c.isObject(i)) return undefined;
    return this.imageIndexAt(i);
  }

  /** A new base: no overrides, nothing created. */
  setBase(doc: CocoDocument): void {
    this.base = doc;
    this.added = [];
    this.overrides.clear();
    this.baseImageIndex = undefined;
    this._version++;
  }

  /** Puts an annotation's override (undefined or empty: the annotation as in the base). */
  set(index: number, ov: AnnOverride | undefined): void {
    if (ov && Object.keys(ov).length > 0) this.overrides.set(index, ov);
    else this.overrides.delete(index);
    this._version++;
  }

  /** Appends a created annotation; `index` must be the next one. */
  create(index: number, value: JsonObject): void {
    const k = index - this.base.annotationEntries.length;
    if (k !== this.added.length) throw new Error('Annotations created out of order');
    this.added.push(value);
    this._version++;
  }

  /** Takes back the creation of annotation `index` (and any override of it). */
  uncreate(index: number): void {
    const k = index - this.base.annotationEntries.length;
    if (k === this.added.length - 1) this.added.pop();
    this.overrides.delete(index);
    this._version++;
  }
}
