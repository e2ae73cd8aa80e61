/**
 * Per-annotation facts the segmentation / area / bbox rules share, computed in ONE pass over
 * the annotations and cached per document (documents are immutable once parsed).
 *
 * Struct-of-arrays typed arrays, no per-annotation objects: the pass reads every polygon
 * coordinate once and records what the rules need to skip the annotations that are fine
 * (kind, shape-defect flags, "may be zero-area", "not proven simple", vertex extents, shoelace
 * area, worst excess outside the image …). Rules then do their exact, original work only on
 * the annotations flagged as suspects, so messages and results stay identical.
 *
 * Every flag is conservative: a clear flag is a proof that the rule has nothing to report.
 */
import type { CocoDocument, IdKey, JsonObject, Located } from '../coco/document';
import { cachedPerDocument } from './documentCache';
import { allocateColumns } from './factColumns';

/** The annotation is not a JSON object. */
export const SEG_NOT_OBJECT = 0;
/** `segmentation` absent or a scalar / null. */
export const SEG_OTHER = 1;
/** `segmentation: []`. */
export const SEG_EMPTY = 2;
/** A non-empty list of lists (isPolygonList). */
export const SEG_POLYGONS = 3;
/** A non-empty list of numbers (isFlatList). */
export const SEG_FLAT = 4;
/** Any other non-empty list. */
export const SEG_MIXED_LIST = 5;
/** An object with `size` and `counts` (isRleObject). */
export const SEG_RLE = 6;
/** Any other object. */
export const SEG_OBJECT = 7;

/** Some polygon is a number list of length < 6 other than 4 (polygon-too-short). */
export const F_TOO_SHORT = 1;
/** Some polygon is a number list of exactly 4 numbers (polygon-four-numbers). */
export const F_FOUR = 2;
/** Some polygon is a number list of odd length ≥ 7 (polygon-odd-length). */
export const F_ODD = 4;
/** Every polygon is usable (≥ 6 numbers, even length, all finite): usablePolygons(seg) is defined. */
export const F_ALL_USABLE = 8;
/** Some usable polygon may have zero area (isZeroAreaPolygon not ruled out). */
export const F_ZERO_SUSPECT = 16;
/** Some usable polygon is not proven simple by the O(n) star-shaped test. */
export const F_SELF_SUSPECT = 32;
/** All usable and several polygons whose boxes overlap: cheapArea is undefined. */
export const F_BOXES_OVERLAP = 64;

export interface SegmentationFacts {
  readonly count: number;
  /** SEG_* per annotation. */
  readonly kind: Uint8Array;
  /** F_* bits per annotation (only polygon segmentations have any). */
  readonly flags: Uint8Array;
  /** Slot of the annotation's image_id (-1 when not a number or string); see imageKeyCount. */
  readonly imageSlot: Int32Array;
  /** Slots below this are ids of (first) images; above, ids no image has. */
  readonly imageKeyCount: number;
  /** Image width / height per slot when both are positive integers (imageSizeOf), else 0. */
  readonly slotW: Float64Array;
  readonly slotH: Float64Array;
  /** Slot of every image id and image_id seen (images first, in file order). */
  readonly slots: ReadonlyMap<IdKey, number>;
  /** 1 where some object annotation's image_id has this slot (annotationsOfImage(id).length > 0). */
  readonly slotHasAnnotation: Uint8Array;
  /** Vertex extents of all polygons (maskBox), valid when F_ALL_USABLE. */
  readonly minX: Float64Array;
  readonly minY: Float64Array;
  readonly maxX: Float64Array;
  readonly maxY: Float64Array;
  /** Sum of the polygons' shoelace areas (cheapArea's sum), valid when F_ALL_USABLE. */
  readonly shoelace: Float64Array;
  /** Largest max(-x, x - w, -y, y - h) over the usable polygons' points (0 when none or no image size). */
  readonly excess: Float64Array;
  /**
   * polygonsMaskArea(segmentation, h, w) of the polygon annotations coco/area-mismatch rasterizes
   * under its default tolerances (polygonAreaSuspect), NaN for the others; only in facts the
   * scan worker computed (the rule rasterizes whatever it finds NaN).
   */
  readonly polygonMaskArea?: Float64Array;
}

/** document's isJsonObject, local: a module-local call stays cheap in the hot pass. */
function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Facts made elsewhere for a document (the CLI's scan worker computes them from the same bytes
 * while this thread parses): `take` is called once, when a rule first asks; undefined from it
 * means "compute them here".
 */
const offered = new WeakMap<CocoDocument, () => SegmentationFacts | undefined>();

/** Offers facts computed elsewhere for `doc` (see `offered`); the first rule that needs them takes them. */
export function offerSegmentationFacts(doc: CocoDocument, take: () => SegmentationFacts | undefined): void {
  offered.set(doc, take);
}

export const segmentationFacts: (doc: CocoDocument) => SegmentationFacts = cachedPerDocument((doc) => {
  const take = offered.get(doc);
  offered.delete(doc);
  const given = take?.();
  return given !== undefined && given.count === doc.annotationEntries.length ? given : computeFacts(doc);
});

// Per-polygon boxes of the annotation being scanned (for cheapArea's overlap test).
let bx0 = new Float64Array(16), by0 = new Float64Array(16), bx1 = new Float64Array(16), by1 = new Float64Array(16);

function computeFacts(doc: CocoDocument): SegmentationFacts {
  const entries = doc.annotationEntries;
  const n = entries.length;
  const b = new SegmentationFactsBuilder(doc.imageEntries, n);
  for (let a = 0; a < n; a++) b.add(a, entries[a].value);
  return b.finish();
}

/** Below this shoelace area area-mismatch always rasterizes a polygon: pixel effects dominate. */
export const TINY_POLYGON_AREA = 64;

/**
 * Whether coco/area-mismatch rasterizes a polygon annotation with all polygons usable, shoelace
 * area `cheap` (facts.shoelace), stored `area`, overlap flag `overlap` (F_BOXES_OVERLAP) and
 * tolerance `max(abs, rel · area)`: cheap first, exact work only on suspects.
 */
export function polygonAreaSuspect(cheap: number, area: number, overlap: boolean, rel: number, abs: number): boolean {
  return overlap || !(cheap >= TINY_POLYGON_AREA && Math.abs(cheap - area) <= 0.5 * Math.max(abs, rel * cheap));
}

/** coco/area-mismatch's default tolerances (the worker rasterizes the suspects under these). */
export const AREA_MISMATCH_DEFAULTS = { relTolerance: 0.1, absTolerance: 2 } as const;

/** The per-annotation columns of SegmentationFacts, in one buffer (shared memory: two threads can fill them). */
export interface FactColumnSet extends Pick<SegmentationFacts, 'kind' | 'flags' | 'imageSlot' | 'minX' | 'minY' | 'maxX' | 'maxY' | 'shoelace' | 'excess'> {
  /** SegmentationFacts.polygonMaskArea, NaN-filled: only when the builders rasterize. */
  readonly maskArea?: Float64Array;
}

/** Zero-filled columns for `n` annotations (maskArea NaN-filled, when `rasterized`). */
export function allocateFactColumns(n: number, rasterized: boolean): FactColumnSet {
  if (!rasterized) {
    const [kind, flags, imageSlot, minX, minY, maxX, maxY, shoelace, excess] =
      allocateColumns(n, ['u8', 'u8', 'i32', 'f64', 'f64', 'f64', 'f64', 'f64', 'f64'] as const);
    return { kind, flags, imageSlot, minX, minY, maxX, maxY, shoelace, excess };
  }
  const [kind, flags, imageSlot, minX, minY, maxX, maxY, shoelace, excess, maskArea] =
    allocateColumns(n, ['u8', 'u8', 'i32', 'f64', 'f64', 'f64', 'f64', 'f64', 'f64', 'f64'] as const);
  maskArea.fill(NaN);
  return { kind, flags, imageSlot, minX, minY, maxX, maxY, shoelace, excess, maskArea };
}

/**
 * imageSlot of an annotation whose image_id no image has, in a builder that defers those
 * (SegmentationFactsBuilder's deferUnknownImages): the slots of unknown ids are numbered in file
 * order of first sight, so only an in-order pass (resolveDeferred) can give them.
 */
export const SLOT_DEFERRED = -2;

/**
 * Builds the facts one annotation at a time: computeFacts over a parsed document, in file order;
 * the CLI's check over shared columns, in chunks that two threads take in any order (scanFacts.ts).
 * Each annotation's facts depend only on its value and the images, except the slots of image ids
 * no image has: with deferUnknownImages those wait for resolveDeferred. Either way the columns
 * are the same for the same values.
 */
export class SegmentationFactsBuilder {
  private readonly slots = new Map<IdKey, number>();
  private readonly ws: number[] = [];
  private readonly hs: number[] = [];
  private readonly imageKeyCount: number;
  private readonly byId: Int32Array | undefined;
  private nextSlot: number;
  private readonly kind: Uint8Array;
  private readonly flags: Uint8Array;
  private readonly imageSlot: Int32Array;
  private readonly minX: Float64Array;
  private readonly minY: Float64Array;
  private readonly maxX: Float64Array;
  private readonly maxY: Float64Array;
  private readonly shoelace: Float64Array;
  private readonly excess: Float64Array;
  /** See SegmentationFacts.polygonMaskArea; only when asked for. */
  private readonly maskArea: Float64Array | undefined;
  private readonly deferUnknown: boolean;

  /**
   * `images`: the document's image entries (their values), `n`: how many annotations follow.
   * `polygonMaskArea`: rasterize area-mismatch's suspects; `columns`: fill these (made by
   * allocateFactColumns with maskArea when rasterizing) instead of new ones; `deferUnknownImages`:
   * see SLOT_DEFERRED; `flatPolygonMaskArea`: the same rasterizer over flat coordinates
   * (geometry's flatPolygonsMaskArea), for addPolygons, which then makes no arrays.
   */
  constructor(
    images: readonly { readonly value: unknown }[],
    readonly n: number,
    opts: {
      polygonMaskArea?: (polys: number[][], h: number, w: number) => number;
      flatPolygonMaskArea?: (coords: Float64Array, ends: Int32Array, np: number, h: number, w: number) => number;
      columns?: FactColumnSet;
      deferUnknownImages?: boolean;
    } = {},
  ) {
    // Image id → slot, first image wins (as doc.imageById); then unknown ids get slots too.
    const { slots, ws, hs } = this;
    for (const e of images) {
      const img = e.value;
      if (!isJsonObject(img)) continue;
      const id = img.id;
      if (typeof id !== 'number' && typeof id !== 'string') continue;
      if (slots.has(id)) continue;
      slots.set(id, ws.length);
      const w = img.width;
      const h = img.height;
      const ok = typeof w === 'number' && typeof h === 'number' && Number.isInteger(w) && Number.isInteger(h) && w > 0 && h > 0;
      ws.push(ok ? (w as number) : 0);
      hs.push(ok ? (h as number) : 0);
    }
    this.imageKeyCount = ws.length;
    this.nextSlot = ws.length;
    this.byId = slotsByIntegerId(slots, this.imageKeyCount, ws, hs);
    const columns = opts.columns ?? allocateFactColumns(n, opts.polygonMaskArea !== undefined);
    if (columns.kind.length !== n) throw new Error(`fact columns for ${columns.kind.length} annotations, not ${n}`);
    if (opts.polygonMaskArea && !columns.maskArea) throw new Error('rasterizing needs a maskArea column');
    ({ kind: this.kind, flags: this.flags, imageSlot: this.imageSlot, minX: this.minX, minY: this.minY, maxX: this.maxX, maxY: this.maxY, shoelace: this.shoelace, excess: this.excess } = columns);
    this.rasterize = opts.polygonMaskArea;
    this.rasterizeFlat = opts.polygonMaskArea ? opts.flatPolygonMaskArea : undefined;
    this.maskArea = opts.polygonMaskArea ? columns.maskArea : undefined;
    this.deferUnknown = opts.deferUnknownImages === true;
  }

  private readonly rasterize: ((polys: number[][], h: number, w: number) => number) | undefined;
  private readonly rasterizeFlat: ((coords: Float64Array, ends: Int32Array, np: number, h: number, w: number) => number) | undefined;

  /** The facts of annotation `a` (called for a = 0 … n - 1 in order, unless unknown images are deferred). */
  add(a: number, ann: unknown): void {
    const { kind, imageSlot } = this;
    if (!isJsonObject(ann)) { kind[a] = SEG_NOT_OBJECT; imageSlot[a] = -1; return; }
    const slot = this.slotOf(ann.image_id);
    imageSlot[a] = slot;
    const seg = ann.segmentation;
    if (Array.isArray(seg)) {
      if (seg.length === 0) { kind[a] = SEG_EMPTY; return; }
      let lists = 0, numbers = 0;
      for (let k = 0; k < seg.length; k++) {
        const v = seg[k];
        if (Array.isArray(v)) lists++;
        else if (typeof v === 'number') numbers++;
      }
      if (numbers === seg.length) { kind[a] = SEG_FLAT; return; }
      if (lists !== seg.length) { kind[a] = SEG_MIXED_LIST; return; }
      kind[a] = SEG_POLYGONS;
      const known = slot >= 0 && slot < this.imageKeyCount;
      const w = known ? this.ws[slot] : 0;
      const h = known ? this.hs[slot] : 0;
      const fl = scanPolygons(seg as unknown[][], a, w, h, this.minX, this.minY, this.maxX, this.maxY, this.shoelace, this.excess);
      this.flags[a] = fl;
      if (this.rasterize && (fl & F_ALL_USABLE) !== 0 && w > 0 && this.rasterSuspect(a, ann.area, fl)) {
        // area-mismatch's exact work, done here on its suspects under the default tolerances.
        this.maskArea![a] = this.rasterize(seg as number[][], h, w);
      }
    } else if (isJsonObject(seg)) {
      kind[a] = 'counts' in seg && 'size' in seg ? SEG_RLE : SEG_OBJECT;
    } else kind[a] = SEG_OTHER;
  }

  /**
   * The facts of an annotation object whose `segmentation` is a non-empty list of number lists,
   * read without parsing it (the scan worker's reader, scanFacts.ts): polygon k is
   * coords[ends[k - 1] … ends[k]) (from 0 for k = 0), every number finite. The same columns as
   * add gives for the parsed object.
   */
  addPolygons(a: number, imageId: unknown, area: unknown, coords: Float64Array, ends: Int32Array, np: number): void {
    let slot: number, w: number, h: number;
    const byId = this.byId;
    if (typeof imageId === 'number' && byId !== undefined && imageId >= 0 && BY_ID_STRIDE * imageId < byId.length && byId[BY_ID_STRIDE * imageId] > 0 && Number.isInteger(imageId)) {
      // slotOf's table, with the image's size beside its slot: one cache miss, not two (the
      // image ids of annotations jump around the table).
      const at = BY_ID_STRIDE * imageId;
      slot = byId[at] - 1;
      w = byId[at + 1];
      h = byId[at + 2];
      if (w < 0) { w = this.ws[slot]; h = this.hs[slot]; } // a size past int32
    } else {
      slot = this.slotOf(imageId);
      const known = slot >= 0 && slot < this.imageKeyCount;
      w = known ? this.ws[slot] : 0;
      h = known ? this.hs[slot] : 0;
    }
    this.imageSlot[a] = slot;
    this.kind[a] = SEG_POLYGONS;
    const fl = scanFlatPolygons(coords, ends, np, a, w, h, this.minX, this.minY, this.maxX, this.maxY, this.shoelace, this.excess);
    this.flags[a] = fl;
    if (this.rasterize && (fl & F_ALL_USABLE) !== 0 && w > 0 && this.rasterSuspect(a, area, fl)) {
      if (this.rasterizeFlat) { this.maskArea![a] = this.rasterizeFlat(coords, ends, np, h, w); return; }
      const polys: number[][] = [];
      for (let k = 0, from = 0; k < np; from = ends[k], k++) {
        const poly: number[] = [];
        for (let i = from; i < ends[k]; i++) poly.push(coords[i]);
        polys.push(poly);
      }
      this.maskArea![a] = this.rasterize(polys, h, w);
    }
  }

  /**
   * The facts of an annotation object whose `segmentation` is an object, read without parsing it
   * (the scan worker's reader): `rle` when it has both `counts` and `size`. The same columns as
   * add gives for the parsed object.
   */
  addSegmentationObject(a: number, imageId: unknown, rle: boolean): void {
    this.imageSlot[a] = this.slotOf(imageId);
    this.kind[a] = rle ? SEG_RLE : SEG_OBJECT;
  }

  /** Whether area-mismatch rasterizes annotation `a` (all polygons usable, image size known) under its default tolerances. */
  private rasterSuspect(a: number, area: unknown, fl: number): boolean {
    return typeof area === 'number' && Number.isFinite(area) && area > 0
      && polygonAreaSuspect(this.shoelace[a], area, (fl & F_BOXES_OVERLAP) !== 0, AREA_MISMATCH_DEFAULTS.relTolerance, AREA_MISMATCH_DEFAULTS.absTolerance);
  }

  /** The slot of an image_id value: -1 when not a number or string; SLOT_DEFERRED for an id no image has, when deferring. */
  private slotOf(iid: unknown): number {
    const byId = this.byId;
    if (typeof iid === 'number' && byId !== undefined && iid >= 0 && BY_ID_STRIDE * iid < byId.length && byId[BY_ID_STRIDE * iid] > 0 && Number.isInteger(iid)) return byId[BY_ID_STRIDE * iid] - 1;
    if (typeof iid !== 'number' && typeof iid !== 'string') return -1;
    const s = this.slots.get(iid);
    if (s !== undefined) return s;
    if (this.deferUnknown) return SLOT_DEFERRED; // the map stays as the images made it until resolveDeferred
    const slot = this.nextSlot++;
    this.slots.set(iid, slot);
    return slot;
  }

  /** Resets annotation `a`'s facts and makes them again from `ann` (a value a chunk was not made from). */
  redo(a: number, ann: unknown): void {
    this.kind[a] = 0; this.flags[a] = 0; this.imageSlot[a] = 0;
    this.minX[a] = 0; this.minY[a] = 0; this.maxX[a] = 0; this.maxY[a] = 0; this.shoelace[a] = 0; this.excess[a] = 0;
    if (this.maskArea) this.maskArea[a] = NaN;
    this.add(a, ann);
  }

  /**
   * Gives the annotations marked SLOT_DEFERRED their slots, in file order, as add in order would
   * have: `imageIdOf(a)` is annotation a's image_id. Call once every annotation was added.
   */
  resolveDeferred(imageIdOf: (a: number) => unknown): void {
    const { imageSlot, slots, n } = this;
    for (let a = 0; a < n; a++) {
      if (imageSlot[a] !== SLOT_DEFERRED) continue;
      const iid = imageIdOf(a) as IdKey;
      let slot = slots.get(iid);
      if (slot === undefined) { slot = this.nextSlot++; slots.set(iid, slot); }
      imageSlot[a] = slot;
    }
  }

  finish(): SegmentationFacts {
    const { n, imageSlot, imageKeyCount, nextSlot, ws, hs } = this;
    const [slotW, slotH, slotHasAnnotation] = allocateColumns(nextSlot, ['f64', 'f64', 'u8'] as const);
    for (let s = 0; s < imageKeyCount; s++) { slotW[s] = ws[s]; slotH[s] = hs[s]; }
    for (let a = 0; a < n; a++) if (imageSlot[a] >= 0) slotHasAnnotation[imageSlot[a]] = 1;
    return {
      count: n, kind: this.kind, flags: this.flags, imageSlot, imageKeyCount, slotW, slotH, slots: this.slots, slotHasAnnotation,
      minX: this.minX, minY: this.minY, maxX: this.maxX, maxY: this.maxY, shoelace: this.shoelace, excess: this.excess,
      ...(this.maskArea ? { polygonMaskArea: this.maskArea } : {}),
    };
  }
}

/** Int32s per image id in slotsByIntegerId's table: slot + 1, width, height. */
const BY_ID_STRIDE = 3;

/**
 * Slot + 1 of every image whose id is a small non-negative integer, indexed by the id (0: no such
 * image), each beside its image's width and height as ws / hs hold them (-1, -1 for a size past
 * int32: read ws / hs then); undefined when the ids are too sparse for a table. An array index
 * costs a third of a Map lookup, which the 860k annotations of train2017 pay once each. Ids the
 * table does not hold (strings, fractions, unknown ids) still go through the Map, so the slots
 * are the same.
 */
function slotsByIntegerId(slots: ReadonlyMap<IdKey, number>, imageKeyCount: number, ws: readonly number[], hs: readonly number[]): Int32Array | undefined {
  let maxId = -1;
  for (const [id, slot] of slots) {
    if (slot >= imageKeyCount) continue;
    if (typeof id === 'number' && Number.isInteger(id) && id >= 0 && id > maxId) maxId = id;
  }
  // train2017's ids go up to ~5 × the image count; a table of at most 3 × (8 × + 64k) Int32s (≤ 7 MB there).
  if (maxId < 0 || maxId >= imageKeyCount * 8 + 65536) return undefined;
  const [byId] = allocateColumns(BY_ID_STRIDE * (maxId + 1), ['i32'] as const);
  for (const [id, slot] of slots) {
    if (typeof id === 'number' && Number.isInteger(id) && id >= 0 && slot < imageKeyCount) {
      const at = BY_ID_STRIDE * id;
      const fits = ws[slot] <= 0x7fffffff && hs[slot] <= 0x7fffffff;
      byId[at] = slot + 1;
      byId[at + 1] = fits ? ws[slot] : -1;
      byId[at + 2] = fits ? hs[slot] : -1;
    }
  }
  return byId;
}

/** What usablePolygon leaves for its caller: the polygon's |shoelace| / 2 and its excess outside the image. */
const polygonOut = new Float64Array(2);

/**
 * One usable polygon (≥ 6 finite numbers, even length) at poly[off … off + len): its box into
 * bx0 … by1[k], its area and excess into polygonOut; returns its F_ZERO_SUSPECT / F_SELF_SUSPECT
 * bits. The one arithmetic for parsed arrays and the reader's flat coordinates.
 */
function usablePolygon(poly: ArrayLike<number>, off: number, len: number, k: number, w: number, h: number): number {
  // One pass: extents, shoelace (same arithmetic as cheapArea / isZeroAreaPolygon), sums, excess.
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  let s = 0, sx = 0, sy = 0;
  let px = poly[off + len - 2];
  let py = poly[off + len - 1];
  for (let i = off, end = off + len; i < end; i += 2) {
    const x = poly[i];
    const y = poly[i + 1];
    s += px * y - x * py;
    px = x;
    py = y;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
    sx += x;
    sy += y;
  }
  // max over points of max(-x, x - w, -y, y - h), exactly (subtraction is monotonic).
  polygonOut[1] = w > 0 ? Math.max(-x0, x1 - w, -y0, y1 - h) : 0;
  bx0[k] = x0; by0[k] = y0; bx1[k] = x1; by1[k] = y1;
  polygonOut[0] = Math.abs(s) / 2;
  // isZeroAreaPolygon returns false as soon as |s|/2 > 1e-9·max(1, len)·len·(n/2), where len is
  // a distance between two vertices, never more than the box diagonal L: twice that bound with
  // L proves a non-zero area.
  const dx = x1 - x0, dy = y1 - y0;
  const L = Math.sqrt(dx * dx + dy * dy);
  const zeroSuspect = !(Math.abs(s) / 2 > 2e-9 * Math.max(1, L) * L * (len / 2));
  if (zeroSuspect) return F_ZERO_SUSPECT | F_SELF_SUSPECT;
  return starSimple(poly, off, len, sx / (len / 2), sy / (len / 2)) ? 0 : F_SELF_SUSPECT;
}

function growBoxes(np: number): void {
  if (bx0.length >= np) return;
  const size = Math.max(np, bx0.length * 2);
  bx0 = new Float64Array(size); by0 = new Float64Array(size); bx1 = new Float64Array(size); by1 = new Float64Array(size);
}

/** The per-annotation columns once every polygon was looked at: extents, area and overlap when all are usable; the excess. */
function polygonsDone(
  flags: number, allUsable: boolean, np: number, area: number, worst: number, a: number,
  minX: Float64Array, minY: Float64Array, maxX: Float64Array, maxY: Float64Array, shoelace: Float64Array, excess: Float64Array,
): number {
  if (allUsable) {
    flags |= F_ALL_USABLE;
    let ax0 = Infinity, ay0 = Infinity, ax1 = -Infinity, ay1 = -Infinity;
    for (let k = 0; k < np; k++) {
      if (bx0[k] < ax0) ax0 = bx0[k];
      if (bx1[k] > ax1) ax1 = bx1[k];
      if (by0[k] < ay0) ay0 = by0[k];
      if (by1[k] > ay1) ay1 = by1[k];
    }
    minX[a] = ax0; minY[a] = ay0; maxX[a] = ax1; maxY[a] = ay1;
    shoelace[a] = area;
    if (np > 1) {
      // cheapArea's test, on the same [x, y, w, h] numbers maskBox gives.
      outer: for (let i = 0; i < np; i++) {
        const axx = bx0[i], ayy = by0[i], aw = bx1[i] - bx0[i], ah = by1[i] - by0[i];
        for (let j = i + 1; j < np; j++) {
          const bxx = bx0[j], byy = by0[j], bw = bx1[j] - bx0[j], bh = by1[j] - by0[j];
          if (axx < bxx + bw && bxx < axx + aw && ayy < byy + bh && byy < ayy + ah) { flags |= F_BOXES_OVERLAP; break outer; }
        }
      }
    }
  }
  excess[a] = worst;
  return flags;
}

function scanPolygons(
  seg: unknown[][], a: number, w: number, h: number,
  minX: Float64Array, minY: Float64Array, maxX: Float64Array, maxY: Float64Array, shoelace: Float64Array, excess: Float64Array,
): number {
  let flags = 0;
  let allUsable = true;
  let area = 0;
  let worst = 0;
  const np = seg.length;
  growBoxes(np);
  for (let k = 0; k < np; k++) {
    const p = seg[k] as unknown[];
    const len = p.length;
    let numbers = true, finite = true;
    for (let i = 0; i < len; i++) {
      const v = p[i];
      if (typeof v !== 'number') { numbers = false; break; }
      if (v - v !== 0) finite = false; // NaN or ±Infinity
    }
    if (!numbers) { allUsable = false; continue; }
    if (len === 4) { flags |= F_FOUR; allUsable = false; continue; }
    if (len < 6) { flags |= F_TOO_SHORT; allUsable = false; continue; }
    if (len % 2 === 1) { flags |= F_ODD; allUsable = false; continue; }
    if (!finite) { allUsable = false; continue; }
    flags |= usablePolygon(p as number[], 0, len, k, w, h);
    area += polygonOut[0];
    if (polygonOut[1] > worst) worst = polygonOut[1];
  }
  return polygonsDone(flags, allUsable, np, area, worst, a, minX, minY, maxX, maxY, shoelace, excess);
}

/** scanPolygons over flat coordinates (SegmentationFactsBuilder.addPolygons): every polygon a number list, every number finite. */
function scanFlatPolygons(
  coords: Float64Array, ends: Int32Array, np: number, a: number, w: number, h: number,
  minX: Float64Array, minY: Float64Array, maxX: Float64Array, maxY: Float64Array, shoelace: Float64Array, excess: Float64Array,
): number {
  let flags = 0;
  let allUsable = true;
  let area = 0;
  let worst = 0;
  growBoxes(np);
  for (let k = 0, from = 0; k < np; from = ends[k], k++) {
    const len = ends[k] - from;
    if (len === 4) { flags |= F_FOUR; allUsable = false; continue; }
    if (len < 6) { flags |= F_TOO_SHORT; allUsable = false; continue; }
    if (len % 2 === 1) { flags |= F_ODD; allUsable = false; continue; }
    flags |= usablePolygon(coords, from, len, k, w, h);
    area += polygonOut[0];
    if (polygonOut[1] > worst) worst = polygonOut[1];
  }
  return polygonsDone(flags, allUsable, np, area, worst, a, minX, minY, maxX, maxY, shoelace, excess);
}

/**
 * A proof of simplicity in O(n): seen from (cx, cy) every edge turns the same way by a clear
 * margin (so each edge sweeps its own angular sector, never through the centre) and the outline
 * winds exactly once around it (the sign of y - cy changes exactly twice). The sectors then tile
 * the circle without overlap, so non-adjacent edges cannot meet and adjacent edges share only
 * their vertex: the polygon is simple (star-shaped around the point). False means "not proven".
 */
function starSimple(poly: ArrayLike<number>, off: number, len: number, cx: number, cy: number): boolean {
  let ax = poly[off + len - 2] - cx;
  let ay = poly[off + len - 1] - cy;
  let a2 = ax * ax + ay * ay;
  let sign = 0;
  let changes = 0;
  for (let i = off, end = off + len; i < end; i += 2) {
    const bx = poly[i] - cx;
    const by = poly[i + 1] - cy;
    const b2 = bx * bx + by * by;
    const cr = ax * by - ay * bx;
    const margin = 1e-9 * (a2 + b2 + 1);
    if (cr > margin) {
      if (sign < 0) return false;
      sign = 1;
    } else if (cr < -margin) {
      if (sign > 0) return false;
      sign = -1;
    } else return false;
    if ((ay < 0) !== (by < 0)) changes++;
    ax = bx;
    ay = by;
    a2 = b2;
  }
  return changes === 2;
}

/**
 * forEachPolygon (segmentationShared) restricted to the polygon segmentations whose facts carry
 * any of `flag`'s bits: the same calls, in the same order, for every annotation a rule could
 * report on; the others are skipped without touching their polygons.
 */
export function forEachFlaggedPolygon(
  doc: CocoDocument,
  flag: number,
  fn: (entry: Located, ann: JsonObject, poly: unknown[], k: number, seg: unknown[][]) => void,
): void {
  const facts = segmentationFacts(doc);
  const entries = doc.annotationEntries;
  const flags = facts.flags;
  for (let a = 0; a < facts.count; a++) {
    if ((flags[a] & flag) === 0) continue;
    const entry = entries[a];
    const ann = entry.value as JsonObject;
    const seg = ann.segmentation as unknown[][];
    for (let k = 0; k < seg.length; k++) fn(entry, ann, seg[k], k, seg);
  }
}

/**
 * Calls `fn` for every annotation whose segmentation is of `kind` (a SEG_* other than
 * SEG_NOT_OBJECT, so the annotation is an object), in file order.
 */
export function forEachAnnotationOfKind(doc: CocoDocument, kind: number, fn: (entry: Located, ann: JsonObject) => void): void {
  const facts = segmentationFacts(doc);
  const kinds = facts.kind;
  const entries = doc.annotationEntries;
  for (let a = 0; a < facts.count; a++) {
    if (kinds[a] !== kind) continue;
    const entry = entries[a];
    fn(entry, entry.value as JsonObject);
  }
}

/** An RLE dict as isRleObject (segmentationShared) recognizes it. */
export interface RleObject { size: unknown; counts: unknown }
