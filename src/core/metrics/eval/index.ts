/**
 * A port of pycocotools' COCOeval that gives the same numbers (bbox, segm, keypoints), plus
 * what pycocotools leaves out (see `analysis.ts`). Pure: runs in workers, the CLI, the
 * extension and tests. `evaluateCoco` does everything on one thread; the Node adapter
 * (`src/node/eval/`) runs `evaluateImage` over image ranges in worker threads and calls
 * `finishEval` on the merged results.
 */
import { accumulate, type Accumulated } from './accumulate';
import { evaluateImage, type CatImageEval } from './evaluateImg';
import { perCategory, summarize, type SummaryEntry } from './summarize';
import { prepareEval, type CocoLike, type PrepareOptions, type PreparedEval } from './prepare';
import { analyze, type AnalysisOptions, type EvalAnalysis } from './analysis';
import type { EvalParams } from './params';
import type { EvalProblem, EvalRuleId } from './problems';

export * from './params';
export * from './problems';
export { prepareEval, type CocoLike, type PrepareOptions, type PreparedEval, type ImageTask, type EvalGt, type EvalDt, type ImageId } from './prepare';
export { evaluateImage, type CatImageEval } from './evaluateImg';
export { accumulate, precisionIndex, recallIndex, type Accumulated } from './accumulate';
export { summarize, perCategory, type SummaryEntry } from './summarize';
export { computeOks } from './iou';
export { npSum, npMean, pyFixed } from './numpy';
export type { AnalysisOptions, EvalAnalysis, ClassCurves, ConfusionMatrix } from './analysis';

export interface CategoryResult {
  id: number;
  name: string;
  /** Ground truths that count (not crowd / ignored), area 'all'. */
  gtCount: number;
  dtCount: number;
  ap: number;
  ap50: number;
  ap75: number;
  ar: number;
}

export interface EvalResult {
  iouType: EvalParams['iouType'];
  params: EvalParams;
  /** COCOeval.stats, in order. */
  stats: number[];
  summary: SummaryEntry[];
  /** summarize()'s printed lines, joined with "\n". */
  summaryText: string;
  perCategory: CategoryResult[];
  accumulated: Accumulated;
  /** The non-empty (image, category) evaluations (evalImgs), for drawing TP / FP / FN. */
  evals: readonly CatImageEval[];
  analysis: EvalAnalysis;
  problems: EvalProblem[];
  omittedProblems: Partial<Record<EvalRuleId, number>>;
  counts: PreparedEval['counts'] & { images: number; categories: number };
  /** The prepared inputs (image ids, categories, labels and results per image). */
  prepared: PreparedEval;
}

export interface EvaluateOptions extends PrepareOptions, AnalysisOptions {}

export function evaluateCoco(gt: CocoLike, results: readonly unknown[], opts: EvaluateOptions): EvalResult {
  const prep = prepareEval(gt, results, opts);
  const evals: CatImageEval[] = [];
  for (const task of prep.tasks) for (const e of evaluateImage(prep.params, task, prep.catIds.length)) evals.push(e);
  return finishEval(prep, evals, opts);
}

/** Accumulate, summarize and analyze per-image results (from any number of workers, any order). */
export function finishEval(prep: PreparedEval, evals: readonly CatImageEval[], opts: AnalysisOptions = {}): EvalResult {
  const acc = accumulate(prep.params, prep.catIds.length, evals);
  const summary = summarize(prep.params, acc);
  const perCat = perCategory(prep.params, acc);
  const gtCount = new Array<number>(prep.catIds.length).fill(0);
  const dtCount = new Array<number>(prep.catIds.length).fill(0);
  for (const e of evals) { gtCount[e.catIdx] += e.areas[0].npig; dtCount[e.catIdx] += e.dtIds.length; }
  const analysis = analyze(prep, evals, acc, opts);
  return {
    iouType: prep.params.iouType,
    params: prep.params,
    stats: summary.map((s) => s.value),
    summary,
    summaryText: summary.map((s) => s.line).join('\n'),
    perCategory: prep.catIds.map((id, k) => ({ id, name: prep.categoryNames[k], gtCount: gtCount[k], dtCount: dtCount[k], ...perCat[k] })),
    accumulated: acc,
    evals,
    analysis,
    problems: [...prep.problems, ...analysis.hints],
    omittedProblems: { ...prep.omittedProblems, ...analysis.omittedHints },
    counts: { ...prep.counts, images: prep.imageIds.length, categories: prep.catIds.length },
    prepared: prep,
  };
}
export { evalReportJson, evalReportText, evalReportMarkdown, EVAL_OUTPUT_FORMATS, type EvalOutputFormat, type EvalReportInput } from './report';
export { evalOverlay, imagesOfCategory, type EvalOverlayItem } from './overlay';
export { imagesWithErrors } from './errorImages';
export { evalLayer, rleOutline, type EvalLayer, type EvalLayerDetection, type EvalLayerLabel, type EvalLayerGeometry } from './layer';
