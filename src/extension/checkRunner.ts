/** Runs a check off the extension host's thread (worker) or in-process (tests). */
import * as path from 'node:path';
import type { Rule } from '../core/ruleKit/types';
import { runFixAll } from '../node/fixes';
import { runCheck } from '../node/runCheck';
import { toShared } from '../node/sharedBytes';
import type { CheckOutcome, CheckRequest, FixAllOutcome, FixAllRequest, WorkerRequest } from '../node/checkWorkerProtocol';
import { runWorkerJob } from '../node/workerJob';

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
    // Bytes go over as shared memory: the worker reads the host's copy, nothing is cloned
    // (callers hand over shared bytes already; anything else is copied once here).
    const data: WorkerRequest = req.kind !== 'fixAll' && req.bytes ? { ...req, bytes: toShared(req.bytes) } : req;
    return runWorkerJob<T, Parameters<ProgressFn>[0]>({
      script: path.join(this.distDir, 'checkWorker.js'),
      workerData: data,
      // 450 MB files need more than the default young-generation-sized heap.
      resourceLimits: { maxOldGenerationSizeMb: 8192 },
      onProgress,
      signal,
      cancelled: () => new CancelledError(),
      died: (code) => new Error(`The check worker stopped (exit code ${code}); the file may be too large for the memory available.`),
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
