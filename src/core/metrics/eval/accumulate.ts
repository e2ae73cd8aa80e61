/**
 * COCOeval.accumulate: precision (T x R x K x A x M) and recall (T x K x A x M), -1 where a
 * category has no ground truth that counts. Flat Float64Arrays in numpy's C order.
 *
 * Per category the detections of all images are concatenated in image order (each image's
 * already sorted, first maxDet) and sorted by score with a stable sort, like
 * `np.argsort(-dtScores, kind='mergesort')`; that order does not depend on the area range or on
 * maxDets (a smaller maxDets only drops entries), so it is computed once per category.
 */
import { EPS } from './iou';
import type { EvalParams } from './params';
import type { CatImageEval } from './evaluateImg';

export interface Accumulated {
  /** [T, R, K, A, M] */
  counts: [number, number, number, number, number];
  precision: Float64Array;
  recall: Float64Array;
  /** Detection score at each recall threshold (COCOeval's `scores`), same shape as precision. */
  scores: Float64Array;
}

export function precisionIndex(acc: Accumulated, t: number, r: number, k: number, a: number, m: number): number {
  const [, R, K, A, M] = acc.counts;
  return (((t * R + r) * K + k) * A + a) * M + m;
}

export function recallIndex(acc: Accumulated, t: number, k: number, a: number, m: number): number {
  const [, , K, A, M] = acc.counts;
  return ((t * K + k) * A + a) * M + m;
}

/** `evals` must be in image order (the order of params.imgIds) within each category. */
export function accumulate(params: EvalParams, nCats: number, evals: readonly CatImageEval[]): Accumulated {
  const T = params.iouThrs.length;
  const R = params.recThrs.length;
  const K = nCats;
  const A = params.areaRng.length;
  const M = params.maxDets.length;
  const acc: Accumulated = {
    counts: [T, R, K, A, M],
    precision: new Float64Array(T * R * K * A * M).fill(-1),
    recall: new Float64Array(T * K * A * M).fill(-1),
    scores: new Float64Array(T * R * K * A * M).fill(-1),
  };
  const byCat: CatImageEval[][] = Array.from({ length: K }, () => []);
  for (const e of evals) byCat[e.catIdx].push(e);
  for (const list of byCat) list.sort((a, b) => a.imageIdx - b.imageIdx);

  for (let k = 0; k < K; k++) {
    const E = byCat[k];
    if (E.length === 0) continue;
    // Concatenate (entry, position) of every detection, then sort by score, stable.
    let n = 0;
    for (const e of E) n += e.dtScores.length;
    const scores = new Float64Array(n);
    const entry = new Int32Array(n);
    const pos = new Int32Array(n);
    let j = 0;
    E.forEach((e, ei) => {
      for (let d = 0; d < e.dtScores.length; d++) { scores[j] = e.dtScores[d]; entry[j] = ei; pos[j] = d; j++; }
    });
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((x, y) => scores[y] - scores[x] || x - y);

    const sortedScores = new Float64Array(n);
    for (let i = 0; i < n; i++) sortedScores[i] = scores[order[i]];
    // Positions (in sorted order) of the detections kept at each maxDets; null = all of them.
    let maxPos = 0;
    for (let i = 0; i < n; i++) if (pos[i] > maxPos) maxPos = pos[i];
    const keptByM = params.maxDets.map((maxDet) => {
      if (maxPos < maxDet) return null;
      const kept: number[] = [];
      for (let i = 0; i < n; i++) if (pos[order[i]] < maxDet) kept.push(i);
      return Int32Array.from(kept);
    });
    const rc = new Float64Array(n);
    const pr = new Float64Array(n);
    // States in sorted order, threshold-major: one flat array per area range.
    const st = new Uint8Array(T * n);
    for (let a = 0; a < A; a++) {
      let npig = 0;
      for (const e of E) npig += e.areas[a].npig;
      if (npig === 0) continue;
      for (let i = 0; i < n; i++) {
        const x = order[i];
        const e = E[entry[x]];
        const D = e.dtScores.length;
        const state = e.areas[a].state;
        const p = pos[x];
        for (let t = 0; t < T; t++) st[t * n + i] = state[t * D + p];
      }
      for (let m = 0; m < M; m++) {
        const kept = keptByM[m];
        const nd = kept ? kept.length : n;
        for (let t = 0; t < T; t++) {
          let tp = 0;
          let fp = 0;
          const base = t * n;
          for (let i = 0; i < nd; i++) {
            const s = st[base + (kept ? kept[i] : i)];
            if (s === 1) tp++;
            else if (s === 2) fp++;
            rc[i] = tp / npig;
            pr[i] = tp / (fp + tp + EPS);
          }
          acc.recall[recallIndex(acc, t, k, a, m)] = nd ? rc[nd - 1] : 0;
          for (let i = nd - 1; i > 0; i--) if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
          // np.searchsorted(rc, recThrs, side='left'); entries past the end stay 0.
          let i = 0;
          for (let r = 0; r < R; r++) {
            const thr = params.recThrs[r];
            while (i < nd && rc[i] < thr) i++;
            const pi = precisionIndex(acc, t, r, k, a, m);
            if (i < nd) {
              acc.precision[pi] = pr[i];
              acc.scores[pi] = sortedScores[kept ? kept[i] : i];
            } else {
              acc.precision[pi] = 0;
              acc.scores[pi] = 0;
            }
          }
        }
      }
    }
  }
  return acc;
}
