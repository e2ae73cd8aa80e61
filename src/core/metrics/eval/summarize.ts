/**
 * COCOeval.summarize: the 12 numbers (10 for keypoints) and the lines it prints, character for
 * character (`' {:<18} {} @[ IoU={:<9} | area={:>6s} | maxDets={:>3d} ] = {:0.3f}'`).
 */
import { meanOfValid, pyFixed } from './numpy';
import type { EvalParams } from './params';
import { precisionIndex, recallIndex, type Accumulated } from './accumulate';

export interface SummaryEntry {
  /** JSON key: AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl (keypoints: AP, AP50, AP75, APm, APl, AR, AR50, AR75, ARm, ARl). */
  key: string;
  ap: boolean;
  iouThr?: number;
  areaRng: string;
  maxDets: number;
  value: number;
  line: string;
}

function summarizeOne(params: EvalParams, acc: Accumulated, ap: boolean, iouThr: number | undefined, areaLbl: string, maxDets: number): number {
  const [T, R, K] = acc.counts;
  const aind = params.areaRngLbl.indexOf(areaLbl);
  const mind = params.maxDets.indexOf(maxDets);
  if (aind < 0 || mind < 0) return -1;
  const ts: number[] = [];
  for (let t = 0; t < T; t++) if (iouThr === undefined || params.iouThrs[t] === iouThr) ts.push(t);
  const values: number[] = [];
  for (const t of ts) {
    if (ap) { for (let r = 0; r < R; r++) for (let k = 0; k < K; k++) values.push(acc.precision[precisionIndex(acc, t, r, k, aind, mind)]); }
    else for (let k = 0; k < K; k++) values.push(acc.recall[recallIndex(acc, t, k, aind, mind)]);
  }
  return meanOfValid(values);
}

function formatLine(params: EvalParams, ap: boolean, iouThr: number | undefined, areaLbl: string, maxDets: number, value: number): string {
  const title = (ap ? 'Average Precision' : 'Average Recall').padEnd(18);
  const type = ap ? '(AP)' : '(AR)';
  const iouStr = (iouThr === undefined ? `${pyFixed(params.iouThrs[0], 2)}:${pyFixed(params.iouThrs[params.iouThrs.length - 1], 2)}` : pyFixed(iouThr, 2)).padEnd(9);
  return ` ${title} ${type} @[ IoU=${iouStr} | area=${areaLbl.padStart(6)} | maxDets=${String(maxDets).padStart(3)} ] = ${pyFixed(value, 3)}`;
}

export function summarize(params: EvalParams, acc: Accumulated): SummaryEntry[] {
  const md = params.maxDets;
  const spec: [string, boolean, number | undefined, string, number][] =
    params.iouType === 'keypoints'
      ? [
          ['AP', true, undefined, 'all', 20], ['AP50', true, 0.5, 'all', 20], ['AP75', true, 0.75, 'all', 20],
          ['APm', true, undefined, 'medium', 20], ['APl', true, undefined, 'large', 20],
          ['AR', false, undefined, 'all', 20], ['AR50', false, 0.5, 'all', 20], ['AR75', false, 0.75, 'all', 20],
          ['ARm', false, undefined, 'medium', 20], ['ARl', false, undefined, 'large', 20],
        ]
      : [
          // stats[0] uses summarize()'s default maxDets=100, the others params.maxDets[i] (as cocoeval.py).
          ['AP', true, undefined, 'all', 100], ['AP50', true, 0.5, 'all', md[2]], ['AP75', true, 0.75, 'all', md[2]],
          ['APs', true, undefined, 'small', md[2]], ['APm', true, undefined, 'medium', md[2]], ['APl', true, undefined, 'large', md[2]],
          ['AR1', false, undefined, 'all', md[0]], ['AR10', false, undefined, 'all', md[1]], ['AR100', false, undefined, 'all', md[2]],
          ['ARs', false, undefined, 'small', md[2]], ['ARm', false, undefined, 'medium', md[2]], ['ARl', false, undefined, 'large', md[2]],
        ];
  return spec.map(([key, ap, iouThr, area, maxDets]) => {
    const value = summarizeOne(params, acc, ap, iouThr, area, maxDets);
    return { key, ap, iouThr, areaRng: area, maxDets, value, line: formatLine(params, ap, iouThr, area, maxDets, value) };
  });
}

/** Per-category AP and AR at area 'all' and the largest maxDets (mean of the non -1 entries). */
export function perCategory(params: EvalParams, acc: Accumulated): { ap: number; ar: number; ap50: number; ap75: number }[] {
  const [T, R, K] = acc.counts;
  const M = params.maxDets.length;
  const out = [];
  const t50 = params.iouThrs.indexOf(0.5);
  const t75 = params.iouThrs.indexOf(0.75);
  for (let k = 0; k < K; k++) {
    const p: number[] = [];
    const r: number[] = [];
    const at = (t: number) => {
      if (t < 0) return -1;
      const v: number[] = [];
      for (let q = 0; q < R; q++) v.push(acc.precision[precisionIndex(acc, t, q, k, 0, M - 1)]);
      return meanOfValid(v);
    };
    for (let t = 0; t < T; t++) {
      for (let q = 0; q < R; q++) p.push(acc.precision[precisionIndex(acc, t, q, k, 0, M - 1)]);
      r.push(acc.recall[recallIndex(acc, t, k, 0, M - 1)]);
    }
    out.push({ ap: meanOfValid(p), ar: meanOfValid(r), ap50: at(t50), ap75: at(t75) });
  }
  return out;
}
