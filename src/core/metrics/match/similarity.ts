/**
 * Similarity of two objects, cheapest test first: OKS when both have keypoints, else mask IoU when
 * both have masks, else box IoU. Boxes that do not overlap are 0 without rasterizing anything, and
 * a mask pair whose upper bound (box intersection over the larger mask) is under the threshold is
 * not measured exactly.
 */
import { bboxIou } from '../../geometry/bbox';
import { countsIou } from '../../geometry/rle';
import { objectMask, type MatchObject } from './objects';
import type { SimilarityKind } from './types';

/** COCO's per-keypoint sigmas for its 17 person keypoints (cocoeval.py computeOks). */
export const COCO_PERSON_SIGMAS = [0.26, 0.25, 0.25, 0.35, 0.35, 0.79, 0.79, 0.72, 0.72, 0.62, 0.62, 1.07, 1.07, 0.87, 0.87, 0.89, 0.89].map((s) => s / 10);

export interface Similarity { value: number; kind: SimilarityKind }

/**
 * `a` is the reference (its area scales OKS, as the ground truth's does in COCOeval).
 * With `below` set, a pair that provably scores under it may return any value under it.
 */
export function similarity(a: MatchObject, b: MatchObject, oksSigma: number, below = 0): Similarity {
  if (a.keypoints && b.keypoints && a.keypoints.length === b.keypoints.length) {
    return { value: oks(a, b, oksSigma), kind: 'oks' };
  }
  if (!a.extent || !b.extent) return { value: 0, kind: 'box' };
  const box = boxIntersection(a.extent, b.extent);
  if (a.hasMask && b.hasMask) {
    if (box <= 0) return { value: 0, kind: 'mask' };
    const ma = objectMask(a);
    const mb = objectMask(b);
    if (ma && mb && ma.h === mb.h && ma.w === mb.w) {
      // Intersection of masks ≤ intersection of their extents; union ≥ the larger mask.
      const bound = Math.max(ma.area, mb.area) > 0 ? box / Math.max(ma.area, mb.area) : 0;
      if (bound < below) return { value: Math.min(bound, below), kind: 'mask' };
      return { value: countsIou(ma.counts, mb.counts), kind: 'mask' };
    }
  }
  return { value: box <= 0 ? 0 : bboxIou([a.extent], [b.extent])[0][0], kind: 'box' };
}

function boxIntersection(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  if (!(w > 0)) return 0;
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  if (!(h > 0)) return 0;
  return w * h;
}

/** Object keypoint similarity as COCOeval computes it, with `a` as the ground truth (its labelled points count). */
export function oks(a: MatchObject, b: MatchObject, oksSigma: number): number {
  const ka = a.keypoints!;
  const kb = b.keypoints!;
  const n = ka.length / 3;
  const sigmas = n === 17 ? COCO_PERSON_SIGMAS : undefined;
  const areaField = a.value.area;
  const area = typeof areaField === 'number' && areaField > 0 ? areaField : a.extent ? a.extent[2] * a.extent[3] : 0;
  let sum = 0;
  let count = 0;
  for (let k = 0; k < n; k++) {
    if (!(ka[3 * k + 2] > 0)) continue;
    const s = sigmas ? sigmas[k] : oksSigma;
    const vars = (2 * s) ** 2;
    const dx = kb[3 * k] - ka[3 * k];
    const dy = kb[3 * k + 1] - ka[3 * k + 1];
    const e = (dx * dx + dy * dy) / vars / (area + Number.EPSILON) / 2;
    sum += Math.exp(-e);
    count++;
  }
  return count > 0 ? sum / count : 0;
}
