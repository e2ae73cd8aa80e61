/**
 * The whole image side of a dataset of one or more split files: image health per file (one shared
 * worker pool), then exact / near duplicates within and across the files (leakage).
 */
import type { CocoDocument } from '../../core/coco/document';
import { duplicateProblems, findDuplicates, type DuplicateGroup, type HashedImage } from '../../core/metrics/duplicates';
import type { Problem } from '../../core/problems';
import { checkImageHealth, type ImageHealthOptions, type ImageHealthResult } from './check';
import { createProbePool } from './pool';

export interface DatasetHealth {
  readonly files: { readonly file: string; readonly health: ImageHealthResult; readonly problems: Problem[] }[];
  readonly groups: DuplicateGroup[];
}

export async function checkDatasetHealth(
  docs: readonly CocoDocument[], files: readonly string[],
  opts: Omit<ImageHealthOptions, 'pool' | 'onProgress'> & { nearThreshold?: number; onProgress?: (file: number, done: number, total: number) => void } = {},
): Promise<DatasetHealth> {
  const pool = await createProbePool(opts.threads);
  try {
    const results: ImageHealthResult[] = [];
    for (let k = 0; k < docs.length; k++) {
      results.push(await checkImageHealth(docs[k], files[k], { ...opts, pool, onProgress: (d, t) => opts.onProgress?.(k, d, t) }));
    }
    const items: HashedImage[] = [];
    results.forEach((r, split) => {
      for (const im of r.images) if (im.probe.status === 'ok') items.push({ split, index: im.index, pixelHash: im.probe.pixelHash, phash: im.probe.phash });
    });
    const groups = findDuplicates(items, { threshold: opts.nearThreshold });
    const names = files.map((f) => f.split(/[\\/]/).pop() ?? f);
    const dup = duplicateProblems(docs, names, groups, opts.config);
    return { files: results.map((health, k) => ({ file: files[k], health, problems: [...health.problems, ...dup[k]] })), groups };
  } finally {
    await pool.close();
  }
}
