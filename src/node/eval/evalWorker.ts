/** Worker thread: COCOeval's evaluateImg over one range of images (see runEval.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { evaluateImage, type CatImageEval } from '../../core/metrics/eval';
import type { EvalWorkerData, EvalWorkerMessage } from './evalWorkerProtocol';

const data = workerData as EvalWorkerData;
const post = (m: EvalWorkerMessage) => parentPort!.postMessage(m);
try {
  const evals: CatImageEval[] = [];
  let sinceProgress = 0;
  for (const task of data.tasks) {
    for (const e of evaluateImage(data.params, task, data.nCats)) evals.push(e);
    if (++sinceProgress === 100) { post({ type: 'progress', images: sinceProgress }); sinceProgress = 0; }
  }
  if (sinceProgress) post({ type: 'progress', images: sinceProgress });
  // Copied, not transferred: a transfer list of hundreds of thousands of small buffers made
  // postMessage crawl on the 5,000-image bench; structured clone of typed arrays is linear.
  post({ type: 'done', evals });
} catch (e) {
  post({ type: 'error', message: (e as Error)?.stack ?? String(e) });
}
