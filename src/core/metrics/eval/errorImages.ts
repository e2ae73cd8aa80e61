/**
 * Which images have a false positive or a false negative at one IoU threshold and minimum score
 * (issue 12's cross-image walk): the same rule as the viewer's prediction layer (layer.ts), from
 * the matching COCOeval already did, in one pass over the evaluated (image, class) pairs. A
 * detection scoring at least `minScore` is a false positive when its state at threshold t is 2;
 * a label is a false negative when it is not ignored and no true positive scoring at least
 * `minScore` matched it at t (greedy matching in score order makes the score cut exact).
 */
import type { EvalResult } from './index';

/** Image ids (the ground truth's) with at least one FP or FN at threshold index t and score ≥ minScore. */
export function imagesWithErrors(result: EvalResult, t: number, minScore: number): Set<number | string> {
  const prep = result.prepared;
  const withErrors = new Set<number>();
  const scoreById = new Map<number, Map<number, number>>();
  const scoresOf = (imageIdx: number) => {
    let m = scoreById.get(imageIdx);
    if (!m) { m = new Map(prep.tasks[imageIdx]?.dts.map((d) => [d.id, d.score])); scoreById.set(imageIdx, m); }
    return m;
  };
  for (const e of result.evals) {
    if (withErrors.has(e.imageIdx)) continue;
    const task = prep.tasks[e.imageIdx];
    if (!task) continue;
    const scores = scoresOf(e.imageIdx);
    const D = e.dtIds.length;
    const matched = new Set<number>();
    let error = false;
    for (let d = 0; d < D && !error; d++) {
      if ((scores.get(e.dtIds[d]) ?? -Infinity) < minScore) continue;
      const state = e.areas[0].state[t * D + d];
      if (state === 2) error = true;
      else if (state === 1) matched.add(e.matchAll[t * D + d]);
    }
    if (!error) {
      const ignored = new Map(task.gts.map((g) => [g.index, g.ignore]));
      for (let k = 0; k < e.gtIndex.length && !error; k++) if (!ignored.get(e.gtIndex[k]) && !matched.has(k)) error = true;
    }
    if (error) withErrors.add(e.imageIdx);
  }
  return new Set([...withErrors].map((i) => prep.imageIds[i]));
}
