/**
 * The check worker (dist/checkWorker.js): a piscina task module, so one worker thread is kept
 * warm between checks (no new thread, no new 1 MB bundle load per viewer re-check) and a 450 MB
 * parse never blocks the extension host. Progress and the problems travel over the task's
 * MessagePort; the problems as one ProblemTable (core/report/problemTable.ts) whose column
 * buffers are transferred: the host keeps the columns as they come, with nothing to decode.
 */
import { isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { CheckOutcome, CheckTask, CheckTaskMessage, CheckTaskResult, WorkerRequest } from './checkWorkerProtocol';
import { ProblemTable } from '../core/report/problemTable';
import { runRequest } from './runCheck';

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
  const table = ProblemTable.build(outcome.problems);
  post({ type: 'table', data: table.data() }, table.buffers());
  const { problems: _, ...rest } = outcome;
  return { ...rest, problemTable: true };
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
