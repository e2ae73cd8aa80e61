/** Worker-thread entry: checks one file so a 450 MB parse never blocks the extension host. */
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckRequest, CheckWorkerMessage } from './checkWorkerProtocol';
import { runCheck } from './runCheck';

const post = (m: CheckWorkerMessage) => parentPort!.postMessage(m);
let last = 0;
runCheck(workerData as CheckRequest, (phase, fraction) => {
  const now = Date.now();
  if (now - last < 100 && fraction < 1) return;
  last = now;
  post({ type: 'progress', phase, fraction });
}).then(
  (result) => post({ type: 'result', result }),
  (e) => post({ type: 'failed', message: (e as Error)?.message ?? String(e) }),
);
