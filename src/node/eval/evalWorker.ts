/** Worker thread: COCOeval's evaluateImg over one range of images (see runEval.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { evaluateImage, type CatImageEval } from '../../core/metrics/eval';
import type { EvalWorkerData, EvalWorkerMessage } from './evalWorkerProtocol';

const data = workerData as EvalWorkerData;
const post = (m: EvalWorkerMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(m, transfer);
try {
  const evals: CatImageEval[] = [];
  let sinceProgress = 0;
  for (const task of data.tasks) {
    for (const e of evaluateImage(data.params, task, data.nCats)) evals.push(e);
    if (++sinceProgress === 100) { post({ type: 'progress', images: sinceProgress }); sinceProgress = 0; }
  }
  if (sinceProgress) post({ type: 'progress', images: sinceProgress });
  // Hand the typed arrays over instead of copying them (the area states share one buffer).
  const transfer = new Set<ArrayBuffer>();
  for (const e of evals) {
    for (const a of [e.dtIds, e.dtScores, e.gtIndex, e.matchAll, e.bestIou, ...e.areas.map((x) => x.state)]) transfer.add(a.buffer as ArrayBuffer);
  }
  post({ type: 'done', evals }, [...transfer]);
} catch (e) {
  post({ type: 'error', message: (e as Error)?.stack ?? String(e) });
}
