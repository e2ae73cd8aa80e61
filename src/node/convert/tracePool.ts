/**
 * Crowd / RLE masks traced into polygons by worker threads *while* the YOLO writer runs, its
 * results taken synchronously in dataset order. Tracing (marching squares over each mask's box)
 * is the largest piece of a YOLO-seg export's CPU beyond parsing and writing, and every mask is
 * independent. The writer is one synchronous loop, so results can't come as events:
 *
 * - the masks' run lengths go out once, in shared memory (no copy per thread);
 * - a worker claims the next mask from a shared counter, traces it and posts the polygons in a
 *   transferred Float64Array (no copy), then bumps a shared `produced` counter;
 * - the writer, reaching an RLE annotation, takes its result with `receiveMessageOnPort` (no event
 *   loop needed); when no worker has claimed that mask yet, the writer claims and traces it itself,
 *   and when a worker is on it, it waits on `produced` with Atomics.wait. So a slow or absent
 *   worker never makes the writer slower than tracing alone, and a worker never runs more than
 *   MAX_AHEAD masks ahead of the writer (bounded memory).
 *
 * Tracing is deterministic, so the label files are byte-identical whoever traced a mask.
 * Bundled: dist/convertTraceWorker.js; from sources (tests, bench): traceWorker.ts through tsx;
 * without either, the writer traces everything itself.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { poolWorkerFile } from '../poolWorkerFile';
import { rleCounts, type Rle } from '../../core/geometry/rle';
import type { CocoAnnotation } from '../../core/convert/model';
import type { TracedMask, TracedMasks } from '../../core/convert/shapes';

/** Slots of the shared state (Int32Array). */
export const NEXT = 0, PRODUCED = 1, CONSUMED = 2, STOP = 3, STATE_SLOTS = 4;
/** A worker waits once it is this many masks ahead of the writer. */
export const MAX_AHEAD = 256;

/** What a tracing worker gets (workerData). */
export interface TraceWorkerData {
  state: SharedArrayBuffer;
  /** Per mask: offset into `counts`, number of runs (-1: not sent, the writer traces it), h, w. */
  table: SharedArrayBuffer;
  counts: SharedArrayBuffer;
  masks: number;
  port: MessagePort;
}

export interface TraceOptions {
  /** Worker threads; default 1 when the masks are big enough (minPixels), 0 = none. */
  threads?: number;
  /** Below this many mask pixels (sum of the masks' boxes) no thread is started. */
  minPixels?: number;
  /** For tests: the worker script (a bundled .js, or a .ts source run through tsx). */
  workerFile?: string;
}

export interface TraceAhead extends TracedMasks {
  /** Masks the workers traced / the writer traced itself (it claimed them first, or a worker failed). */
  readonly stats: { byWorkers: number; byWriter: number };
  /** Masks the workers have traced so far. */
  produced(): number;
  /** Stops the workers (call when the writer is done, or failed). */
  close(): Promise<void>;
}

const DEFAULT_MIN_PIXELS = 2_000_000;
/** With no result and no progress from any worker for this long, the writer traces the mask. */
const STALL_MS = 10_000;

/** The bundled worker beside this code, else the .ts source through tsx's CommonJS hook (tests, bench). */
function workerScript(explicit?: string): { script: string; eval: boolean } | undefined {
  const w = explicit ? { filename: explicit } : poolWorkerFile(__dirname, 'convertTraceWorker.js', 'traceWorker.ts');
  if (!w) return undefined;
  if (!w.filename.endsWith('.ts')) return { script: w.filename, eval: false };
  // tsx's CommonJS hook only: much cheaper to start than `--import tsx` (ESM hooks thread)
  return { script: `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(w.filename)});`, eval: true };
}

/**
 * Starts tracing `annotations` (each an RLE, in the order the writer meets
 * them) in worker threads. Returns undefined when there is too little work, threads are off, or
 * no worker script is found: the writer then traces everything itself.
 */
export function traceAhead(annotations: CocoAnnotation[], opts: TraceOptions = {}): TraceAhead | undefined {
  const threads = opts.threads ?? 1;
  if (threads <= 0 || annotations.length === 0) return undefined;
  let total = 0;
  for (const a of annotations) total += Math.max(1, (a.bbox?.[2] ?? 0) * (a.bbox?.[3] ?? 0));
  if (total < (opts.minPixels ?? DEFAULT_MIN_PIXELS)) return undefined;
  const w = workerScript(opts.workerFile);
  if (!w) return undefined;

  // run lengths of every mask in one shared buffer (a mask whose counts can't be read is left to
  // the writer, which then fails on it exactly as tracing alone would)
  const runs: (number[] | undefined)[] = annotations.map((a) => {
    try { return rleCounts(a.segmentation as Rle); } catch { return undefined; }
  });
  let totalRuns = 0;
  for (const r of runs) totalRuns += r?.length ?? 0;
  const counts = new SharedArrayBuffer(Math.max(8, totalRuns * 8));
  const countsView = new Float64Array(counts);
  const table = new SharedArrayBuffer(annotations.length * 4 * 8);
  const tableView = new Float64Array(table);
  let at = 0;
  annotations.forEach((a, k) => {
    const r = runs[k];
    const size = (a.segmentation as Rle).size;
    tableView[4 * k] = at;
    tableView[4 * k + 1] = r && Array.isArray(size) ? r.length : -1;
    tableView[4 * k + 2] = Array.isArray(size) ? Number(size[0]) : 0;
    tableView[4 * k + 3] = Array.isArray(size) ? Number(size[1]) : 0;
    if (r && Array.isArray(size)) { countsView.set(r, at); at += r.length; }
  });
  const stateBuffer = new SharedArrayBuffer(STATE_SLOTS * 4);
  const state = new Int32Array(stateBuffer);

  const ports: MessagePort[] = [];
  const workers: Worker[] = [];
  for (let t = 0; t < Math.min(threads, annotations.length); t++) {
    const { port1, port2 } = new MessageChannel();
    const data: TraceWorkerData = { state: stateBuffer, table, counts, masks: annotations.length, port: port2 };
    const worker = new Worker(w.script, { eval: w.eval, execArgv: [], workerData: data, transferList: [port2] });
    // a worker that fails to start or dies leaves its masks to the writer (see STALL_MS)
    worker.on('error', () => {});
    worker.unref();
    ports.push(port1);
    workers.push(worker);
  }

  const indexOf = new Map<CocoAnnotation, number>();
  annotations.forEach((a, k) => indexOf.set(a, k));
  const ready = new Map<number, TracedMask | null>();
  const stats = { byWorkers: 0, byWriter: 0 };
  const drain = () => {
    for (const port of ports) {
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
        const r = decodeResult(m.message as Float64Array);
        ready.set(r.index, r.mask);
      }
    }
  };

  return {
    stats,
    produced: () => Atomics.load(state, PRODUCED),
    get(a) {
      const k = indexOf.get(a);
      if (k === undefined) return undefined;
      Atomics.store(state, CONSUMED, k + 1);
      Atomics.notify(state, CONSUMED);
      // not yet claimed by a worker: the writer takes it (and skips any it passed over)
      for (let next = Atomics.load(state, NEXT); next <= k; next = Atomics.load(state, NEXT)) {
        if (Atomics.compareExchange(state, NEXT, next, k + 1) === next) { stats.byWriter++; return undefined; }
      }
      let waitedSince = performance.now(), produced = Atomics.load(state, PRODUCED);
      for (;;) {
        drain();
        if (ready.has(k)) {
          const mask = ready.get(k)!;
          ready.delete(k);
          if (mask) stats.byWorkers++; else stats.byWriter++;
          return mask ?? undefined; // null: the worker failed on it; the writer traces it
        }
        Atomics.wait(state, PRODUCED, produced, 200);
        const now = Atomics.load(state, PRODUCED);
        if (now !== produced) { produced = now; waitedSince = performance.now(); }
        else if (performance.now() - waitedSince > STALL_MS) { stats.byWriter++; return undefined; }
      }
    },
    async close() {
      Atomics.store(state, STOP, 1);
      Atomics.store(state, CONSUMED, annotations.length);
      Atomics.notify(state, CONSUMED);
      for (const port of ports) port.close();
      await Promise.all(workers.map((wk) => wk.terminate()));
    },
  };
}

/**
 * One traced mask as a message: [index, ok, holesFilled, iou, parts, length of each part…,
 * coordinates…] (ok = 0: tracing failed, the writer traces it again and meets the error itself).
 */
export function encodeResult(index: number, mask: TracedMask | undefined): Float64Array {
  if (!mask) return Float64Array.of(index, 0);
  let n = 5 + mask.polygons.length;
  for (const p of mask.polygons) n += p.length;
  const out = new Float64Array(n);
  out[0] = index; out[1] = 1; out[2] = mask.holesFilled ? 1 : 0; out[3] = mask.iou; out[4] = mask.polygons.length;
  let at = 5 + mask.polygons.length;
  mask.polygons.forEach((p, i) => {
    out[5 + i] = p.length;
    for (let j = 0; j < p.length; j++) out[at + j] = p[j];
    at += p.length;
  });
  return out;
}

export function decodeResult(m: Float64Array): { index: number; mask: TracedMask | null } {
  if (m[1] !== 1) return { index: m[0], mask: null };
  const parts = m[4];
  const polygons: number[][] = [];
  let at = 5 + parts;
  for (let i = 0; i < parts; i++) {
    const len = m[5 + i];
    const p = new Array<number>(len);
    for (let j = 0; j < len; j++) p[j] = m[at + j];
    polygons.push(p);
    at += len;
  }
  return { index: m[0], mask: { polygons, holesFilled: m[2] === 1, iou: m[3] } };
}
