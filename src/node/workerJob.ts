/**
 * One job in one worker thread, as the check and compare runners start them: the worker posts
 * `progress` messages and then one `result` (anything else is a failure with a `message`);
 * an abort terminates it (the only way to stop a JSON.parse midway), and so does the end; a
 * worker that dies first (out of memory …) rejects with `died`'s error.
 */
import { Worker, type ResourceLimits, type TransferListItem } from 'node:worker_threads';

export type WorkerJobMessage<P extends string> =
  | { type: 'progress'; phase: P; fraction: number }
  | { type: 'result'; result: unknown }
  | { type: string; message: string };

export interface WorkerJob<P extends string> {
  /** The bundled worker script (dist/…Worker.js). */
  script: string;
  workerData: unknown;
  transferList?: readonly TransferListItem[];
  resourceLimits?: ResourceLimits;
  onProgress(phase: P, fraction: number): void;
  signal: AbortSignal;
  /** The error a cancelled job rejects with. */
  cancelled(): Error;
  /** The error when the worker exits before its result. */
  died(exitCode: number): Error;
}

export function runWorkerJob<T, P extends string>(job: WorkerJob<P>): Promise<T> {
  return new Promise((resolve, reject) => {
    if (job.signal.aborted) return reject(job.cancelled());
    const worker = new Worker(job.script, {
      workerData: job.workerData,
      ...(job.transferList ? { transferList: [...job.transferList] } : {}),
      ...(job.resourceLimits ? { resourceLimits: job.resourceLimits } : {}),
    });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      job.signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      fn();
    };
    const onAbort = () => finish(() => reject(job.cancelled()));
    job.signal.addEventListener('abort', onAbort);
    worker.on('message', (m: WorkerJobMessage<P>) => {
      if (m.type === 'progress') { const p = m as Extract<WorkerJobMessage<P>, { type: 'progress' }>; job.onProgress(p.phase, p.fraction); }
      else if (m.type === 'result') finish(() => resolve((m as { result: unknown }).result as T));
      else finish(() => reject(new Error((m as { message: string }).message)));
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) => finish(() => reject(job.died(code))));
  });
}
