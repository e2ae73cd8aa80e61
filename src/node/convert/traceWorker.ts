/** The crowd-tracing pool's worker (piscina): one batch of RLE masks → polygons, in order. */
import { traceSegmentation, type TracedMask } from '../../core/convert/shapes';
import type { TraceBatch } from './tracePool';

export default function traceBatch(batch: TraceBatch): TracedMask[] {
  return batch.map((m) => traceSegmentation(m.segmentation, m.height, m.width));
}
