/**
 * The viewer's load of a big file with no parse on the extension host's thread: a worker
 * (columnsWorker.ts) parses the bytes the host read into shared memory and posts the editor's
 * lazy document as data (annotation and image columns in typed arrays, transferred); the host
 * only wraps it (lazyDocumentFromData). The same document as parseLazy: the worker runs the same
 * scanner and builder over the same bytes.
 *
 * Falls back to parseSharedParallel with the lazy sink (the scan on a second thread, each
 * element parsed here in batches) when the bytes are not shared, no worker can be started (no
 * dist/columnsWorker.js and no tsx) or the worker fails.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { CocoDocument } from '../core/coco/document';
import { abortError } from '../core/coco/parse';
import { rememberFingerprint } from '../editor/documentBytes';
import { lazyDocumentFromData, lazySink } from '../editor/lazyDocument';
import { COLUMNS_PROTOCOL, type ColumnsWorkerData, type ColumnsWorkerMessage } from './columnsProtocol';
import { adoptLinesLater, parseSharedParallel, workerSource, type ParallelLoadOptions, type Started } from './parallelLoad';
import { CTL_LINES, CTL_SLOTS, CTL_STATE } from './parallelLoadProtocol';

export interface ColumnsLoadOptions extends ParallelLoadOptions {
  path?: string;
  /** For tests and benches: the columns worker's script (a .js file, or a .ts file run through tsx). Null: no worker. */
  columnsWorkerScript?: string | null;
  /** Bytes the worker parses between two progress posts (default 4 MiB). */
  columnsSliceBytes?: number;
  /** Told where the document was built: 'worker', or 'host' and why. */
  onBuilt?: (info: { on: 'worker' | 'host'; reason?: string }) => void;
}

/**
 * The editor's lazy document of `bytes` (a whole SharedArrayBuffer), parsed on a worker. Rejects
 * with an AbortError when `opts.signal` aborts.
 */
export async function parseColumnsOffThread(bytes: Uint8Array, opts: ColumnsLoadOptions = {}): Promise<CocoDocument> {
  const { signal } = opts;
  if (signal?.aborted) throw abortError(signal.reason);
  const fallback = (reason: string) => {
    opts.onBuilt?.({ on: 'host', reason });
    return parseSharedParallel(bytes, { ...opts, sink: lazySink });
  };
  const shared = bytes.buffer;
  if (!(shared instanceof SharedArrayBuffer) || bytes.byteOffset !== 0) return fallback('the bytes are not shared');
  const src = workerSource(opts.columnsWorkerScript, 'columnsWorker.js', 'columnsWorker.ts');
  if (!src) return fallback('no worker script (dist/columnsWorker.js, or the .ts source with tsx)');
  const control = new SharedArrayBuffer(CTL_SLOTS * 4);
  const { port1, port2 } = new MessageChannel();
  const data: ColumnsWorkerData = {
    kind: 'labelscope-columns', protocol: COLUMNS_PROTOCOL, bytes: shared, length: bytes.length, control, port: port2,
    maxDepth: opts.maxDepth, sliceBytes: Math.max(1024, opts.columnsSliceBytes ?? 4 << 20),
  };
  let worker: Worker;
  try {
    // execArgv []: not the parent's `--import tsx` or inspector flags.
    worker = new Worker(src.script, { eval: src.eval, workerData: data, transferList: [port2], execArgv: [], stdout: false, stderr: false });
  } catch {
    port1.close();
    return fallback('the worker could not be started');
  }
  worker.unref();
  const started: Started = { worker, port: port1, ctl: new Int32Array(control) };
  const giveUp = () => {
    Atomics.store(started.ctl, CTL_STATE, -1);
    Atomics.store(started.ctl, CTL_LINES, -1);
    Atomics.notify(started.ctl, CTL_LINES);
    port1.close();
    void worker.terminate();
  };
  const len = bytes.length;
  const outcome = await new Promise<{ doc: CocoDocument } | { failed: string }>((resolve, reject) => {
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      port1.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      signal?.removeEventListener('abort', onAbort);
      f();
    };
    const onMessage = (m: ColumnsWorkerMessage) => {
      if (m.type === 'progress') { if (len > 0) opts.onProgress?.(Math.min(m.at / len, 0.999)); return; }
      if (m.type === 'lines') { started.early = { lines: m.lines, cols: m.cols }; return; }
      if (m.type === 'failed') { finish(() => resolve({ failed: `the worker failed: ${m.message.split('\n')[0]}` })); return; }
      try {
        const doc = lazyDocumentFromData(bytes, m.data, { path: opts.path, maxDepth: opts.maxDepth });
        rememberFingerprint(doc, m.fingerprint);
        finish(() => resolve({ doc }));
      } catch (e) {
        finish(() => resolve({ failed: `the worker's document could not be read: ${(e as Error)?.message ?? String(e)}` }));
      }
    };
    const onError = (e: Error) => finish(() => resolve({ failed: `the worker failed: ${e?.message ?? String(e)}` }));
    const onExit = (code: number) => {
      // 'exit' can overtake the last messages (they travel on another channel): take those first.
      for (let m = receiveMessageOnPort(port1); m && !settled; m = receiveMessageOnPort(port1)) onMessage(m.message as ColumnsWorkerMessage);
      finish(() => resolve({ failed: `the worker exited (${code}) before its result` }));
    };
    const onAbort = () => finish(() => reject(abortError(signal!.reason)));
    port1.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    signal?.addEventListener('abort', onAbort, { once: true });
  }).catch((e: unknown) => { giveUp(); throw e; });
  if ('failed' in outcome) {
    giveUp();
    return fallback(outcome.failed);
  }
  const { doc } = outcome;
  // The worker goes on to the line checkpoints; the document takes them on its first line lookup.
  adoptLinesLater(doc, started);
  opts.onBuilt?.({ on: 'worker' });
  opts.onProgress?.(1);
  return doc;
}
