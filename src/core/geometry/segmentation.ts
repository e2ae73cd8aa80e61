/**
 * COCO `segmentation` -> RLE, the way pycocotools' COCO.annToRLE does it
 * (frPyObjects + merge), but never throwing: anything malformed gives `undefined`.
 */
import type { Rle } from './rle';
import { rleProblem, unionCounts } from './rle';
import { rleFromString } from './rleString';
import { bboxCounts, polygonCounts } from './polygon';

export interface SegmentationOptions {
  /**
   * Mirror pycocotools' frPyObjects dispatch (default true):
   * - a list whose FIRST entry has exactly 4 numbers is taken as a list of BOXES [x,y,w,h]
   *   (every entry must then have 4 numbers) and rasterized with rleFrBbox, then merged.
   *   Caveat: that is the branch pycocotools selects; released pycocotools then actually
   *   raises TypeError ("Argument 'bb' has incorrect type", cocoapi issues #139/#369) because
   *   frBbox wants an ndarray. Use {@link segmentationKind} to flag such annotations.
   * - a list whose first entry has fewer than 4 numbers (or an empty list) is rejected.
   * - a list of uncompressed-RLE dicts is merged.
   * With `false`, every list entry is rasterized as a polygon (a 4-number entry is a 2-point
   * polygon, which covers no pixel) and an empty list is an empty mask.
   */
  pycocotoolsCompat?: boolean;
}

export type SegmentationKind =
  | 'polygons'
  | 'boxes' // the 4-number quirk (pycocotools: TypeError in practice)
  | 'rle'
  | 'compressed-rle'
  | 'rle-list'
  | 'invalid';

function isNumberArray(v: unknown): v is number[] {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !(x > -4e8 && x < 4e8)) return false;
  }
  return true;
}

function isRleDict(v: unknown): v is { size: unknown; counts: unknown } {
  return !!v && typeof v === 'object' && !Array.isArray(v) && 'counts' in v && 'size' in v;
}

/** How pycocotools would interpret a segmentation (with the compat dispatch). */
export function segmentationKind(seg: unknown): SegmentationKind {
  if (Array.isArray(seg)) {
    if (seg.length === 0) return 'invalid';
    const first = seg[0];
    if (Array.isArray(first)) {
      if (!seg.every(isNumberArray)) return 'invalid';
      if (first.length === 4) return seg.every((p) => p.length === 4) ? 'boxes' : 'invalid';
      return first.length > 4 ? 'polygons' : 'invalid';
    }
    if (isRleDict(first)) {
      return seg.every((r) => isRleDict(r) && Array.isArray(r.counts) && rleProblem(r) === undefined)
        ? 'rle-list'
        : 'invalid';
    }
    return 'invalid';
  }
  if (isRleDict(seg) && rleProblem(seg) === undefined) {
    return typeof seg.counts === 'string' ? 'compressed-rle' : 'rle';
  }
  return 'invalid';
}

/**
 * COCO segmentation (list of polygons, uncompressed RLE with counts array, or compressed RLE
 * with counts string) -> RLE with number[] counts, or undefined if malformed.
 * Polygons/boxes use the image's h, w; an RLE keeps its own `size` (as pycocotools does —
 * compare it with the image size separately). RLEs must pass {@link rleProblem}.
 */
export function segmentationToRle(
  segmentation: unknown,
  h: number,
  w: number,
  opts: SegmentationOptions = {},
): Rle | undefined {
  const compat = opts.pycocotoolsCompat !== false;
  try {
    if (Array.isArray(segmentation)) {
      if (!(Number.isInteger(h) && Number.isInteger(w) && h >= 0 && w >= 0)) return undefined;
      if (!compat) {
        if (!segmentation.every(isNumberArray)) return undefined;
        if (segmentation.length === 0) return { size: [h, w], counts: [h * w] };
        if (segmentation.length === 1) return { size: [h, w], counts: polygonCounts(segmentation[0], h, w) };
        return { size: [h, w], counts: unionCounts(segmentation.map((p) => polygonCounts(p, h, w))) };
      }
      const kind = segmentationKind(segmentation);
      if (kind === 'polygons' || kind === 'boxes') {
        const polys = segmentation as number[][];
        const f = kind === 'boxes' ? bboxCounts : polygonCounts;
        if (polys.length === 1) return { size: [h, w], counts: f(polys[0], h, w) };
        return { size: [h, w], counts: unionCounts(polys.map((p) => f(p, h, w))) };
      }
      if (kind === 'rle-list') {
        const rles = segmentation as { size: [number, number]; counts: number[] }[];
        const [rh, rw] = rles[0].size;
        if (!rles.every((r) => r.size[0] === rh && r.size[1] === rw)) return undefined;
        if (rles.length === 1) return { size: [rh, rw], counts: rles[0].counts.slice() };
        return { size: [rh, rw], counts: unionCounts(rles.map((r) => r.counts)) };
      }
      return undefined;
    }
    if (isRleDict(segmentation)) {
      if (rleProblem(segmentation) !== undefined) return undefined;
      const size = segmentation.size as [number, number];
      const c = segmentation.counts as number[] | string;
      return { size: [size[0], size[1]], counts: typeof c === 'string' ? rleFromString(c) : c.slice() };
    }
    return undefined;
  } catch {
    return undefined;
  }
}
