/** Runs a check off the extension host's thread (worker) or in-process (tests). */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Rule } from '../core/ruleKit/types';
import { runFixAll } from '../node/fixes';
import { runCheck } from '../node/runCheck';
import type { CheckOutcome, CheckRequest, CheckWorkerMessage, FixAllOutcome, FixAllRequest, WorkerRequest } from '../node/checkWorkerProtocol';

export type ProgressFn = (phase: 'read' | 'parse' | 'check', fraction: number) => void;

/** What the user reads for a check phase, the same in the progress toast and the status bar. */
export function phaseWord(phase: string): 'reading' | 'checking' {
  return phase === 'check' ? 'checking' : 'reading';
}

export interface CheckRunner {
  run(req: CheckRequest, onProgress: ProgressFn, signal: AbortSignal): Promise<CheckOutcome>;
  /** Every fix of a rule (or of all rules), applied pass after pass, as edits against what was read. */
  fixAll(req: FixAllRequest, onProgress: ProgressFn, signal: AbortSignal): Promise<FixAllOutcome>;
}

export class CancelledError extends Error {
  constructor() { super('Check cancelled'); this.name = 'CancelledError'; }
}

/** One worker per check: terminating it is the only way to stop a JSON.parse midway. */
export class WorkerCheckRunner implements CheckRunner {
  constructor(private readonly distDir: string) {}

  run(req: CheckRequest, onProgress: ProgressFn, signal: AbortSignal): Promise<CheckOutcome> {
    return this.request<CheckOutcome>({ ...req, kind: 'check' }, onProgress, signal);
  }

  fixAll(req: FixAllRequest, onProgress: ProgressFn, signal: AbortSignal): Promise<FixAllOutcome> {
    return this.request<FixAllOutcome>(req, onProgress, signal);
  }

  private request<T>(req: WorkerRequest, onProgress: ProgressFn, signal: AbortSignal): Promise<T> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new CancelledError());
      const worker = new Worker(path.join(this.distDir, 'checkWorker.js'), {
        workerData: req,
        // 450 MB files need more than the default young-generation-sized heap.
        resourceLimits: { maxOldGenerationSizeMb: 8192 },
      });
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        void worker.terminate();
        fn();
      };
      const onAbort = () => finish(() => reject(new CancelledError()));
      signal.addEventListener('abort', onAbort);
      worker.on('message', (m: CheckWorkerMessage) => {
        if (m.type === 'progress') onProgress(m.phase, m.fraction);
        else if (m.type === 'result') finish(() => resolve(m.result as T));
        else finish(() => reject(new Error(m.message)));
      });
      worker.on('error', (e) => finish(() => reject(e)));
      worker.on('exit', (code) => finish(() => reject(new Error(`The check worker stopped (exit code ${code}); the file may be too large for the memory available.`))));
    });
  }
}

/** Same contract, same thread: for tests and for tiny files. `rules` replaces ALL_RULES (tests). */
export class InProcessCheckRunner implements CheckRunner {
  constructor(private readonly rules?: readonly Rule[]) {}

  async run(req: CheckRequest, onProgress: ProgressFn, signal: AbortSignal): Promise<CheckOutcome> {
    if (signal.aborted) throw new CancelledError();
    const out = await runCheck(req, onProgress, signal, this.rules);
    if (signal.aborted) throw new CancelledError();
    return out;
  }

  async fixAll(req: FixAllRequest, onProgress: ProgressFn, signal: AbortSignal): Promise<FixAllOutcome> {
    if (signal.aborted) throw new CancelledError();
    const out = await runFixAll(req, onProgress, signal, this.rules);
    if (signal.aborted) throw new CancelledError();
    return out;
  }
}
