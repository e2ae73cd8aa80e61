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
  private imageIndexById?: Map<IdKey, number>;

  constructor(public base: CocoDocument) {}

  get version(): number { return this._version; }
  get imageCount(): number { return this.base.imageEntries.length; }
  /** Annotations in the base. */
  get baseCount(): number { return this.base.annotationEntries.length; }
  /** The index the next created annotation gets. */
  get nextIndex(): number { return this.base.annotationEntries.length + this.added.length; }
  get isDirtyVsBase(): boolean { return this.overrides.size > 0 || this.added.length > 0; }

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

  /** Every annotation value with its index: the file's, then the ones created here. */
  forEachAnnotation(f: (value: unknown, index: number) => void): void {
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

  annotationCount(): number {
    let n = this.base.annotationEntries.length + this.added.length;
    for (const ov of this.overrides.values()) if (ov.deleted) n--;
    return n;
  }

  /** The `id` of image `index` (undefined when it has none). */
  imageIdAt(index: number): Id | undefined {
    return idOf((this.base.imageEntries[index]?.value as { id?: unknown } | undefined)?.id);
  }

  /** Index of the first image with this id. */
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

  /** The file_name of an image (the Segment tool's image file), undefined when it has none. */
  imageFileName(index: number): string | undefined {
    const v = this.base.imageEntries[index]?.value;
    return isJsonObject(v) && typeof v.file_name === 'string' ? v.file_name : undefined;
  }

  /** Index of the image that holds an annotation (for "reveal"). */
  imageIndexOfAnnotation(annotationId: Id): number | undefined {
    const a = this.base.annotationsWithId(annotationId)[0];
    if (!a || !isJsonObject(a.value)) return undefined;
    return this.imageIndexOfId(idOf(a.value.image_id) as IdKey);
  }

  /** A new base: no overrides, nothing created. */
  setBase(doc: CocoDocument): void {
    this.base = doc;
    this.added = [];
    this.overrides.clear();
    this.imageIndexById = undefined;
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
