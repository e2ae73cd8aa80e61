import type { Accumulated } from './accumulate';
import type { CatImageEval } from './evaluateImg';
import type { PreparedEval } from './prepare';
import type { EvalProblem } from './problems';

export interface AnalysisOptions { hintScore?: number }
export interface ClassCurves { categoryId: number }
export interface ConfusionMatrix { labels: string[] }
export interface EvalAnalysis { hints: EvalProblem[] }

export function analyze(_prep: PreparedEval, _evals: readonly CatImageEval[], _acc: Accumulated, _opts: AnalysisOptions): EvalAnalysis {
  return { hints: [] };
}
