/** Worker-thread entry: checks (or fixes) one file so a 450 MB parse never blocks the extension host. */
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckWorkerMessage, WorkerRequest } from './checkWorkerProtocol';
import { runRequest } from './runCheck';

const post = (m: CheckWorkerMessage) => parentPort!.postMessage(m);
let last = 0;
runRequest(workerData as WorkerRequest, (phase, fraction) => {
  const now = Date.now();
  if (now - last < 100 && fraction < 1) return;
  last = now;
  post({ type: 'progress', phase, fraction });
}).then(
  (result) => post({ type: 'result', result }),
  (e) => post({ type: 'failed', message: (e as Error)?.message ?? String(e) }),
);
