/** Runs a comparison in a worker thread (dist/compareWorker.js), in process when there is no bundle (tests). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CompareOutcome, CompareRequest, CompareWorkerMessage } from '../../node/compare/protocol';
import { runCompare } from '../../node/compare/runCompare';

export type CompareProgressFn = (phase: 'read' | 'match', fraction: number) => void;

export class CompareCancelled extends Error {
  constructor() { super('Comparison cancelled'); this.name = 'CompareCancelled'; }
}

export function runCompareOffThread(distDir: string, req: CompareRequest, onProgress: CompareProgressFn, signal: AbortSignal): Promise<CompareOutcome> {
  const script = path.join(distDir, 'compareWorker.js');
  if (!fs.existsSync(script)) {
    return runCompare(req, onProgress, signal).catch((e) => { throw (e as Error)?.name === 'AbortError' ? new CompareCancelled() : e; });
  }
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new CompareCancelled());
    const transfer = [req.a, req.b].flatMap((s) => ('bytes' in s ? [s.bytes.buffer as ArrayBuffer] : []));
    const worker = new Worker(script, { workerData: req, transferList: transfer, resourceLimits: { maxOldGenerationSizeMb: 12288 } });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      void worker.terminate();
      fn();
    };
    const onAbort = () => finish(() => reject(new CompareCancelled()));
    signal.addEventListener('abort', onAbort);
    worker.on('message', (m: CompareWorkerMessage) => {
      if (m.type === 'progress') onProgress(m.phase, m.fraction);
      else if (m.type === 'result') finish(() => resolve(m.result));
      else finish(() => reject(new Error(m.message)));
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) => finish(() => reject(new Error(`The compare worker stopped (exit code ${code}); the files may be too large for the memory available.`))));
  });
}
