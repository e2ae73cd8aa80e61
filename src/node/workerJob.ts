/**
 * One job in one worker thread, as the check and compare runners start them: the worker posts
 * `progress` messages and then one `result` (anything else is a failure with a `message`);
 * an abort terminates it (the only way to stop a JSON.parse midway), and so does the end; a
 * worker that dies first (out of memory …) rejects with `died`'s error.
 */
import { deserialize, serialize } from 'node:v8';
import { Worker, type ResourceLimits, type TransferListItem } from 'node:worker_threads';

/**
 * Items per part of a big result (a check's problems). A structured clone of a whole result is
 * decoded in one go on the receiving thread (6,439 problems: 2 MB, 25–50 ms of the extension
 * host's thread; 100k problems: seconds). As parts, each about 150 KB and 5 ms to decode, with
 * their ArrayBuffers transferred (no clone on the way), the host decodes one part per turn.
 */
export const PART_ITEMS = 500;

/** `items` as serialized parts of at most `size` items, each in an ArrayBuffer of its own (to transfer). */
export function encodeParts(items: readonly unknown[], size = PART_ITEMS): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < items.length; i += size) {
    const b = serialize(items.slice(i, i + size));
    // v8.serialize's Buffer may be a view of a bigger pooled buffer: a copy of its own to transfer.
    parts.push(b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : new Uint8Array(b));
  }
  return parts;
}

/** Decodes parts back into one array, one part per event-loop turn (timers and I/O run in between). */
export async function decodeParts<T>(parts: readonly Uint8Array[], signal?: AbortSignal): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) await new Promise((r) => setImmediate(r));
    if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
    const items = deserialize(parts[i]) as T[];
    for (const x of items) out.push(x);
  }
  return out;
}

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
