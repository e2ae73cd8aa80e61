/** Runs a check off the extension host's thread (worker) or in-process (tests). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import type { Rule } from '../core/ruleKit/types';
import { runFixAll } from '../node/fixes';
import { runCheck } from '../node/runCheck';
import { toShared } from '../node/sharedBytes';
import { ProblemTable, type ProblemTableData } from '../core/report/problemTable';
import type { CheckRequest, CheckTask, CheckTaskMessage, CheckTaskResult, FixAllOutcome, FixAllRequest, KeptOutcome, OutcomeProblem, WorkerRequest } from '../node/checkWorkerProtocol';
import { runWorkerJob } from '../node/workerJob';

export type ProgressFn = (phase: 'read' | 'parse' | 'check', fraction: number) => void;

/** What the user reads for a check phase, the same in the progress toast and the status bar. */
export function phaseWord(phase: string): 'reading' | 'checking' {
  return phase === 'check' ? 'checking' : 'reading';
}

export interface CheckRunner {
  /** The check; its problems kept as a ProblemTable (columns), never as one object per problem. */
  run(req: CheckRequest, onProgress: ProgressFn, signal: AbortSignal): Promise<KeptOutcome>;
  /** Every fix of a rule (or of all rules), applied pass after pass, as edits against what was read. */
  fixAll(req: FixAllRequest, onProgress: ProgressFn, signal: AbortSignal): Promise<FixAllOutcome>;
  /** Ends any worker kept for the next check. */
  dispose?(): Promise<void>;
}

export class CancelledError extends Error {
  constructor() { super('Check cancelled'); this.name = 'CancelledError'; }
}

/** Requests over this many bytes run in a worker of their own that ends with them (its 2 GB heap goes back at once). */
export const RECYCLE_ABOVE_BYTES = 64 * 1024 * 1024;
/** A warm worker waits this long for the next check (viewer re-checks come in bursts) before it ends. */
const WARM_IDLE_MS = 60_000;

type Pool = import('piscina').Piscina;

/**
 * Checks in worker threads (piscina pools over dist/checkWorker.js). Small requests go to a warm
 * worker that is kept between checks: a viewer re-check or a keystroke's check no longer starts a
 * thread and loads the bundle (20–50 ms each under load). Requests over RECYCLE_ABOVE_BYTES go to
 * a pool whose worker ends after each task, so a 450 MB check's heap is not kept. A cancel
 * terminates the worker running it (the only way to stop a JSON.parse midway); the pool starts
 * another when needed. The outcome's problems come back as one ProblemTable whose column buffers
 * are transferred: nothing is cloned or decoded on the host's thread, and ~125k problems take
 * ~25 MB of columns, not ~75 MB of objects (issue 8.6).
 */
export class WorkerCheckRunner implements CheckRunner {
  private pools?: Promise<{ warm: Pool; big: Pool } | undefined>;

  /** `pools: false`: one worker per request, as when piscina cannot be loaded (tests). */
  constructor(private readonly distDir: string, private readonly opts: { pools?: boolean } = {}) {}

  run(req: CheckRequest, onProgress: ProgressFn, signal: AbortSignal): Promise<KeptOutcome> {
    return this.request<KeptOutcome>({ ...req, kind: 'check' }, onProgress, signal);
  }

  fixAll(req: FixAllRequest, onProgress: ProgressFn, signal: AbortSignal): Promise<FixAllOutcome> {
    return this.request<FixAllOutcome>(req, onProgress, signal);
  }

  /** Ends the pools' workers (deactivation). */
  async dispose(): Promise<void> {
    const pools = this.pools;
    this.pools = undefined;
    const p = await pools;
    if (p) await Promise.all([p.warm.destroy(), p.big.destroy()]);
  }

  /** Undefined when piscina cannot be loaded (a VSIX packed without node_modules): one worker per request then. */
  private poolsNow(): Promise<{ warm: Pool; big: Pool } | undefined> {
    this.pools ??= (this.opts.pools === false ? Promise.reject(new Error('no pools')) : import('piscina')).then(({ Piscina }) => {
      const filename = path.join(this.distDir, 'checkWorker.js');
      // 450 MB files need more than the default heap limit.
      const resourceLimits = { maxOldGenerationSizeMb: 8192 };
      return {
        warm: new Piscina({ filename, minThreads: 0, maxThreads: 2, idleTimeout: WARM_IDLE_MS, resourceLimits }),
        big: new Piscina({ filename, minThreads: 0, maxThreads: 2, idleTimeout: 0, resourceLimits }),
      };
    }, () => undefined);
    return this.pools;
  }

  private async request<T>(req: WorkerRequest, onProgress: ProgressFn, signal: AbortSignal): Promise<T> {
    if (signal.aborted) throw new CancelledError();
    // Bytes go over as shared memory: the worker reads the host's copy, nothing is cloned
    // (callers hand over shared bytes already; anything else is copied once here).
    const request: WorkerRequest = req.kind !== 'fixAll' && req.bytes ? { ...req, bytes: toShared(req.bytes) } : req;
    const pools = await this.poolsNow();
    const pool = !pools ? undefined : (await requestBytes(request)) > RECYCLE_ABOVE_BYTES ? pools.big : pools.warm;
    const { port1, port2 } = new MessageChannel();
    let table: ProblemTableData | undefined;
    let tableArrived: (() => void) | undefined;
    port1.on('message', (m: CheckTaskMessage) => {
      if (m.type === 'progress') { if (!signal.aborted) onProgress(m.phase, m.fraction); return; }
      table = m.data;
      tableArrived?.();
    });
    try {
      const task: CheckTask = { request, port: port2 };
      const result = pool
        ? await pool.run(task, { transferList: [port2], signal }) as CheckTaskResult
        : await runWorkerJob<CheckTaskResult, Parameters<ProgressFn>[0]>({
          script: path.join(this.distDir, 'checkWorker.js'),
          workerData: { checkTask: task },
          transferList: [port2],
          resourceLimits: { maxOldGenerationSizeMb: 8192 },
          onProgress: () => undefined, // progress comes over the task's port
          signal,
          cancelled: () => new CancelledError(),
          died: (code) => new Error(`The check worker stopped (exit code ${code}); the file may be too large for the memory available.`),
        });
      if (!('problemTable' in result)) return result as T;
      // The table comes on another port than the result: wait for it if it is still on its way.
      if (!table) await new Promise<void>((resolve) => { tableArrived = resolve; });
      const { problemTable: _, ...outcome } = result;
      return { ...outcome, problems: ProblemTable.fromData<OutcomeProblem>(table!) } as T;
    } catch (e) {
      if (signal.aborted) throw new CancelledError();
      // The worker died (out of memory …) rather than the check failing.
      if (/^ERR_WORKER/.test(String((e as { code?: unknown })?.code))) {
        throw new Error(`The check worker stopped (${(e as Error).message}); the file may be too large for the memory available.`, { cause: e });
      }
      throw e;
    } finally {
      port1.close();
    }
  }
}

/** How many bytes a request will parse: its bytes or text, else the file's size. */
async function requestBytes(req: WorkerRequest): Promise<number> {
  if (req.kind !== 'fixAll' && req.bytes) return req.bytes.length;
  if (req.text !== undefined) return req.text.length;
  return (await fs.promises.stat(req.file).catch(() => undefined))?.size ?? 0;
}

/** Same contract, same thread: for tests and for tiny files. `rules` replaces ALL_RULES (tests). */
export class InProcessCheckRunner implements CheckRunner {
  constructor(private readonly rules?: readonly Rule[]) {}

  /** The problems as a ProblemTable, as from the worker. */
  async run(req: CheckRequest, onProgress: ProgressFn, signal: AbortSignal): Promise<KeptOutcome> {
    if (signal.aborted) throw new CancelledError();
    const out = await runCheck(req, onProgress, signal, this.rules);
    if (signal.aborted) throw new CancelledError();
    return { ...out, problems: ProblemTable.build(out.problems) };
  }

  async fixAll(req: FixAllRequest, onProgress: ProgressFn, signal: AbortSignal): Promise<FixAllOutcome> {
    if (signal.aborted) throw new CancelledError();
    const out = await runFixAll(req, onProgress, signal, this.rules);
    if (signal.aborted) throw new CancelledError();
    return out;
  }
}
