/**
 * Crowd / RLE masks traced into polygons ahead of the YOLO writer, in worker threads (piscina).
 * Tracing (marching squares over each mask's box) is most of a YOLO-seg export's CPU time on a
 * CVAT- or Datumaro-style COCO file, and each mask is independent. Results are keyed by the
 * annotation object and the writer emits lines in dataset order, so the output is byte-identical
 * to tracing on one thread. Off by default (see `threads`): `--threads N` turns it on.
 * Bundled: dist/convertTraceWorker.js; from sources (tests, bench):
 * traceWorker.ts through tsx; without either, the writer traces on its own thread.
 */
import { poolWorkerFile } from '../poolWorkerFile';
import type { CocoAnnotation, CocoDataset, Segmentation } from '../../core/convert/model';
import type { TracedMask } from '../../core/convert/shapes';

export type TraceBatch = { segmentation: Segmentation; height: number; width: number }[];

export interface TraceOptions {
  /**
   * Worker threads (the calling thread only waits); default 0 = none, the writer traces. Since
   * tracing became marching squares on typed arrays (core/geometry/marchingSquares) it costs less
   * than shipping masks and polygons between threads: on the train2017-scale bench the pool of 2
   * took 184 s wall / 83 s CPU / 2.9 GB against 118 s / 51 s / 2.0 GB on one thread.
   */
  threads?: number;
  /** Below this many mask pixels (sum of the masks' boxes) tracing stays on the writer's thread. */
  minPixels?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** A batch closes at this many box pixels (or masks): big enough that messaging is noise. */
const BATCH_PIXELS = 4_000_000;
const BATCH_MASKS = 256;
const DEFAULT_MIN_PIXELS = 8_000_000;

function workerFile(): { filename: string; execArgv: string[] } | undefined {
  return poolWorkerFile(__dirname, 'convertTraceWorker.js', 'traceWorker.ts');
}

/**
 * Traces `annotations` (each an RLE on an image of `ds`) in worker threads. Returns an empty map
 * when the work is too small for threads, threads are off, or no worker script is found: the
 * writer then traces them itself.
 */
export async function traceInWorkers(ds: CocoDataset, annotations: CocoAnnotation[], opts: TraceOptions = {}): Promise<Map<CocoAnnotation, TracedMask>> {
  const traced = new Map<CocoAnnotation, TracedMask>();
  const threads = opts.threads ?? 0;
  const boxPixels = (a: CocoAnnotation) => Math.max(1, (a.bbox?.[2] ?? 0) * (a.bbox?.[3] ?? 0));
  const total = annotations.reduce((n, a) => n + boxPixels(a), 0);
  if (threads <= 0 || annotations.length === 0 || total < (opts.minPixels ?? DEFAULT_MIN_PIXELS)) return traced;
  const w = workerFile();
  if (!w) return traced;
  const { Piscina } = await import('piscina');
  const pool = new Piscina({ filename: w.filename, execArgv: w.execArgv, minThreads: 0, maxThreads: threads, idleTimeout: 1000 });
  const imageById = new Map(ds.images.map((i) => [i.id, i]));
  try {
    const batches: CocoAnnotation[][] = [];
    let cur: CocoAnnotation[] = [], pixels = 0;
    for (const a of annotations) {
      cur.push(a);
      pixels += boxPixels(a);
      if (pixels >= BATCH_PIXELS || cur.length >= BATCH_MASKS) { batches.push(cur); cur = []; pixels = 0; }
    }
    if (cur.length) batches.push(cur);
    let done = 0;
    await Promise.all(batches.map(async (batch) => {
      const task: TraceBatch = batch.map((a) => {
        const img = imageById.get(a.image_id)!;
        return { segmentation: a.segmentation!, height: img.height, width: img.width };
      });
      const result = (await pool.run(task, { signal: opts.signal })) as TracedMask[];
      batch.forEach((a, i) => traced.set(a, result[i]));
      done += batch.length;
      opts.onProgress?.(done, annotations.length);
    }));
  } finally {
    await pool.destroy();
  }
  return traced;
}
