/** Runs a comparison in a worker thread (dist/compareWorker.js), in process when there is no bundle (tests). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompareOutcome, CompareRequest } from '../../node/compare/protocol';
import { runWorkerJob } from '../../node/workerJob';
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
  const transfer = [req.a, req.b].flatMap((s) => ('bytes' in s ? [s.bytes.buffer as ArrayBuffer] : []));
  return runWorkerJob<CompareOutcome, Parameters<CompareProgressFn>[0]>({
    script,
    workerData: req,
    transferList: transfer,
    resourceLimits: { maxOldGenerationSizeMb: 12288 },
    onProgress,
    signal,
    cancelled: () => new CompareCancelled(),
    died: (code) => new Error(`The compare worker stopped (exit code ${code}); the files may be too large for the memory available.`),
  });
}
