/** Messages between `runEval` and `evalWorker`: one image range in, its evalImgs out. */
import type { CatImageEval, EvalParams, ImageTask } from '../../core/metrics/eval';

export interface EvalWorkerData {
  params: EvalParams;
  nCats: number;
  tasks: ImageTask[];
}

export type EvalWorkerMessage =
  | { type: 'progress'; images: number }
  | { type: 'done'; evals: CatImageEval[] }
  | { type: 'error'; message: string };
