/** The image-health pool's worker (piscina): one probe per task, sharp on one thread per worker. */
import sharp from 'sharp';
import { probeImage, type ImageProbe, type ProbeTask } from './probe';

// The pool gives parallelism; libvips' own threads would only compete with the other workers.
sharp.concurrency(1);
sharp.cache(false);

export default function probe(task: ProbeTask): Promise<ImageProbe> {
  return probeImage(task);
}
