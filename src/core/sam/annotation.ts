/**
 * A binary mask -> a COCO segmentation with pycocotools-exact `area` and `bbox`.
 * Polygons are traced with the project's contour code (maskToPolygons); holes are bridged into
 * their outer ring (pycocotools rasterizes even-odd, so the hole stays empty) and each separate
 * part is its own polygon. `area` and `bbox` are what pycocotools computes for the written
 * segmentation (`mask.area` / `mask.toBbox` of `annToRLE`), so they agree with the checks.
 */
import { maskToPolygons } from '../geometry/contours';
import { rleArea, rleEncode, rleToBbox, type Rle } from '../geometry/rle';
import { rleToString } from '../geometry/rleString';
import { segmentationToRle } from '../geometry/segmentation';

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
  const rle = segmentationToRle(polygons, h, w) as Rle;
  const area = rleArea(rle);
  if (area === 0) return undefined;
  return { segmentation: polygons, area, bbox: rleToBbox(rle) };
}
