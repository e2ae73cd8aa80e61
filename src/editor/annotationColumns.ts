/**
 * The annotations the viewer needs to know about without parsing them again, in typed arrays
 * (about 40 bytes an annotation, against ~900 for the parsed objects of a train2017 annotation):
 * where each one is in the bytes, its `id`, `image_id` and `category_id` as written, its box's
 * width and height and its `area`. The grid, the category counts, the problem index and the
 * lookups by id read these; an annotation's full value is parsed only when it is shown or edited
 * (lazyDocument.ts).
 */
import type { CocoDocument, IdKey, Located } from '../core/coco/document';
import { isJsonObject } from '../core/coco/document';
import { bboxOf, num } from './jsonValues';
import { sortInSlices, STEPS, type SliceClock } from './slices';

/** An int32 column slot meaning "not an int32: see `other`" (a value of exactly this moves the column to float64). */
const NOT_INT = -2147483648;

/**
 * One id field of every annotation, as written (number, string, or anything else a broken file
 * holds). Int32 while every number fits, else float64; other values in a side map (absent: the
 * field is missing).
 */
export class IdColumn {
  private ints: Int32Array | undefined = new Int32Array(1024);
  private floats: Float64Array | undefined;
  private other = new Map<number, unknown>();
  length = 0;

  push(v: unknown): void {
    const i = this.length++;
    this.ensure(i + 1);
    if (this.ints) {
      if (typeof v === 'number' && (v | 0) === v && v !== NOT_INT && !Object.is(v, -0)) { this.ints[i] = v; return; }
      if (typeof v === 'number' && !Number.isNaN(v)) { this.toFloats(); this.floats![i] = v; return; }
      this.ints[i] = NOT_INT;
    } else {
      if (typeof v === 'number' && !Number.isNaN(v)) { this.floats![i] = v; return; }
      this.floats![i] = NaN;
    }
    if (v !== undefined) this.other.set(i, v);
  }

  /** The column as plain data (typed arrays to transfer, the side map cloned): made in a worker, read on the host. */
  toData(): IdColumnData {
    this.trim();
    return { length: this.length, ints: this.ints, floats: this.floats, other: this.other };
  }

  static fromData(d: IdColumnData): IdColumn {
    const c = new IdColumn();
    c.ints = d.ints;
    c.floats = d.floats;
    c.other = d.other;
    c.length = d.length;
    return c;
  }

  get(i: number): unknown {
    if (this.ints) {
      const x = this.ints[i];
      return x !== NOT_INT ? x : this.other.get(i);
    }
    const x = this.floats![i];
    return x === x ? x : this.other.get(i);
  }

  /** Drops the spare room left by growing. */
  trim(): void {
    if (this.ints) { if (this.ints.length !== this.length) this.ints = this.ints.slice(0, this.length); }
    else if (this.floats!.length !== this.length) this.floats = this.floats!.slice(0, this.length);
  }

  private ensure(n: number): void {
    const cur = this.ints ?? this.floats!;
    if (n <= cur.length) return;
    const size = Math.max(n, cur.length * 2);
    if (this.ints) { const g = new Int32Array(size); g.set(this.ints); this.ints = g; } else { const g = new Float64Array(size); g.set(this.floats!); this.floats = g; }
  }

  private toFloats(): void {
    const ints = this.ints!;
    const f = new Float64Array(ints.length);
    for (let k = 0; k < this.length; k++) f[k] = ints[k] === NOT_INT ? NaN : ints[k];
    this.floats = f;
    this.ints = undefined;
  }
}

/** An IdColumn as structured-clone data: `ints` or `floats`, and the values that are not numbers. */
export interface IdColumnData { length: number; ints?: Int32Array; floats?: Float64Array; other: Map<number, unknown> }

/** A growable array of byte offsets: Uint32 (files under 4 GiB), float64 past that. */
class Offsets {
  a: Uint32Array | Float64Array = new Uint32Array(1024);
  length = 0;
  push(x: number): void {
    if (this.length === this.a.length || (x > 0xffffffff && this.a instanceof Uint32Array)) {
      const g = x > 0xffffffff || this.a instanceof Float64Array ? new Float64Array(this.a.length * 2) : new Uint32Array(this.a.length * 2);
      g.set(this.a);
      this.a = g;
    }
    this.a[this.length++] = x;
  }
  trim(): Uint32Array | Float64Array { return this.a.slice(0, this.length); }
}

/** A growable Float64Array. */
class Floats {
  a = new Float64Array(1024);
  length = 0;
  push(x: number): void {
    if (this.length === this.a.length) { const g = new Float64Array(this.a.length * 2); g.set(this.a); this.a = g; }
    this.a[this.length++] = x;
  }
  trim(): Float64Array { return this.a.slice(0, this.length); }
}

/** Flags per annotation. */
const IS_OBJECT = 1;
/** The element holds bare NaN / Infinity tokens (parsed with placeholders). */
export const NON_FINITE = 2;
/** The element is not valid JSON (its value is undefined; the load reported it). */
export const INVALID = 4;

interface Parts { nums: number[]; packable: boolean; strings: Map<string, number[]> }

/** Index bits of a packed (value, index) key: value · 2²² + index is exact for int32 values and up to 4M annotations. */
const INDEX_BITS = 2 ** 22;

export interface IdIndexData { sorted: Float64Array; order: Uint32Array | undefined; strings: Map<string, number[]> }

/**
 * Which annotations have each value of an id column, found by binary search in the values sorted
 * once (8 to 12 bytes an annotation, where a Map of arrays costs ~100): numbers and strings apart,
 * file order within one value. Int32 values are sorted as packed (value, index) keys by the
 * typed array's own sort (~20× faster than a comparator over 860k annotations).
 */
class IdIndex {
  /**
   * `sorted`: packed keys (value · 2²² + index), or with `order`: the values in sorted order.
   * `strings`: the indices of each string value.
   */
  private constructor(
    private readonly sorted: Float64Array,
    private readonly order: Uint32Array | undefined,
    private readonly strings: Map<string, number[]>,
  ) {}

  /** The index as structured-clone data (its arrays to transfer): built on a worker, used on the host. */
  toData(): IdIndexData { return { sorted: this.sorted, order: this.order, strings: this.strings }; }
  static fromData(d: IdIndexData): IdIndex { return new IdIndex(d.sorted, d.order, d.strings); }

  static build(col: IdColumn, n: number): IdIndex {
    const parts = IdIndex.collect(col, 0, n, { nums: [], packable: n <= INDEX_BITS, strings: new Map() });
    if (parts.packable) return new IdIndex(IdIndex.packed(col, parts.nums, 0, parts.nums.length, new Float64Array(parts.nums.length)).sort(), undefined, parts.strings);
    return IdIndex.unpacked(col, n, parts);
  }

  /** The same index, built in slices between which the event loop runs (big files on the host's thread). */
  static async buildInSlices(col: IdColumn, n: number, tick: SliceClock): Promise<IdIndex> {
    const parts: Parts = { nums: [], packable: n <= INDEX_BITS, strings: new Map() };
    for (let from = 0; from < n; from += STEPS) { IdIndex.collect(col, from, Math.min(n, from + STEPS), parts); await tick(); }
    if (!parts.packable) return IdIndex.unpacked(col, n, parts);
    const keys = new Float64Array(parts.nums.length);
    for (let from = 0; from < keys.length; from += STEPS) { IdIndex.packed(col, parts.nums, from, Math.min(keys.length, from + STEPS), keys); await tick(); }
    return new IdIndex(await sortInSlices(keys, tick), undefined, parts.strings);
  }

  private static collect(col: IdColumn, from: number, to: number, parts: Parts): Parts {
    for (let i = from; i < to; i++) {
      const v = col.get(i);
      if (typeof v === 'number') {
        parts.nums.push(i);
        if ((v | 0) !== v) parts.packable = false;
      } else if (typeof v === 'string') {
        const list = parts.strings.get(v);
        if (list) list.push(i); else parts.strings.set(v, [i]);
      }
    }
    return parts;
  }

  private static packed(col: IdColumn, nums: number[], from: number, to: number, keys: Float64Array): Float64Array {
    for (let k = from; k < to; k++) keys[k] = (col.get(nums[k]) as number) * INDEX_BITS + nums[k];
    return keys;
  }

  /** Values that do not pack (non-int32, or over 4M annotations): a comparator sort (rare). */
  private static unpacked(col: IdColumn, n: number, parts: Parts): IdIndex {
    const order = Uint32Array.from(parts.nums);
    const key = new Float64Array(n);
    for (const i of order) key[i] = col.get(i) as number;
    order.sort((a, b) => key[a] - key[b] || a - b);
    const sorted = new Float64Array(order.length);
    for (let k = 0; k < order.length; k++) sorted[k] = key[order[k]];
    return new IdIndex(sorted, order, parts.strings);
  }

  /** The first index with this value (in file order). */
  first(id: IdKey): number | undefined {
    if (typeof id === 'string') return this.strings.get(id)?.[0];
    const s = this.sorted;
    if (!this.order) {
      if ((id | 0) !== id) return undefined;
      const from = id * INDEX_BITS;
      const k = lowerBound(s, from);
      return k < s.length && s[k] < from + INDEX_BITS ? s[k] - from : undefined;
    }
    const k = lowerBound(s, id);
    return k < s.length && s[k] === id ? this.order[k] : undefined;
  }

  /** Indices of the annotations with this value, in file order. */
  find(id: IdKey): readonly number[] {
    if (typeof id === 'string') return this.strings.get(id) ?? [];
    const s = this.sorted;
    const out: number[] = [];
    if (!this.order) {
      if ((id | 0) !== id) return out;
      const from = id * INDEX_BITS;
      for (let k = lowerBound(s, from); k < s.length && s[k] < from + INDEX_BITS; k++) out.push(s[k] - from);
      return out;
    }
    for (let k = lowerBound(s, id); k < s.length && s[k] === id; k++) out.push(this.order[k]);
    return out;
  }
}

function lowerBound(s: Float64Array, x: number): number {
  let lo = 0, hi = s.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (s[mid] < x) lo = mid + 1; else hi = mid; }
  return lo;
}

/**
 * AnnotationColumns as structured-clone data: what a worker that parsed the file posts to the
 * host (the typed arrays transferred, not copied; see `transferList`).
 */
export interface AnnotationColumnsData {
  length: number;
  starts: Uint32Array | Float64Array;
  ends: Uint32Array | Float64Array;
  flags: Uint8Array;
  ids: IdColumnData;
  imageIds: IdColumnData;
  categoryIds: IdColumnData;
  boxW: Float64Array;
  boxH: Float64Array;
  areas: Float64Array;
  /** The lookups by `id` and `image_id` and the category counts, when built where the columns were (the columns worker). */
  lookups?: { ids: IdIndexData; imageIds: IdIndexData; categoryCounts: Map<IdKey, number> };
}

export interface ImageColumnsData {
  length: number;
  starts: Uint32Array | Float64Array;
  ends: Uint32Array | Float64Array;
  flags: Uint8Array;
  ids: IdColumnData;
  /** The lookup by `id`, when built where the columns were. */
  lookup?: IdIndexData;
}

/** The buffers of column data, to transfer with postMessage (each array owns its whole buffer). */
export function transferList(data: AnnotationColumnsData | ImageColumnsData): ArrayBuffer[] {
  const ids = (c: IdColumnData) => [c.ints, c.floats];
  const index = (x: IdIndexData | undefined) => (x ? [x.sorted, x.order] : []);
  const arrays = 'boxW' in data
    ? [data.starts, data.ends, data.flags, data.boxW, data.boxH, data.areas, ...ids(data.ids), ...ids(data.imageIds), ...ids(data.categoryIds),
      ...index(data.lookups?.ids), ...index(data.lookups?.imageIds)]
    : [data.starts, data.ends, data.flags, ...ids(data.ids), ...index(data.lookup)];
  return arrays.filter((a): a is NonNullable<typeof a> => a !== undefined && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength).map((a) => a.buffer as ArrayBuffer);
}

export class AnnotationColumns {
  private idIndex?: IdIndex;
  private imageIndex?: IdIndex;
  private categoryCounts?: Map<IdKey, number>;

  constructor(
    readonly length: number,
    private readonly starts: Uint32Array | Float64Array,
    private readonly ends: Uint32Array | Float64Array,
    private readonly flags: Uint8Array,
    private readonly ids: IdColumn,
    private readonly imageIds: IdColumn,
    private readonly categoryIds: IdColumn,
    /** Box width and height (NaN: no box of 4 finite numbers), `area` (NaN: none). */
    private readonly boxW: Float64Array,
    private readonly boxH: Float64Array,
    private readonly areas: Float64Array,
  ) {}

  toData(): AnnotationColumnsData {
    const lookups = this.idIndex && this.imageIndex && this.categoryCounts
      ? { ids: this.idIndex.toData(), imageIds: this.imageIndex.toData(), categoryCounts: this.categoryCounts } : undefined;
    return {
      length: this.length, starts: this.starts, ends: this.ends, flags: this.flags,
      ids: this.ids.toData(), imageIds: this.imageIds.toData(), categoryIds: this.categoryIds.toData(),
      boxW: this.boxW, boxH: this.boxH, areas: this.areas, ...(lookups ? { lookups } : {}),
    };
  }

  static fromData(d: AnnotationColumnsData): AnnotationColumns {
    const c = new AnnotationColumns(
      d.length, d.starts, d.ends, d.flags,
      IdColumn.fromData(d.ids), IdColumn.fromData(d.imageIds), IdColumn.fromData(d.categoryIds), d.boxW, d.boxH, d.areas,
    );
    if (d.lookups) {
      c.idIndex = IdIndex.fromData(d.lookups.ids);
      c.imageIndex = IdIndex.fromData(d.lookups.imageIds);
      c.categoryCounts = d.lookups.categoryCounts;
    }
    return c;
  }

  /** Builds the lookups by `id` and `image_id` and the category counts in one go (on a worker: the host then builds none). */
  buildLookups(): void {
    this.idIndex ??= IdIndex.build(this.ids, this.length);
    this.imageIndex ??= IdIndex.build(this.imageIds, this.length);
    this.countsByCategory();
  }

  start(i: number): number { return this.starts[i]; }
  end(i: number): number { return this.ends[i]; }
  flagsOf(i: number): number { return this.flags[i]; }
  /** The element is a JSON object (else its fields below are all absent). */
  isObject(i: number): boolean { return (this.flags[i] & IS_OBJECT) !== 0; }
  /** The fields as written (any JSON value; undefined when absent). */
  id(i: number): unknown { return this.ids.get(i); }
  imageId(i: number): unknown { return this.imageIds.get(i); }
  categoryId(i: number): unknown { return this.categoryIds.get(i); }
  /** The box's [w, h] when it is 4 finite numbers, else undefined. */
  boxSize(i: number): [number, number] | undefined {
    const w = this.boxW[i];
    return w === w ? [w, this.boxH[i]] : undefined;
  }
  /** `area` when a finite number, else undefined. */
  area(i: number): number | undefined { const a = this.areas[i]; return a === a ? a : undefined; }

  /** Annotations with this `id`, in file order. */
  withId(id: IdKey): readonly number[] { return (this.idIndex ??= IdIndex.build(this.ids, this.length)).find(id); }
  /** The first annotation with this `id`. */
  firstWithId(id: IdKey): number | undefined { return (this.idIndex ??= IdIndex.build(this.ids, this.length)).first(id); }
  /** Annotations with this `image_id`, in file order. */
  ofImage(id: IdKey): readonly number[] { return (this.imageIndex ??= IdIndex.build(this.imageIds, this.length)).find(id); }
  /** Builds the lookups by `id` and `image_id` in slices (else the first lookup builds them in one go). */
  async prepareLookups(tick: SliceClock): Promise<void> {
    this.idIndex ??= await IdIndex.buildInSlices(this.ids, this.length, tick);
    this.imageIndex ??= await IdIndex.buildInSlices(this.imageIds, this.length, tick);
    if (!this.categoryCounts) {
      const m = new Map<IdKey, number>();
      for (let from = 0; from < this.length; from += STEPS) { this.countCategories(from, Math.min(this.length, from + STEPS), m); await tick(); }
      this.categoryCounts ??= m;
    }
  }
  /** Annotations per `category_id` (numbers and strings). */
  countsByCategory(): ReadonlyMap<IdKey, number> {
    if (this.categoryCounts) return this.categoryCounts;
    return (this.categoryCounts = this.countCategories(0, this.length, new Map()));
  }

  private countCategories(from: number, to: number, m: Map<IdKey, number>): Map<IdKey, number> {
    for (let i = from; i < to; i++) {
      const c = this.categoryIds.get(i);
      if (typeof c === 'number' || typeof c === 'string') m.set(c, (m.get(c) ?? 0) + 1);
    }
    return m;
  }
}

/** Collects the columns one annotation at a time, as the load parses them. */
export class ColumnsBuilder {
  private readonly starts = new Offsets();
  private readonly ends = new Offsets();
  private flags = new Uint8Array(1024);
  private readonly ids = new IdColumn();
  private readonly imageIds = new IdColumn();
  private readonly categoryIds = new IdColumn();
  private readonly boxW = new Floats();
  private readonly boxH = new Floats();
  private readonly areas = new Floats();

  get length(): number { return this.starts.length; }

  push(start: number, end: number, value: unknown, flags: number): void {
    const n = this.starts.length;
    if (n === this.flags.length) { const g = new Uint8Array(n * 2); g.set(this.flags); this.flags = g; }
    this.starts.push(start);
    this.ends.push(end);
    const o = isJsonObject(value) ? value : undefined;
    this.flags[n] = flags | (o ? IS_OBJECT : 0);
    this.ids.push(o?.id);
    this.imageIds.push(o?.image_id);
    this.categoryIds.push(o?.category_id);
    const b = o ? bboxOf(o.bbox) : null;
    this.boxW.push(b ? b[2] : NaN);
    this.boxH.push(b ? b[3] : NaN);
    this.areas.push((o ? num(o.area) : null) ?? NaN);
  }

  finish(): AnnotationColumns {
    for (const c of [this.ids, this.imageIds, this.categoryIds]) c.trim();
    return new AnnotationColumns(
      this.length, this.starts.trim(), this.ends.trim(), this.flags.slice(0, this.length),
      this.ids, this.imageIds, this.categoryIds, this.boxW.trim(), this.boxH.trim(), this.areas.trim(),
    );
  }
}

/** The images as columns: where each one is and its `id` (the rest is parsed when an image is shown). */
export class ImageColumns {
  private ids?: IdIndex;
  constructor(
    readonly length: number,
    private readonly starts: Uint32Array | Float64Array,
    private readonly ends: Uint32Array | Float64Array,
    private readonly flags: Uint8Array,
    private readonly idCol: IdColumn,
  ) {}
  toData(): ImageColumnsData {
    return { length: this.length, starts: this.starts, ends: this.ends, flags: this.flags, ids: this.idCol.toData(), ...(this.ids ? { lookup: this.ids.toData() } : {}) };
  }
  static fromData(d: ImageColumnsData): ImageColumns {
    const c = new ImageColumns(d.length, d.starts, d.ends, d.flags, IdColumn.fromData(d.ids));
    if (d.lookup) c.ids = IdIndex.fromData(d.lookup);
    return c;
  }
  /** Builds the lookup by `id` in one go (on a worker). */
  buildLookups(): void { this.ids ??= IdIndex.build(this.idCol, this.length); }
  start(i: number): number { return this.starts[i]; }
  end(i: number): number { return this.ends[i]; }
  flagsOf(i: number): number { return this.flags[i]; }
  isObject(i: number): boolean { return (this.flags[i] & IS_OBJECT) !== 0; }
  id(i: number): unknown { return this.idCol.get(i); }
  /** Images with this `id`, in file order. */
  withId(id: IdKey): readonly number[] { return (this.ids ??= IdIndex.build(this.idCol, this.length)).find(id); }
  /** Builds the lookup by `id` in slices. */
  async prepareLookups(tick: SliceClock): Promise<void> { this.ids ??= await IdIndex.buildInSlices(this.idCol, this.length, tick); }
  /** The first image with this `id`. */
  firstWithId(id: IdKey): number | undefined { return (this.ids ??= IdIndex.build(this.idCol, this.length)).first(id); }
}

export class ImageColumnsBuilder {
  private readonly starts = new Offsets();
  private readonly ends = new Offsets();
  private flags = new Uint8Array(1024);
  private readonly ids = new IdColumn();
  get length(): number { return this.starts.length; }
  push(start: number, end: number, value: unknown, flags: number): void {
    const n = this.starts.length;
    if (n === this.flags.length) { const g = new Uint8Array(n * 2); g.set(this.flags); this.flags = g; }
    this.starts.push(start);
    this.ends.push(end);
    const o = isJsonObject(value) ? value : undefined;
    this.flags[n] = flags | (o ? IS_OBJECT : 0);
    this.ids.push(o?.id);
  }
  finish(): ImageColumns {
    this.ids.trim();
    return new ImageColumns(this.length, this.starts.trim(), this.ends.trim(), this.flags.slice(0, this.length), this.ids);
  }
}

/** A document that keeps its annotations and images as columns (lazyDocument.ts). */
export interface HasColumns { readonly columns: AnnotationColumns; readonly imageColumns: ImageColumns }

const built = new WeakMap<CocoDocument, AnnotationColumns>();

/** The annotation columns of any document: its own (a lazy document), else made once from its parsed entries. */
export function columnsOf(doc: CocoDocument): AnnotationColumns {
  const own = (doc as Partial<HasColumns>).columns;
  if (own) return own;
  let c = built.get(doc);
  if (!c) built.set(doc, (c = columnsFromEntries(doc.annotationEntries)));
  return c;
}

const imagesBuilt = new WeakMap<CocoDocument, ImageColumns>();

/** The image columns of any document: its own (a lazy document), else made once from its parsed entries. */
export function imageColumnsOf(doc: CocoDocument): ImageColumns {
  const own = (doc as Partial<HasColumns>).imageColumns;
  if (own) return own;
  let c = imagesBuilt.get(doc);
  if (!c) {
    const b = new ImageColumnsBuilder();
    for (const e of doc.imageEntries) b.push(e.start, e.end, e.value, e.value === undefined ? INVALID : 0);
    imagesBuilt.set(doc, (c = b.finish()));
  }
  return c;
}

function columnsFromEntries(entries: readonly Located[]): AnnotationColumns {
  const b = new ColumnsBuilder();
  for (const e of entries) b.push(e.start, e.end, e.value, e.value === undefined ? INVALID : 0);
  return b.finish();
}
