/**
 * Runs a conversion in a worker thread and hands back its result; progress comes as messages.
 * Cancel: before the output is committed the thread is terminated at once (a long synchronous
 * step need not finish) and the staging folder removed, so nothing partial is left; once the
 * worker says it is committing (moving finished files into place, quick), the conversion is let
 * finish. Errors keep their name (AbortError, ConvertInputError, ConvertOutputError).
 */
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { ConvertFromWorker, ConvertWorkerData } from './convertWorkerProtocol';
import { stagingPathFor, type RunConvertOptions, type RunConvertResult } from './runConvert';

export interface WorkerScript {
  filename: string;
  /** For the TypeScript source in tests: ['--import', 'tsx']. */
  execArgv?: string[];
}

export function runConvertInWorker(script: WorkerScript, opts: RunConvertOptions): Promise<RunConvertResult> {
  const { onProgress, signal, onCommit, ...rest } = opts;
  const data: ConvertWorkerData = { ...rest, stagingDir: rest.stagingDir ?? stagingPathFor(rest.output, rest.to) };
  return new Promise((resolve, reject) => {
    const cancelled = () => Object.assign(new Error('Conversion cancelled'), { name: 'AbortError' });
    if (signal?.aborted) return reject(cancelled());
    const worker = new Worker(script.filename, { workerData: data, execArgv: script.execArgv ?? [] });
    let committing = false;
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate().finally(fn);
    };
    const removeStaging = () => fs.rmSync(data.stagingDir!, { recursive: true, force: true });
    const onAbort = () => {
      if (committing) return; // the files are complete; moving them into place is quick
      worker.postMessage({ type: 'cancel' });
      finish(() => { removeStaging(); reject(cancelled()); });
    };
    signal?.addEventListener('abort', onAbort);
    worker.on('message', (m: ConvertFromWorker) => {
      if (m.type === 'progress') onProgress?.(m.phase, m.fraction);
      else if (m.type === 'committing') { committing = true; onCommit?.(); }
      else if (m.type === 'done') finish(() => resolve(m.result));
      else finish(() => reject(Object.assign(new Error(m.message), { name: m.name })));
    });
    worker.on('error', (e) => finish(() => { removeStaging(); reject(e); }));
    worker.on('exit', (code) => finish(() => { removeStaging(); reject(new Error(`The conversion worker stopped (exit code ${code}); the input may be too large for the memory available.`)); }));
  });
}
