/**
 * What the matcher needs to know of one annotation: its label, a tight extent for the cheap box
 * tests, and (built only when a pair needs it) its mask as RLE counts.
 */
import { isJsonObject, type JsonObject } from '../../coco/document';
import { countsArea, countsToBbox, rleCounts } from '../../geometry/rle';
import { isFiniteBbox, type Bbox } from '../../geometry/bbox';
import { polygonBbox } from '../../geometry/polygon';
import { keypointsExtent } from '../../geometry/keypoints';
import { segmentationKind, segmentationToRle } from '../../geometry/segmentation';

export interface MatchObject {
  /** Index into the document's annotationEntries. */
  readonly entry: number;
  readonly value: JsonObject;
  /** Label key shared by both sides (see pairCategories); undefined when the category is unknown. */
  readonly label: string | undefined;
  /** [x, y, w, h] around the object's geometry (the segmentation's when it has one), or undefined. */
  readonly extent: Bbox | undefined;
  /** The segmentation is a readable polygon list or RLE. */
  readonly hasMask: boolean;
  /** [x, y, v] triplets with at least one labelled point, else undefined. */
  readonly keypoints: number[] | undefined;
  /** Image size for rasterizing polygons. */
  readonly height: number;
  readonly width: number;
  /** Built on first use: RLE counts of the mask and its size ([h, w]); null when it cannot be built. */
  mask?: { counts: number[]; h: number; w: number; area: number } | null;
}

export function makeMatchObject(entry: number, value: unknown, label: string | undefined, height: number, width: number): MatchObject {
  const v: JsonObject = isJsonObject(value) ? value : {};
  const seg = v.segmentation;
  const kind = seg === undefined ? 'invalid' : segmentationKind(seg);
  const hasMask = kind === 'polygons' || kind === 'rle' || kind === 'compressed-rle' || kind === 'rle-list';
  let extent: Bbox | undefined;
  if (kind === 'polygons') {
    const b = polygonBbox(seg as number[][]);
    extent = b;
  } else if (hasMask) {
    // RLE extents need the counts: build the mask now (RLE objects are rare, mostly crowds).
    const obj = { entry, value: v, label, extent: undefined, hasMask, keypoints: undefined, height, width } as MatchObject;
    const m = objectMask(obj);
    if (m) extent = countsToBbox(m.counts, m.h, m.w);
    return { ...obj, extent, keypoints: readKeypoints(v.keypoints), mask: m };
  }
  if (!extent && isFiniteBbox(v.bbox)) extent = [v.bbox[0], v.bbox[1], v.bbox[2], v.bbox[3]];
  // A keypoint result has no box of its own: loadRes gives it the keypoints' extent.
  if (!extent && !hasMask) extent = keypointsExtent(v.keypoints)?.bbox;
  return { entry, value: v, label, extent, hasMask, keypoints: readKeypoints(v.keypoints), height, width };
}

function readKeypoints(k: unknown): number[] | undefined {
  if (!Array.isArray(k) || k.length < 3 || k.length % 3 !== 0) return undefined;
  let labelled = false;
  for (let i = 0; i < k.length; i++) {
    if (typeof k[i] !== 'number' || !Number.isFinite(k[i])) return undefined;
    if (i % 3 === 2 && k[i] > 0) labelled = true;
  }
  return labelled ? (k as number[]) : undefined;
}

/** The object's mask (cached on the object), or null when it has none or it cannot be built. */
export function objectMask(o: MatchObject): { counts: number[]; h: number; w: number; area: number } | null {
  if (o.mask !== undefined) return o.mask;
  let m: MatchObject['mask'] = null;
  if (o.hasMask) {
    const rle = segmentationToRle(o.value.segmentation, o.height, o.width);
    if (rle) {
      const counts = rleCounts(rle);
      m = { counts, h: rle.size[0], w: rle.size[1], area: countsArea(counts) };
    }
  }
  o.mask = m;
  return m;
}
