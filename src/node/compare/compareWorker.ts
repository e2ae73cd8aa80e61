/** Worker thread (dist/compareWorker.js): one comparison per worker, so cancel = terminate. */
import { parentPort, workerData } from 'node:worker_threads';
import type { CompareRequest, CompareWorkerMessage } from './protocol';
import { runCompare } from './runCompare';

const post = (m: CompareWorkerMessage) => parentPort!.postMessage(m);

runCompare(workerData as CompareRequest, (phase, fraction) => post({ type: 'progress', phase, fraction })).then(
  (result) => post({ type: 'result', result }),
  (e) => post({ type: 'error', message: (e as Error)?.message ?? String(e) }),
);
