/**
 * COCOeval.evaluateImg: greedy matching of one image's detections of one category, for every
 * IoU threshold and area range, exactly as cocoeval.py does it:
 *
 * - ground truths sorted so non-ignored come first (stable); `_ignore` = iscrowd (or no
 *   keypoints) or stored `area` outside the range, bounds inclusive;
 * - detections sorted by score (stable), top maxDets;
 * - each detection takes the best remaining ground truth with IoU >= threshold (a later ground
 *   truth with an equal IoU wins), crowds can be taken again, and once a non-ignored one is
 *   held the ignored ones are not tried;
 * - "matched" is `gt id != 0` (the id-0 quirk, cocoapi#664); an unmatched detection outside the
 *   area range is ignored.
 * The result is compact: per area range one state byte per (threshold, detection):
 * 0 ignored, 1 true positive, 2 false positive.
 */
import { stableArgsortDesc } from './numpy';
import type { EvalParams } from './params';
import type { EvalDt, EvalGt, ImageTask } from './prepare';
import { computeIou } from './iou';
import type { Rle } from '../../geometry/rle';

export const IGNORED = 0;
export const TRUE_POSITIVE = 1;
export const FALSE_POSITIVE = 2;

export interface AreaEval {
  /** T x D states, threshold-major. */
  state: Uint8Array;
  /** Ground truths that count (`gtIgnore == 0`). */
  npig: number;
}

/** One (image, category) with any ground truth or detection: a non-None evalImgs entry. */
export interface CatImageEval {
  imageIdx: number;
  catIdx: number;
  /** Detection loadRes ids and scores, sorted by score, truncated to the largest maxDets. */
  dtIds: Int32Array;
  dtScores: Float64Array;
  /** Ground-truth indices in the GT file's `annotations`, file order. */
  gtIndex: Int32Array;
  areas: AreaEval[];
  /** Area 'all': the matched ground truth (position in `gtIndex`) per (threshold, detection), -1 none. */
  matchAll: Int32Array;
  /** Area 'all': the best IoU of each detection with any ground truth of its category (for hints). */
  bestIou: Float64Array;
}

export function evaluateImage(params: EvalParams, task: ImageTask, nCats: number): CatImageEval[] {
  const byCatGt: EvalGt[][] = [];
  const byCatDt: EvalDt[][] = [];
  for (const g of task.gts) (byCatGt[g.catIdx] ??= []).push(g);
  for (const d of task.dts) (byCatDt[d.catIdx] ??= []).push(d);
  const out: CatImageEval[] = [];
  const cache = params.iouType === 'segm' ? new Map<object, Rle>() : undefined;
  for (let c = 0; c < nCats; c++) {
    const gts = byCatGt[c] ?? [];
    const dtsAll = byCatDt[c] ?? [];
    if (gts.length === 0 && dtsAll.length === 0) continue;
    out.push(evaluateCat(params, task, c, gts, dtsAll, cache));
  }
  return out;
}

function evaluateCat(params: EvalParams, task: ImageTask, catIdx: number, gts: EvalGt[], dtsAll: EvalDt[], cache?: Map<object, Rle>): CatImageEval {
  const maxDet = params.maxDets[params.maxDets.length - 1];
  const order = stableArgsortDesc(dtsAll.map((d) => d.score));
  const dts = order.slice(0, maxDet).map((i) => dtsAll[i]);
  const ious = computeIou(params, gts, dts, task.height, task.width, cache);
  const T = params.iouThrs.length;
  const D = dts.length;
  const G = gts.length;
  const areas: AreaEval[] = [];
  // One buffer for the states of every area range (fewer small allocations on big inputs).
  const states = new Uint8Array(params.areaRng.length * T * D);
  const matchAll = new Int32Array(T * D).fill(-1);
  const bestIou = new Float64Array(D);
  if (ious.length) for (let d = 0; d < D; d++) for (let g = 0; g < G; g++) if (ious[d][g] > bestIou[d]) bestIou[d] = ious[d][g];

  for (let a = 0; a < params.areaRng.length; a++) {
    const [lo, hi] = params.areaRng[a];
    const ig = gts.map((g) => (g.ignore || g.area < lo || g.area > hi ? 1 : 0));
    // np.argsort(_ignore, kind='mergesort'): non-ignored first, stable.
    const gtOrder: number[] = [];
    for (let g = 0; g < G; g++) if (!ig[g]) gtOrder.push(g);
    for (let g = 0; g < G; g++) if (ig[g]) gtOrder.push(g);
    const gtIg = gtOrder.map((g) => ig[g]);
    const crowd = gtOrder.map((g) => gts[g].iscrowd !== 0);
    let npig = 0;
    for (const v of gtIg) if (!v) npig++;
    const state = states.subarray(a * T * D, (a + 1) * T * D);
    const gtTaken = new Uint8Array(G);
    for (let t = 0; t < T; t++) {
      gtTaken.fill(0);
      for (let d = 0; d < D; d++) {
        let m = -1;
        if (ious.length) {
          let iou = Math.min(params.iouThrs[t], 1 - 1e-10);
          const row = ious[d];
          for (let gi = 0; gi < G; gi++) {
            if (gtTaken[gi] && !crowd[gi]) continue;
            if (m > -1 && gtIg[m] === 0 && gtIg[gi] === 1) break;
            const v = row[gtOrder[gi]];
            if (v < iou) continue;
            iou = v;
            m = gi;
          }
        }
        const dt = dts[d];
        let ignored = false;
        let matchedNonZero = false;
        if (m !== -1) {
          ignored = gtIg[m] === 1;
          matchedNonZero = gts[gtOrder[m]].id !== 0;
          gtTaken[m] = 1;
          if (a === 0) matchAll[t * D + d] = gtOrder[m];
        }
        if (!matchedNonZero && (dt.area < lo || dt.area > hi)) ignored = true;
        state[t * D + d] = ignored ? 0 : matchedNonZero ? 1 : 2;
      }
    }
    areas.push({ state, npig });
  }
  return {
    imageIdx: task.imageIdx,
    catIdx,
    dtIds: Int32Array.from(dts, (d) => d.id),
    dtScores: Float64Array.from(dts, (d) => d.score),
    gtIndex: Int32Array.from(gts, (g) => g.index),
    areas,
    matchAll,
    bestIou,
  };
}
