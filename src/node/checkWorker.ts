/**
 * The check worker (dist/checkWorker.js): a piscina task module, so one worker thread is kept
 * warm between checks (no new thread, no new 1 MB bundle load per viewer re-check) and a 450 MB
 * parse never blocks the extension host. Progress and the problems travel over the task's
 * MessagePort; the problems as serialized parts whose ArrayBuffers are transferred, so the host
 * receives them without a clone and decodes one part per event-loop turn (workerJob.ts).
 */
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { CheckOutcome, CheckTask, CheckTaskMessage, CheckTaskResult, WorkerRequest } from './checkWorkerProtocol';
import { runRequest } from './runCheck';
import { encodeParts, PART_ITEMS } from './workerJob';

export default async function checkTask({ request, port }: CheckTask): Promise<CheckTaskResult> {
  const post = (m: CheckTaskMessage, transfer?: ArrayBuffer[]) => (port as MessagePort).postMessage(m, transfer);
  let last = 0;
  const result = await runRequest(request as WorkerRequest, (phase, fraction) => {
    const now = Date.now();
    if (now - last < 100 && fraction < 1) return;
    last = now;
    post({ type: 'progress', phase, fraction });
  });
  if (request.kind === 'fixAll') return result as CheckTaskResult;
  const outcome = result as CheckOutcome;
  const parts = encodeParts(outcome.problems, PART_ITEMS);
  for (const data of parts) post({ type: 'part', data }, [data.buffer as ArrayBuffer]);
  return { ...outcome, problems: [], problemParts: parts.length };
}

/**
 * Without piscina (a VSIX packed without node_modules, as the e2e tests pack it) the runner starts
 * this file as a plain worker for one task: the task comes as workerData, the result goes back
 * as workerJob's `result` message.
 */
const oneShot = (workerData as { checkTask?: CheckTask } | undefined)?.checkTask;
if (!isMainThread && oneShot) {
  checkTask(oneShot).then(
    (result) => parentPort!.postMessage({ type: 'result', result }),
    (e) => parentPort!.postMessage({ type: 'failed', message: (e as Error)?.message ?? String(e) }),
  );
}
