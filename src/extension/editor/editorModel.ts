/**
 * The editor's document model, free of `vscode` (tested in plain mocha).
 *
 * The base is a parsed CocoDocument over the bytes as read (or as restored from a
 * backup). Edits never rewrite the model: they are kept as per-annotation
 * overrides, and the bytes to save are `applyByteEdits(base, overrides → edits)`,
 * so an annotation nobody touched keeps its exact bytes, and undo/redo is just
 * putting the previous override back.
 */
import type { CocoDocument, IdKey, JsonObject, Located } from '../../core/coco/document';
import { isJsonObject } from '../../core/coco/document';
import { locate } from '../../core/coco/locate';
import { parseCoco, parseCocoAsync, type ParseAsyncOptions } from '../../core/coco/parse';
import { applyByteEdits } from '../../core/edits/applyByteEdits';
import { insertProperty } from '../../core/edits/jsonEdits';
import { rleCounts, segmentationKind, segmentationToRle } from '../../core/geometry';
import type { ByteEdit } from '../../core/problems';
import type {
  AnnotationInfo, CategoryInfo, EditOp, GeometryKind, Id, ImageGeometry, ImageInfo, ImagePayload, InitPayload,
} from '../../shared/protocol';

export interface AnnOverride {
  deleted?: boolean;
  categoryId?: Id;
  bbox?: [number, number, number, number];
  /** Set with bbox when the annotation has no segmentation (area follows the box). */
  area?: number;
}

/** One applied edit, as VS Code's undo stack holds it. */
export interface ModelEdit {
  readonly label: string;
  readonly annotationIndex: number;
  readonly before: AnnOverride | undefined;
  readonly after: AnnOverride;
}

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

function idOf(v: unknown): Id | undefined {
  return typeof v === 'number' || typeof v === 'string' ? v : undefined;
}

/** 2 decimals at most, the way COCO files print coordinates. */
export function fmtNum(x: number): string {
  const v = Math.round(x * 100) / 100;
  return Object.is(v, -0) ? '0' : String(v);
}

export class CocoEditorModel {
  private overrides = new Map<number, AnnOverride>();
  private _version = 0;

  constructor(public base: CocoDocument, readonly fileName: string) {}

  static async load(bytes: Uint8Array, fileName: string, opts: ParseAsyncOptions = {}): Promise<CocoEditorModel> {
    const doc = await parseCocoAsync(bytes, { ...opts, path: fileName });
    return new CocoEditorModel(doc, fileName);
  }

  static fromBytes(bytes: Uint8Array, fileName: string): CocoEditorModel {
    return new CocoEditorModel(parseCoco(bytes, { path: fileName }), fileName);
  }

  get version(): number { return this._version; }
  get imageCount(): number { return this.base.imageEntries.length; }
  get isDirtyVsBase(): boolean { return this.overrides.size > 0; }

  // -------------------------------------------------------------------------
  // Reading

  private annotation(index: number): { entry: Located; value: JsonObject; ov: AnnOverride | undefined } | undefined {
    const entry = this.base.annotationEntries[index];
    if (!entry || !isJsonObject(entry.value)) return undefined;
    return { entry, value: entry.value, ov: this.overrides.get(index) };
  }

  categories(): CategoryInfo[] {
    const counts = new Map<IdKey, number>();
    this.base.annotationEntries.forEach((e, i) => {
      if (!isJsonObject(e.value)) return;
      const ov = this.overrides.get(i);
      if (ov?.deleted) return;
      const c = ov?.categoryId ?? idOf(e.value.category_id);
      if (c !== undefined) counts.set(c, (counts.get(c) ?? 0) + 1);
    });
    const out: CategoryInfo[] = [];
    this.base.categoryEntries.forEach((e, i) => {
      if (!isJsonObject(e.value)) return;
      const id = idOf(e.value.id);
      if (id === undefined) return;
      out.push({
        id,
        name: typeof e.value.name === 'string' ? e.value.name : String(id),
        ...(typeof e.value.supercategory === 'string' ? { supercategory: e.value.supercategory } : {}),
        count: counts.get(id) ?? 0,
        colorIndex: i,
      });
    });
    return out;
  }

  annotationCount(): number {
    let n = this.base.annotationEntries.length;
    for (const ov of this.overrides.values()) if (ov.deleted) n--;
    return n;
  }

  /**
   * Images with a defect that one pass over the annotations finds: a segmentation
   * pycocotools can't read, a bbox that is not 4 finite numbers or leaves the image,
   * an unknown category. (The full check lives in core/rules; this is for `n`.)
   */
  problemImages(): Uint32Array {
    const cats = new Set(this.base.categoryEntries.map((e) => (isJsonObject(e.value) ? idOf(e.value.id) : undefined)));
    const imageIndexById = new Map<IdKey, number>();
    this.base.imageEntries.forEach((e, i) => {
      const id = isJsonObject(e.value) ? idOf(e.value.id) : undefined;
      if (id !== undefined && !imageIndexById.has(id)) imageIndexById.set(id, i);
    });
    const bad = new Set<number>();
    this.base.annotationEntries.forEach((e, i) => {
      const a = this.annotation(i);
      if (!a || a.ov?.deleted) return;
      const imgIndex = imageIndexById.get(idOf(a.value.image_id) as IdKey);
      if (imgIndex === undefined || bad.has(imgIndex)) return;
      const img = this.base.imageEntries[imgIndex].value as JsonObject;
      const W = num(img.width) ?? Infinity;
      const H = num(img.height) ?? Infinity;
      const bbox = a.ov?.bbox ?? bboxOf(a.value.bbox);
      const cat = a.ov?.categoryId ?? idOf(a.value.category_id);
      const seg = a.value.segmentation;
      const segBad = seg !== undefined && !(Array.isArray(seg) && seg.length === 0) && segmentationKind(seg) === 'invalid';
      if (!bbox || bbox[2] <= 0 || bbox[3] <= 0 || bbox[0] < 0 || bbox[1] < 0 || bbox[0] + bbox[2] > W + 0.5 || bbox[1] + bbox[3] > H + 0.5
        || cat === undefined || !cats.has(cat) || segBad) bad.add(imgIndex);
    });
    return Uint32Array.from([...bad].sort((x, y) => x - y));
  }

  init(imageIndex = 0, readonly = false): InitPayload {
    return {
      fileName: this.fileName,
      imageCount: this.imageCount,
      annotationCount: this.annotationCount(),
      categories: this.categories(),
      problemImages: this.problemImages(),
      imageIndex: Math.max(0, Math.min(imageIndex, this.imageCount - 1)),
      readonly,
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
    const located = idKey === undefined ? [] : this.base.annotationsOfImage(idKey);
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
      const seg = v.segmentation;
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
    const img = this.base.imagesWithId(idOf(a.value.image_id) as IdKey)[0];
    return img?.index;
  }

  // -------------------------------------------------------------------------
  // Editing

  /** Validates an op and turns it into an edit (not yet applied); a string says why not. */
  prepare(op: EditOp): ModelEdit | string {
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
        const bbox = b.map((x) => Math.round(x * 100) / 100) as [number, number, number, number];
        const after: AnnOverride = { ...cur, bbox };
        const seg = a.value.segmentation;
        const hasSeg = seg !== undefined && !(Array.isArray(seg) && seg.length === 0);
        if (!hasSeg) after.area = Math.round(bbox[2] * bbox[3] * 100) / 100;
        return { label: `Move box of ${name}`, annotationIndex: op.annotationIndex, before, after };
      }
    }
  }

  apply(edit: ModelEdit): void { this.set(edit.annotationIndex, edit.after); }
  undo(edit: ModelEdit): void { this.set(edit.annotationIndex, edit.before); }

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
    const deleted = [...this.overrides].filter(([, o]) => o.deleted).map(([i]) => i).sort((x, y) => x - y);
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
      if (ov.deleted) continue;
      const entry = entries[i];
      const setValue = (key: string, text: string) => {
        const r = locate(doc, entry, [key]);
        edits.push(r ? { start: r.start, end: r.end, newText: text } : insertProperty(doc, entry, key, text));
      };
      if (ov.categoryId !== undefined) setValue('category_id', JSON.stringify(ov.categoryId));
      if (ov.bbox) {
        const r = locate(doc, entry, ['bbox']);
        const old = r ? new TextDecoder().decode(doc.bytes.subarray(r.start, r.end)) : '';
        const sep = /,\s/.test(old) || !r ? ', ' : ',';
        setValue('bbox', `[${ov.bbox.map(fmtNum).join(sep)}]`);
      }
      if (ov.area !== undefined) setValue('area', fmtNum(ov.area));
    }
    return edits;
  }

  /** The bytes to write: the base with only the edited values replaced. */
  bytes(): Uint8Array {
    return applyByteEdits(this.base.bytes, this.byteEdits());
  }

  /** After revert: a new base, no overrides. */
  reset(base: CocoDocument): void {
    this.base = base;
    this.overrides.clear();
    this._version++;
  }
}
