/**
 * Shared by the segmentation / area / bbox rules: reading an annotation's
 * segmentation the way pycocotools would, without throwing and without
 * rasterizing unless a caller asks for the mask.
 *
 * Non-finite numbers (bare NaN / Infinity) are `coco/non-finite-number`'s
 * business: every helper here treats them as "unusable" and stays silent.
 */
import type { CocoDocument, JsonObject, Located } from '../coco/document';
import { isJsonObject } from '../coco/document';
import { countsArea, countsToBbox, polygonArea, polygonBbox, polygonCounts, unionCounts } from '../geometry';
import { locate } from '../coco/locate';
import { formatNumber, insertProperty, removeElement, replaceRange } from '../edits/jsonEdits';

export { formatNumber };
import type { ByteEdit } from '../problems';
import { idOf } from './schema';
import { cachedPerDocument } from './documentCache';
import { SEG_RLE, segmentationFacts, type RleObject } from './facts';
import type { Fix } from './types';

export type Polygon = readonly number[];

export interface ImageSize { readonly h: number; readonly w: number }

/** [height, width] of the annotation's image when both are positive integers. */
export function imageSizeOf(doc: CocoDocument, ann: JsonObject): ImageSize | undefined {
  const imageId = idOf(ann.image_id);
  if (imageId === undefined) return undefined;
  const img = doc.imageById(imageId);
  if (!isJsonObject(img)) return undefined;
  const w = img.width;
  const h = img.height;
  if (typeof w !== 'number' || typeof h !== 'number') return undefined;
  if (!Number.isInteger(w) || !Number.isInteger(h) || w <= 0 || h <= 0) return undefined;
  return { h, w };
}

/** Every element a number (finite or not). */
export function isNumberList(v: unknown): v is number[] {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'number') return false;
  return true;
}

export function allFinite(v: readonly number[]): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}

/** `[x1, y1, …]` written where `[[x1, y1, …]]` belongs: a non-empty list of numbers. */
export function isFlatList(seg: unknown): seg is number[] {
  return Array.isArray(seg) && seg.length > 0 && isNumberList(seg);
}

/** A non-empty list whose elements are all lists (the polygon form, however malformed each polygon is). */
export function isPolygonList(seg: unknown): seg is unknown[][] {
  if (!Array.isArray(seg) || seg.length === 0) return false;
  for (let i = 0; i < seg.length; i++) if (!Array.isArray(seg[i])) return false;
  return true;
}

/** What is wrong with one polygon's shape, as exactly one rule sees it (never two). */
export type PolygonShapeDefect = 'too-short' | 'four-numbers' | 'odd-length';

/**
 * The length defect of one polygon, or undefined when its length is fine. Lists holding
 * anything but numbers are left alone (wrong-type territory). Exactly 4 numbers is
 * `four-numbers` (pycocotools' box branch), other lengths under 6 are `too-short`,
 * odd lengths from 7 up are `odd-length`.
 */
export function polygonShapeDefect(poly: unknown): PolygonShapeDefect | undefined {
  if (!isNumberList(poly)) return undefined;
  const n = poly.length;
  if (n === 4) return 'four-numbers';
  if (n < 6) return 'too-short';
  if (n % 2 === 1) return 'odd-length';
  return undefined;
}

/**
 * True when every point of the polygon lies on one line (or they all coincide): it encloses no
 * area and pycocotools rasterizes it to nothing. A shoelace area clearly above zero settles it
 * cheaply; a zero shoelace (also true of a symmetric bow-tie, which does cover pixels) is then
 * confirmed point by point.
 */
export function isZeroAreaPolygon(poly: Polygon): boolean {
  const n = poly.length - (poly.length % 2);
  if (n < 2) return true;
  // Fewer than 3 points: polygonArea says 0, as the shoelace sum of 1 or 2 points is exactly 0.
  const area = polygonArea(poly);
  const x0 = poly[0];
  const y0 = poly[1];
  // The point farthest from the first fixes the line's direction.
  let far = -1;
  let d2 = 0;
  for (let i = 2; i < n; i += 2) {
    const dx = poly[i] - x0;
    const dy = poly[i + 1] - y0;
    const d = dx * dx + dy * dy;
    if (d > d2) { d2 = d; far = i; }
  }
  if (far < 0) return true; // all points coincide
  const len = Math.sqrt(d2);
  const eps = 1e-9 * Math.max(1, len);
  if (area > eps * len * (n / 2)) return false;
  const ux = (poly[far] - x0) / len;
  const uy = (poly[far + 1] - y0) / len;
  for (let i = 2; i < n; i += 2) {
    const dist = Math.abs((poly[i] - x0) * uy - (poly[i + 1] - y0) * ux);
    if (dist > eps) return false;
  }
  return true;
}

/** A polygon the geometry rules can measure: ≥ 6 numbers, even length, all finite. */
export function isUsablePolygon(poly: unknown): poly is number[] {
  return isNumberList(poly) && poly.length >= 6 && poly.length % 2 === 0 && allFinite(poly);
}

/**
 * The polygons of a segmentation when every one is usable (else undefined: the shape rules
 * report the bad ones, and area/bbox comparisons would only echo them).
 */
export function usablePolygons(seg: unknown): number[][] | undefined {
  if (!isPolygonList(seg)) return undefined;
  for (let i = 0; i < seg.length; i++) if (!isUsablePolygon(seg[i])) return undefined;
  return seg as number[][];
}

/** An RLE dict: an object with `size` and `counts`. */
export function isRleObject(seg: unknown): seg is { size: unknown; counts: unknown } {
  return isJsonObject(seg) && 'counts' in seg && 'size' in seg;
}

/** `[h, w]` of an RLE when it is two non-negative integers. */
export function rleSizeOf(size: unknown): [number, number] | undefined {
  if (!Array.isArray(size) || size.length !== 2) return undefined;
  const [h, w] = size;
  if (typeof h !== 'number' || typeof w !== 'number') return undefined;
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 0 || w < 0) return undefined;
  return [h, w];
}

export type DecodedRleString = { counts: number[] } | { error: string };

/**
 * pycocotools' compressed counts (maskApi rleFrString), validated: characters must be in
 * '0'..'o', the last number must end, and no decoded count may be negative or ≥ 2^32
 * (C would wrap those silently into garbage run lengths).
 */
export function decodeRleString(str: string): DecodedRleString {
  const counts: number[] = [];
  const n = str.length;
  let p = 0;
  while (p < n) {
    let x = 0;
    let scale = 1;
    let more = true;
    const first = p;
    while (more) {
      if (p >= n) return { error: `the last count (from character ${first}) is cut off: its final character still has the continuation bit` };
      const code = str.charCodeAt(p);
      if (code < 48 || code > 111) {
        return { error: `character ${p} is ${JSON.stringify(str[p])}, outside pycocotools' alphabet '0'..'o'` };
      }
      const c = code - 48;
      x += (c & 0x1f) * scale;
      more = (c & 0x20) !== 0;
      p++;
      scale *= 32;
      if (!more && c & 0x10) x -= scale;
    }
    if (counts.length > 2) x += counts[counts.length - 2];
    if (x < 0) return { error: `count ${counts.length} decodes to ${x}: run lengths cannot be negative` };
    if (x > 4294967295) return { error: `count ${counts.length} decodes to ${x}, beyond 32 bits` };
    counts.push(x);
  }
  return { counts };
}

/** The counts of an RLE dict when they are usable (valid string, or non-negative integers), else undefined. */
export function rleCountsOf(counts: unknown): number[] | undefined {
  if (typeof counts === 'string') {
    const d = decodeRleString(counts);
    return 'counts' in d ? d.counts : undefined;
  }
  if (!Array.isArray(counts)) return undefined;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c > 4294967295) return undefined;
  }
  return counts as number[];
}

/** A segmentation that describes a mask we can measure. */
export type MaskSource =
  | { readonly kind: 'polygons'; readonly polygons: number[][]; readonly h: number; readonly w: number }
  | { readonly kind: 'rle'; readonly counts: number[]; readonly h: number; readonly w: number };

/**
 * The annotation's mask source: usable polygons on an image of known size, or an RLE dict whose
 * counts are valid and sum to h*w. Undefined for everything else (other rules say why).
 */
export function maskSourceOf(doc: CocoDocument, ann: JsonObject): MaskSource | undefined {
  const seg = ann.segmentation;
  const polys = usablePolygons(seg);
  if (polys) {
    const size = imageSizeOf(doc, ann);
    if (!size) return undefined;
    return { kind: 'polygons', polygons: polys, h: size.h, w: size.w };
  }
  if (isRleObject(seg)) {
    const size = rleSizeOf(seg.size);
    if (!size) return undefined;
    const counts = rleCountsOf(seg.counts);
    if (!counts) return undefined;
    let sum = 0;
    for (let i = 0; i < counts.length; i++) sum += counts[i];
    if (sum !== size[0] * size[1]) return undefined;
    return { kind: 'rle', counts, h: size[0], w: size[1] };
  }
  return undefined;
}

/** maskSourceOf of each annotation asked for, by position, per document. */
const maskSources = cachedPerDocument(() => new Map<number, MaskSource | null>());

/**
 * maskSourceOf of the annotation at position `a`, remembered: for the annotations several rules
 * measure (an RLE's counts are validated and summed once, not once per rule).
 */
export function maskSourceAt(doc: CocoDocument, a: number): MaskSource | undefined {
  const cache = maskSources(doc);
  let src = cache.get(a);
  if (src === undefined) {
    const ann = doc.annotationEntries[a].value;
    src = (isJsonObject(ann) ? maskSourceOf(doc, ann) : undefined) ?? null;
    cache.set(a, src);
  }
  return src ?? undefined;
}

/**
 * The RLE rules' suspects: each annotation whose segmentation is an RLE object and that has no
 * mask source (maskSourceAt: an RLE with one has valid counts that sum to height × width), with
 * its value and RLE. Cheap first, and shared: the mask sources are made once for all RLE rules.
 */
export function forEachRleSuspect(doc: CocoDocument, fn: (entry: Located, ann: JsonObject, rle: RleObject) => void): void {
  const facts = segmentationFacts(doc);
  const entries = doc.annotationEntries;
  const kind = facts.kind;
  const rleKind = SEG_RLE; // a local: an imported binding is a getter under tsx and in tests
  for (let a = 0; a < facts.count; a++) {
    if (kind[a] !== rleKind || maskSourceAt(doc, a) !== undefined) continue;
    const entry = entries[a];
    const ann = entry.value as JsonObject;
    fn(entry, ann, ann.segmentation as unknown as RleObject);
  }
}

/** RLE counts of the mask exactly as pycocotools' annToRLE gives them (rasterizes polygons). */
export function maskCounts(src: MaskSource): number[] {
  if (src.kind === 'rle') return src.counts;
  const { polygons, h, w } = src;
  if (polygons.length === 1) return polygonCounts(polygons[0], h, w);
  return unionCounts(polygons.map((p) => polygonCounts(p, h, w)));
}

/** Exact pycocotools mask area (rasterizes polygons). */
export function maskArea(src: MaskSource): number {
  return countsArea(maskCounts(src));
}

/**
 * Cheap area: the RLE's exact area, or the polygons' shoelace sum, which is close to what
 * pycocotools rasterizes only when the polygons cannot overlap (their boxes are disjoint) —
 * undefined otherwise, so the caller rasterizes.
 */
export function cheapArea(src: MaskSource): number | undefined {
  if (src.kind === 'rle') return countsArea(src.counts);
  const polys = src.polygons;
  if (polys.length > 1) {
    const boxes = polys.map((p) => maskBox({ kind: 'polygons', polygons: [p], h: src.h, w: src.w }));
    for (let i = 0; i < boxes.length; i++) {
      const a = boxes[i];
      for (let j = i + 1; j < boxes.length; j++) {
        const b = boxes[j];
        if (a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3]) return undefined;
      }
    }
  }
  let s = 0;
  for (const p of polys) s += polygonArea(p);
  return s;
}

/**
 * The segmentation's box: the polygons' vertex extents (as COCO computes `bbox`), or the
 * RLE's box exactly like maskApi rleToBbox.
 */
export function maskBox(src: MaskSource): [number, number, number, number] {
  if (src.kind === 'rle') return countsToBbox(src.counts, src.h, src.w);
  return polygonBbox(src.polygons);
}

/** `[x, y, w, h]` with finite numbers and non-negative size, else undefined. */
export function finiteBbox(b: unknown): [number, number, number, number] | undefined {
  if (!Array.isArray(b) || b.length !== 4) return undefined;
  for (let i = 0; i < 4; i++) if (typeof b[i] !== 'number' || !Number.isFinite(b[i])) return undefined;
  if (b[2] < 0 || b[3] < 0) return undefined;
  return b as [number, number, number, number];
}

/** IoU of two [x, y, w, h] boxes (0 when they don't overlap). */
export function boxIou(a: readonly number[], b: readonly number[]): number {
  const iw = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  if (!(iw > 0)) return 0;
  const ih = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  if (!(ih > 0)) return 0;
  const i = iw * ih;
  return i / (a[2] * a[3] + b[2] * b[3] - i);
}


export function formatBox(b: readonly number[]): string {
  return `[${b.map(formatNumber).join(', ')}]`;
}

/** Annotation ids and image ids for a report. */
export function idsOf(ann: JsonObject): { annotationId?: number | string; imageId?: number | string; categoryId?: number | string } {
  const out: { annotationId?: number | string; imageId?: number | string; categoryId?: number | string } = {};
  const a = idOf(ann.id);
  const i = idOf(ann.image_id);
  const c = idOf(ann.category_id);
  if (a !== undefined) out.annotationId = a;
  if (i !== undefined) out.imageId = i;
  if (c !== undefined) out.categoryId = c;
  return out;
}

/** "Annotation 12" / "This annotation" for messages. */
export function annotationName(ann: JsonObject, index?: number): string {
  const id = idOf(ann.id);
  if (id !== undefined) return `Annotation ${JSON.stringify(id)}`;
  return index !== undefined ? `The annotation at index ${index} (it has no id)` : 'This annotation';
}

/** An annotations entry whose value is a JSON object. */
export type AnnotationEntry = Located<JsonObject>;

/** The annotation a fix edits: the entry a problem's `data.index` names, when it is an object. */
export function annotationEntryOfData(doc: CocoDocument, problem: { data?: unknown }): AnnotationEntry | undefined {
  const index = (problem.data as { index?: number } | undefined)?.index;
  const entry = index === undefined ? undefined : doc.annotationEntries[index];
  return entry && isJsonObject(entry.value) ? (entry as AnnotationEntry) : undefined;
}

/** Degenerate: covers no pixel in pycocotools (fewer than 3 points, or collinear). */
export function isDegeneratePolygon(poly: unknown): boolean {
  if (!isNumberList(poly)) return false;
  const d = polygonShapeDefect(poly);
  if (d === 'too-short' || d === 'four-numbers') return true;
  return allFinite(poly) && isZeroAreaPolygon(poly);
}

/**
 * Fix shared by polygon-too-short and polygon-zero-area: remove polygon `polygon` from the
 * annotation's segmentation list, when at least one non-degenerate polygon would remain.
 */
export function dropPolygonFix(doc: CocoDocument, data: unknown): Fix | undefined {
  const d = data as { index?: number; polygon?: number } | undefined;
  if (d?.index === undefined || d.polygon === undefined) return undefined;
  const entry = doc.annotationEntries[d.index];
  if (!entry || !isJsonObject(entry.value)) return undefined;
  const seg = entry.value.segmentation;
  if (!isPolygonList(seg) || d.polygon >= seg.length) return undefined;
  let remaining = 0;
  for (let k = 0; k < seg.length; k++) if (k !== d.polygon && !isDegeneratePolygon(seg[k])) remaining++;
  if (remaining === 0) return undefined;
  const located: Located[] = [];
  for (let k = 0; k < seg.length; k++) {
    const r = locate(doc, entry, ['segmentation', k]);
    if (!r) return undefined;
    located.push({ index: k, value: seg[k], start: r.start, end: r.end });
  }
  return { title: 'Remove this degenerate polygon', edits: [removeElement(doc, located, d.polygon)] };
}

/** Calls `fn` for every polygon of every annotation whose segmentation is a list of lists. */
export function forEachPolygon(
  doc: CocoDocument,
  fn: (entry: Located, ann: JsonObject, poly: unknown[], k: number, seg: unknown[][]) => void,
): void {
  for (const entry of doc.annotationEntries) {
    const ann = entry.value;
    if (!isJsonObject(ann)) continue;
    const seg = ann.segmentation;
    if (!isPolygonList(seg)) continue;
    for (let k = 0; k < seg.length; k++) fn(entry, ann, seg[k], k, seg);
  }
}

/**
 * The area a fix writes: the exact pycocotools mask area (what annToMask(...).sum() gives) when
 * the segmentation is usable, else the box's w × h (what pycocotools' loadRes uses for boxes).
 */
export function recomputedArea(doc: CocoDocument, ann: JsonObject): { value: number; from: 'segmentation' | 'bbox' } | undefined {
  const src = maskSourceOf(doc, ann);
  if (src) return { value: maskArea(src), from: 'segmentation' };
  const b = finiteBbox(ann.bbox);
  if (b && b[2] * b[3] > 0) return { value: b[2] * b[3], from: 'bbox' };
  return undefined;
}

/** An edit that sets `area` to `value`: replaces the value, or adds the property when absent. */
export function setAreaEdit(doc: CocoDocument, entry: Located, value: number): ByteEdit | undefined {
  const ann = entry.value;
  if (!isJsonObject(ann)) return undefined;
  if ('area' in ann) {
    const r = locate(doc, entry, ['area']);
    return r ? replaceRange(r, formatNumber(value)) : undefined;
  }
  return insertProperty(doc, entry, 'area', formatNumber(value));
}
