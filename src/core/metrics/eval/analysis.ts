/**
 * Beyond pycocotools: per-class precision-recall curves, F1 against the score threshold (and the
 * best threshold), a confusion matrix with an "unmatched" row and column, and hints about the
 * *labels* drawn from confident detections. Built on COCOeval's own matching (area 'all',
 * largest maxDets) at one IoU threshold (0.5 by default), so the diagonal of the confusion
 * matrix is exactly COCOeval's true positives at that threshold.
 */
import { bboxIou } from '../../geometry/bbox';
import { rleIou, type Rle } from '../../geometry/rle';
import { segmentationToRle } from '../../geometry/segmentation';
import { precisionIndex, type Accumulated } from './accumulate';
import type { CatImageEval } from './evaluateImg';
import type { EvalDt, EvalGt, ImageTask, PreparedEval } from './prepare';
import { ProblemSink, type EvalProblem, type EvalRuleId } from './problems';

export interface AnalysisOptions {
  /** IoU threshold of the curves, the confusion matrix and the hints (must be one of the params' iouThrs; default 0.5). */
  analysisIou?: number;
  /** Detections below this score are left out of the confusion matrix (default 0.25). */
  confusionScore?: number;
  /** Detections below this score give no label hints (default 0.5). */
  hintScore?: number;
  /** Hints kept per rule, the most confident first (default 500). */
  hintCap?: number;
}

export interface ClassCurves {
  categoryId: number;
  name: string;
  /** Precision at the 101 recall thresholds (COCOeval's interpolated curve), -1 when the class has no ground truth. */
  precision: number[];
  /** F1 against the score threshold: at most ~200 points, thresholds descending. */
  f1: { score: number; precision: number; recall: number; f1: number }[];
  /** The score threshold with the best F1 (undefined when nothing is ever found). */
  best?: { score: number; precision: number; recall: number; f1: number };
}

export interface ConfusionMatrix {
  /** Class names, then "unmatched". */
  labels: string[];
  categoryIds: number[];
  /** cells[gtRow][predictedColumn]; the last row = detections that match no label, the last column = labels no detection found. */
  cells: number[][];
  iou: number;
  minScore: number;
}

export interface EvalAnalysis {
  iou: number;
  recThrs: number[];
  curves: ClassCurves[];
  confusion?: ConfusionMatrix;
  /** Image indices (in `imageIds` order) behind each confusion cell: [row][column]. */
  confusionImages?: number[][][];
  hints: EvalProblem[];
  /** Hints past the cap, per rule. */
  omittedHints: Partial<Record<EvalRuleId, number>>;
}

const MAX_CURVE_POINTS = 200;

interface Cells { counts: number[][]; add(row: number, col: number, imageIdx: number): void }

export function analyze(prep: PreparedEval, evals: readonly CatImageEval[], acc: Accumulated, opts: AnalysisOptions = {}): EvalAnalysis {
  const params = prep.params;
  const iou = opts.analysisIou ?? 0.5;
  const t = params.iouThrs.indexOf(iou);
  const K = prep.catIds.length;
  const M = params.maxDets.length;
  const R = params.recThrs.length;
  const curves: ClassCurves[] = prep.catIds.map((id, k) => ({ categoryId: id, name: prep.categoryNames[k], precision: [], f1: [] }));
  if (t < 0) return { iou, recThrs: params.recThrs, curves, hints: [], omittedHints: {} };
  for (let k = 0; k < K; k++) for (let r = 0; r < R; r++) curves[k].precision.push(acc.precision[precisionIndex(acc, t, r, k, 0, M - 1)]);

  const byCat: CatImageEval[][] = Array.from({ length: K }, () => []);
  for (const e of evals) byCat[e.catIdx].push(e);
  for (let k = 0; k < K; k++) f1Curve(curves[k], byCat[k], t);

  const byImage = new Map<number, CatImageEval[]>();
  for (const e of evals) {
    let l = byImage.get(e.imageIdx);
    if (!l) byImage.set(e.imageIdx, (l = []));
    l.push(e);
  }
  const confusionScore = opts.confusionScore ?? 0.25;
  const hintScore = opts.hintScore ?? 0.5;
  const counts = Array.from({ length: K + 1 }, () => new Array<number>(K + 1).fill(0));
  const confusionImages: number[][][] = Array.from({ length: K + 1 }, () => Array.from({ length: K + 1 }, () => []));
  // One increment of a cell, remembering the image once (images are visited in order).
  const cells: Cells = { counts, add(row, col, imageIdx) {
    counts[row][col]++;
    const l = confusionImages[row][col];
    if (l[l.length - 1] !== imageIdx) l.push(imageIdx);
  } };
  const all: EvalProblem[] = [];
  for (const task of prep.tasks) imageAnalysis(prep, task, byImage.get(task.imageIdx) ?? [], t, iou, confusionScore, hintScore, cells, all);
  // The most confident hints first (stable: file order among equals), capped per rule.
  const sink = new ProblemSink(opts.hintCap ?? 500);
  all.map((h, i) => ({ h, i })).sort((a, b) => (b.h.score ?? 0) - (a.h.score ?? 0) || a.i - b.i).forEach(({ h }) => sink.add(h));
  const omittedHints: Partial<Record<EvalRuleId, number>> = {};
  for (const [rule, n] of sink.omitted) omittedHints[rule] = n;
  const hints = sink.problems;
  return {
    iou,
    recThrs: params.recThrs,
    curves,
    confusion: { labels: [...prep.categoryNames, 'unmatched'], categoryIds: prep.catIds, cells: counts, iou, minScore: confusionScore },
    confusionImages,
    hints,
    omittedHints,
  };
}

/** F1 over score thresholds for one class: detections of all images sorted by score (stable). */
function f1Curve(curve: ClassCurves, E: CatImageEval[], t: number): void {
  E.sort((a, b) => a.imageIdx - b.imageIdx);
  let npig = 0;
  const scores: number[] = [];
  const states: number[] = [];
  for (const e of E) {
    npig += e.areas[0].npig;
    const D = e.dtScores.length;
    for (let d = 0; d < D; d++) { scores.push(e.dtScores[d]); states.push(e.areas[0].state[t * D + d]); }
  }
  if (npig === 0 || scores.length === 0) return;
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  const points: ClassCurves['f1'] = [];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length; i++) {
    const s = states[order[i]];
    if (s === 1) tp++;
    else if (s === 2) fp++;
    // One point per distinct score: the threshold "score >= this" keeps everything so far.
    if (i + 1 < order.length && scores[order[i + 1]] === scores[order[i]]) continue;
    const precision = tp + fp ? tp / (tp + fp) : 0;
    const recall = tp / npig;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    const p = { score: scores[order[i]], precision, recall, f1 };
    points.push(p);
    if (!curve.best || f1 > curve.best.f1) curve.best = p;
  }
  if (curve.best && curve.best.f1 === 0) curve.best = undefined;
  const step = Math.max(1, Math.ceil(points.length / MAX_CURVE_POINTS));
  curve.f1 = points.filter((_, i) => i % step === 0 || i === points.length - 1);
}

function pairIou(prep: PreparedEval, task: ImageTask, dts: EvalDt[], gts: EvalGt[]): number[][] {
  if (dts.length === 0 || gts.length === 0) return [];
  if (prep.params.iouType === 'segm') {
    const rle = (o: EvalDt | EvalGt): Rle => segmentationToRle(o.segmentation, task.height, task.width) ?? { size: [task.height, task.width], counts: [task.height * task.width] };
    return rleIou(dts.map(rle), gts.map(rle));
  }
  return bboxIou(dts.map((d) => d.bbox), gts.map((g) => g.bbox));
}

const fmtBox = (b: number[]) => `[${b.map((v) => +v.toFixed(1)).join(', ')}]`;

function imageAnalysis(prep: PreparedEval, task: ImageTask, E: CatImageEval[], t: number, iou: number, confusionScore: number, hintScore: number, cells: Cells, hints: EvalProblem[]): void {
  const K = prep.catIds.length;
  const dtById = new Map(task.dts.map((d) => [d.id, d]));
  const minScore = Math.min(confusionScore, hintScore);
  // COCOeval's class-aware outcome at IoU t for the detections and labels that count.
  const matchedGt = new Set<number>(); // annotation indices taken by a confident-enough detection
  const unmatchedDts: EvalDt[] = [];
  for (const e of E) {
    const D = e.dtIds.length;
    for (let d = 0; d < D; d++) {
      const dt = dtById.get(e.dtIds[d])!;
      if (dt.score < minScore) continue;
      const state = e.areas[0].state[t * D + d];
      const m = e.matchAll[t * D + d];
      if (state === 1) {
        if (dt.score >= confusionScore) { cells.add(dt.catIdx, dt.catIdx, task.imageIdx); matchedGt.add(e.gtIndex[m]); }
      } else if (state === 2) unmatchedDts.push(dt);
    }
  }
  const liveGts = task.gts.filter((g) => !g.ignore);
  const openGts = liveGts.filter((g) => !matchedGt.has(g.index));
  unmatchedDts.sort((a, b) => b.score - a.score || a.id - b.id);
  const ious = pairIou(prep, task, unmatchedDts, liveGts);
  const taken = new Set<number>();
  const imgPlace = { file: 'gt' as const, section: 'images' as const, index: task.imageIndex, jsonPath: `$.images[${task.imageIndex}]`, imageId: prep.imageIds[task.imageIdx] };
  unmatchedDts.forEach((dt, di) => {
    const row = ious[di] ?? [];
    let best = -1;
    let bestIou = 0;
    let any = 0;
    liveGts.forEach((g, gi) => {
      any = Math.max(any, row[gi] ?? 0);
      if (taken.has(g.index) || matchedGt.has(g.index)) return;
      if ((row[gi] ?? 0) >= iou && (row[gi] > bestIou || best < 0)) { best = gi; bestIou = row[gi]; }
    });
    const cls = prep.categoryNames[dt.catIdx];
    if (best >= 0) {
      const g = liveGts[best];
      taken.add(g.index);
      if (dt.score >= confusionScore) cells.add(g.catIdx, dt.catIdx, task.imageIdx);
      if (dt.score >= hintScore && bestIou >= 0.9 && g.catIdx !== dt.catIdx) {
        hints.push({ ...imgPlace, section: 'annotations', index: g.index, jsonPath: `$.annotations[${g.index}].category_id`, rule: 'eval/hint-wrong-class', severity: 'info', annotationId: g.id, categoryId: prep.catIds[g.catIdx], score: dt.score, message: `a "${cls}" detection (score ${dt.score.toFixed(2)}) covers this "${prep.categoryNames[g.catIdx]}" annotation at IoU ${bestIou.toFixed(2)} and nothing of its own class found it: the class is likely wrong` });
      }
      return;
    }
    if (dt.score >= confusionScore) cells.add(K, dt.catIdx, task.imageIdx);
    if (dt.score < hintScore) return;
    if (any < 0.1) {
      hints.push({ ...imgPlace, rule: 'eval/hint-missing-label', severity: 'info', categoryId: prep.catIds[dt.catIdx], score: dt.score, message: `a "${cls}" detection (score ${dt.score.toFixed(2)}) at ${fmtBox(dt.bbox)} overlaps no label: a label is likely missing` });
      return;
    }
    // Same class, loosely placed on a label nothing else found.
    let loose = -1;
    let looseIou = 0;
    liveGts.forEach((g, gi) => {
      const v = row[gi] ?? 0;
      if (g.catIdx === dt.catIdx && !matchedGt.has(g.index) && v >= 0.1 && v < iou && v > looseIou) { loose = gi; looseIou = v; }
    });
    if (loose >= 0) {
      const g = liveGts[loose];
      hints.push({ ...imgPlace, section: 'annotations', index: g.index, jsonPath: `$.annotations[${g.index}].bbox`, rule: 'eval/hint-badly-placed', severity: 'info', annotationId: g.id, categoryId: prep.catIds[g.catIdx], score: dt.score, message: `a "${cls}" detection (score ${dt.score.toFixed(2)}) at ${fmtBox(dt.bbox)} overlaps this annotation ${fmtBox(g.bbox)} only at IoU ${looseIou.toFixed(2)} and nothing matches it: the box is likely badly placed` });
    }
  });
  for (const g of openGts) if (!taken.has(g.index)) cells.add(g.catIdx, K, task.imageIdx);
}
