/**
 * The whole image side of a dataset of one or more split files: image health per file (one shared
 * worker pool), then exact / near duplicates within and across the files (leakage).
 */
import type { CocoDocument } from '../../core/coco/document';
import { duplicateProblems, findDuplicates, type DuplicateGroup, type HashedImage, type LinkedPair } from '../../core/metrics/duplicates';
import { DEFAULT_EMBEDDING_THRESHOLD, normalizeRows, similarPairs } from '../../core/metrics/embeddingPairs';
import type { Problem } from '../../core/problems';
import { checkImageHealth, type ImageHealthOptions, type ImageHealthResult } from './check';
import { EmbeddingModel, type EmbeddingModelOptions } from './embeddings';
import { createProbePool } from './pool';

/** An image-embedding model for semantic near duplicates (never run in an untrusted workspace: the caller decides). */
export interface EmbeddingSearch extends EmbeddingModelOptions {
  /** The ONNX file. */
  readonly model: string;
  /** Cosine similarity at or above which two images are near duplicates (default 0.95). */
  readonly threshold?: number;
}

export interface DatasetHealth {
  readonly files: { readonly file: string; readonly health: ImageHealthResult; readonly problems: Problem[] }[];
  readonly groups: DuplicateGroup[];
}

export async function checkDatasetHealth(
  docs: readonly CocoDocument[], files: readonly string[],
  opts: Omit<ImageHealthOptions, 'pool' | 'onProgress'> & {
    nearThreshold?: number;
    onProgress?: (file: number, done: number, total: number) => void;
    embedding?: EmbeddingSearch;
    onEmbeddingProgress?: (done: number, total: number) => void;
  } = {},
): Promise<DatasetHealth> {
  const pool = await createProbePool(opts.threads);
  try {
    const results: ImageHealthResult[] = [];
    for (let k = 0; k < docs.length; k++) {
      results.push(await checkImageHealth(docs[k], files[k], { ...opts, pool, onProgress: (d, t) => opts.onProgress?.(k, d, t) }));
    }
    const items: HashedImage[] = [];
    const paths: string[] = [];
    results.forEach((r, split) => {
      for (const im of r.images) if (im.probe.status === 'ok') { items.push({ split, index: im.index, pixelHash: im.probe.pixelHash, phash: im.probe.phash }); paths.push(im.path); }
    });
    const similar = opts.embedding ? await embeddingLinks(paths, opts.embedding, opts.signal, opts.onEmbeddingProgress) : undefined;
    const groups = findDuplicates(items, { threshold: opts.nearThreshold, similar });
    const names = files.map((f) => f.split(/[\\/]/).pop() ?? f);
    const dup = duplicateProblems(docs, names, groups, opts.config);
    return { files: results.map((health, k) => ({ file: files[k], health, problems: [...health.problems, ...dup[k]] })), groups };
  } finally {
    await pool.close();
  }
}

/** Pairs of `paths` (by index) whose embeddings are within the threshold. */
async function embeddingLinks(paths: readonly string[], search: EmbeddingSearch, signal?: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<LinkedPair[]> {
  const model = await EmbeddingModel.load(search.model, search);
  try {
    let dim = 0;
    let vectors = new Float32Array(0);
    for (let k = 0; k < paths.length; k++) {
      if (signal?.aborted) throw Object.assign(new Error('Image check cancelled'), { name: 'AbortError' });
      const v = await model.embed(paths[k]);
      if (k === 0) { dim = v.length; vectors = new Float32Array(dim * paths.length); }
      if (v.length !== dim) throw new Error(`embedding model ${search.model} returned ${v.length} values for ${paths[k]} but ${dim} for ${paths[0]}`);
      vectors.set(v, k * dim);
      onProgress?.(k + 1, paths.length);
    }
    return similarPairs(normalizeRows(vectors, dim), dim, search.threshold ?? DEFAULT_EMBEDDING_THRESHOLD).map((p) => ({ a: p.i, b: p.j, similarity: p.similarity }));
  } finally {
    await model.release();
  }
}
