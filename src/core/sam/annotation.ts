/**
 * A binary mask -> a COCO segmentation with pycocotools-exact `area` and `bbox`.
 * Polygons are traced with the project's contour code (maskToPolygons); holes are bridged into
 * their outer ring (pycocotools rasterizes even-odd, so the hole stays empty) and each separate
 * part is its own polygon. `area` and `bbox` are what pycocotools computes for the written
 * segmentation (`mask.area` / `mask.toBbox` of `annToRLE`), so they agree with the checks.
 */
import { maskToPolygons } from '../geometry/contours';
import { polygonCounts } from '../geometry/polygon';
import { countsArea, countsToBbox, rleArea, rleEncode, rleEncodeColumnMajor, rleToBbox } from '../geometry/rle';
import { rleToString } from '../geometry/rleString';

export type MaskFormat = 'polygon' | 'rle';
export const MASK_FORMATS: readonly MaskFormat[] = ['polygon', 'rle'];

export interface CocoMaskFields {
  segmentation: number[][] | { size: [number, number]; counts: string };
  area: number;
  bbox: [number, number, number, number];
}

export interface MaskToCocoOptions {
  /** Douglas-Peucker tolerance for polygons in pixels (0 = lossless). Default 0. */
  tolerance?: number;
}

/** Row-major h*w mask (nonzero = in) -> segmentation, area, bbox; undefined when the mask is empty. */
export function maskToCoco(mask: ArrayLike<number>, h: number, w: number, format: MaskFormat, opts: MaskToCocoOptions = {}): CocoMaskFields | undefined {
  if (format === 'rle') {
    const rle = rleEncode(mask, h, w);
    const area = rleArea(rle);
    if (area === 0) return undefined;
    return { segmentation: { size: [h, w], counts: rleToString(rle.counts as number[]) }, area, bbox: rleToBbox(rle) };
  }
  const polygons = maskToPolygons(mask, h, w, { holes: 'bridge', tolerance: opts.tolerance ?? 0 });
  if (polygons.length === 0) return undefined;
  const union = polygonsUnionCounts(polygons, h, w);
  const area = countsArea(union);
  if (area === 0) return undefined;
  return { segmentation: polygons, area, bbox: countsToBbox(union, h, w) };
}

/**
 * pycocotools' annToRLE of a polygon list (frPyObjects + merge = union of each polygon's
 * rleFrPoly), as counts: each polygon's runs are painted into one column-major buffer, then
 * encoded once — linear in the mask size, where merging pairwise is quadratic in the number
 * of polygons (a speckled mask can trace to thousands).
 */
export function polygonsUnionCounts(polygons: readonly number[][], h: number, w: number): number[] {
  const buf = new Uint8Array(h * w);
  for (const p of polygons) {
    const counts = polygonCounts(p, h, w);
    let pos = 0;
    for (let j = 0; j < counts.length; j++) {
      const end = Math.min(buf.length, pos + counts[j]);
      if (j & 1) buf.fill(1, pos, end);
      pos = end;
    }
  }
  return rleEncodeColumnMajor(buf, h, w).counts as number[];
}
