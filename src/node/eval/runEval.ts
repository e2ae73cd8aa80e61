/**
 * Evaluate a predictions file against a ground-truth file: read both, prepare (loadRes), run
 * evaluateImg over contiguous image ranges in worker threads (one per core, balanced by the
 * number of annotations + detections), merge in image order, accumulate and summarize. Small
 * inputs, or no worker script, run on the calling thread; the numbers are the same either way.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CocoDocument } from '../../core/coco';
import { evaluateImage, finishEval, prepareEval, type CatImageEval, type EvalResult, type EvaluateOptions, type ImageTask, type PreparedEval } from '../../core/metrics/eval';
import { loadCoco } from '../loadCoco';
import type { EvalWorkerData, EvalWorkerMessage } from './evalWorkerProtocol';

export interface RunEvalOptions extends Omit<EvaluateOptions, 'resultsPath'> {
  /** Worker threads (default: cores - 1, at least 1; 0 = evaluate on this thread). */
  threads?: number;
  /** Below this many annotations + detections everything stays on this thread. */
  minWorkForThreads?: number;
  signal?: AbortSignal;
  onProgress?: (phase: string, fraction: number) => void;
}

export interface Detections {
  results: unknown[];
  /** `$` for a results list, `$.annotations` for a COCO file with scores. */
  resultsPath: '$' | '$.annotations';
  doc?: CocoDocument;
}

export class EvalInputError extends Error {}

/** A results list (`[{image_id, category_id, bbox|segmentation|keypoints, score}]`) or a COCO file with scores. */
export async function loadDetections(path: string): Promise<Detections> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new EvalInputError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const head = text.slice(0, 4096).trimStart();
  if (head.startsWith('[')) {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      throw new EvalInputError(`${path} is not valid JSON: ${(e as Error).message}`);
    }
    return { results: v as unknown[], resultsPath: '$' };
  }
  const doc = await loadCoco(path);
  if (!doc.isJson) throw new EvalInputError(`${path} is not valid JSON: ${doc.parseIssues[0]?.message ?? 'unreadable'}`);
  if (!doc.sections.has('annotations')) throw new EvalInputError(`${path} is neither a results list nor a COCO file with "annotations"`);
  return { results: doc.annotations, resultsPath: '$.annotations', doc };
}

export interface FileEval {
  result: EvalResult;
  gt: CocoDocument;
  dt: Detections;
  durationMs: number;
  threads: number;
}

export async function evaluateFiles(gtPath: string, dtPath: string, opts: RunEvalOptions): Promise<FileEval> {
  const t0 = performance.now();
  opts.onProgress?.('reading ground truth', 0);
  const gt = await loadCoco(gtPath);
  if (!gt.isJson) throw new EvalInputError(`${gtPath} is not valid JSON: ${gt.parseIssues[0]?.message ?? 'unreadable'}`);
  if (!gt.sections.has('images') || !gt.sections.has('annotations')) throw new EvalInputError(`${gtPath} is not a COCO file (no "images" / "annotations")`);
  opts.onProgress?.('reading predictions', 0);
  const dt = await loadDetections(dtPath);
  if (!Array.isArray(dt.results)) throw new EvalInputError(`${dtPath}: the results must be a list`);
  opts.signal?.throwIfAborted();
  const prep = prepareEval({ images: gt.images, annotations: gt.annotations, categories: gt.categories }, dt.results, { ...opts, resultsPath: dt.resultsPath });
  const { evals, threads } = await evaluatePrepared(prep, opts);
  opts.onProgress?.('accumulating', 1);
  const result = finishEval(prep, evals, opts);
  return { result, gt, dt, durationMs: performance.now() - t0, threads };
}

function workerSource(): { script: string; eval: boolean } | undefined {
  for (const file of [join(__dirname, 'evalWorker.js'), join(__dirname, 'evalWorker.ts')]) {
    if (!existsSync(file)) continue;
    if (!file.endsWith('.ts')) return { script: file, eval: false };
    try {
      const tsx = require.resolve('tsx/cjs');
      return { script: `require(${JSON.stringify(tsx)}); require(${JSON.stringify(file)});`, eval: true };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** evaluateImg for every image: on worker threads by image ranges, merged in image order. */
export async function evaluatePrepared(prep: PreparedEval, opts: Pick<RunEvalOptions, 'threads' | 'minWorkForThreads' | 'signal' | 'onProgress'> = {}): Promise<{ evals: CatImageEval[]; threads: number }> {
  const work = prep.tasks.reduce((n, t) => n + t.gts.length + t.dts.length, 0);
  const wanted = opts.threads ?? Math.max(1, availableParallelism() - 1);
  const src = wanted > 0 && work >= (opts.minWorkForThreads ?? 20000) ? workerSource() : undefined;
  const nImages = prep.tasks.length;
  if (!src || nImages < 2) {
    const evals: CatImageEval[] = [];
    prep.tasks.forEach((task, i) => {
      for (const e of evaluateImage(prep.params, task, prep.catIds.length)) evals.push(e);
      if (i % 500 === 0) { opts.signal?.throwIfAborted(); opts.onProgress?.('evaluating', i / nImages); }
    });
    return { evals, threads: 0 };
  }
  const ranges = splitByWork(prep.tasks, Math.min(wanted, nImages), work);
  let done = 0;
  const parts = await Promise.all(ranges.map((tasks) => runWorker(src, { params: prep.params, nCats: prep.catIds.length, tasks }, opts, (n) => {
    done += n;
    opts.onProgress?.('evaluating', done / nImages);
  })));
  return { evals: parts.flat(), threads: ranges.length };
}

function splitByWork(tasks: ImageTask[], n: number, total: number): ImageTask[][] {
  const out: ImageTask[][] = [];
  let cur: ImageTask[] = [];
  let acc = 0;
  for (const t of tasks) {
    cur.push(t);
    acc += t.gts.length + t.dts.length;
    if (acc >= (total * (out.length + 1)) / n && out.length < n - 1) { out.push(cur); cur = []; }
  }
  if (cur.length) out.push(cur);
  return out;
}

function runWorker(src: { script: string; eval: boolean }, data: EvalWorkerData, opts: Pick<RunEvalOptions, 'signal'>, onImages: (n: number) => void): Promise<CatImageEval[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(src.script, { eval: src.eval, workerData: data, execArgv: [] });
    const abort = () => { void worker.terminate(); reject(opts.signal?.reason ?? new Error('cancelled')); };
    opts.signal?.addEventListener('abort', abort, { once: true });
    const finish = () => opts.signal?.removeEventListener('abort', abort);
    worker.on('message', (m: EvalWorkerMessage) => {
      if (m.type === 'progress') onImages(m.images);
      else if (m.type === 'done') { finish(); resolve(m.evals); void worker.terminate(); }
      else { finish(); reject(new Error(`evaluation worker failed: ${m.message}`)); void worker.terminate(); }
    });
    worker.on('error', (e) => { finish(); reject(e); });
    worker.on('exit', (code) => { if (code !== 0) { finish(); reject(new Error(`evaluation worker exited with ${code}`)); } });
  });
}
