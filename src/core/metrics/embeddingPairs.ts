/**
 * Near-duplicate pairs by an image-embedding model: two images whose embeddings have cosine
 * similarity ≥ threshold. Hashing (pHash) finds resized and re-encoded copies; an embedding finds
 * crops, flips and other shots of one scene, as far as the model does.
 *
 * Never all pairs of 100k images: each unit vector gets a 64-bit SimHash (the signs of its dot
 * products with 64 fixed random hyperplanes; two vectors at angle θ differ in each bit with
 * probability θ/π), pairs within Hamming distance 15 are found by multi-index hashing
 * (duplicates.ts), and only those candidates get the exact cosine. At cosine 0.95 (θ = 18°) a true
 * pair is expected to differ in 6.4 bits, and is missed by the filter with probability < 10⁻³; at
 * 0.90 (θ = 26°) about 1.5 %. Below `EXACT_BELOW` images every pair is compared exactly instead.
 */
import { nearPairs } from './duplicates';
import { mulberry32 } from '../seededRandom'; // fixed seed: hyperplanes and results are reproducible

/** Default cosine similarity at or above which two images are near duplicates. */
export const DEFAULT_EMBEDDING_THRESHOLD = 0.95;
/** Up to this many images, every pair is compared (≈ 12.5 M dot products). */
export const EXACT_BELOW = 5000;
const SIMHASH_RADIUS = 15;

export interface SimilarPair { readonly i: number; readonly j: number; readonly similarity: number }

/** Scales each row (length `dim`) to unit length in place; an all-zero row stays zero. */
export function normalizeRows(vectors: Float32Array, dim: number): Float32Array {
  for (let o = 0; o < vectors.length; o += dim) {
    let s = 0;
    for (let k = 0; k < dim; k++) s += vectors[o + k] * vectors[o + k];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let k = 0; k < dim; k++) vectors[o + k] *= inv;
  }
  return vectors;
}

function dot(v: Float32Array, a: number, b: number, dim: number): number {
  let s = 0;
  for (let k = 0; k < dim; k++) s += v[a + k] * v[b + k];
  return s;
}

/**
 * Pairs (i < j) of rows of `unit` (n × dim, unit length: see normalizeRows) with cosine
 * similarity ≥ threshold, each once.
 */
export function similarPairs(unit: Float32Array, dim: number, threshold = DEFAULT_EMBEDDING_THRESHOLD, opts: { exactBelow?: number } = {}): SimilarPair[] {
  const n = dim > 0 ? Math.floor(unit.length / dim) : 0;
  const out: SimilarPair[] = [];
  if (n < 2) return out;
  if (n <= (opts.exactBelow ?? EXACT_BELOW)) {
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
      const s = dot(unit, i * dim, j * dim, dim);
      if (s >= threshold) out.push({ i, j, similarity: s });
    }
    return out;
  }
  // Random hyperplanes: Gaussian by Box–Muller (their direction must be uniform on the sphere).
  const rand = mulberry32(0x1abe15c0);
  const planes = new Float32Array(64 * dim);
  for (let k = 0; k < planes.length; k++) planes[k] = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const hi = new Uint32Array(n), lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let h = 0, l = 0;
    for (let b = 0; b < 64; b++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += unit[i * dim + k] * planes[b * dim + k];
      if (s > 0) { if (b < 32) h |= 1 << (31 - b); else l |= 1 << (63 - b); }
    }
    hi[i] = h >>> 0; lo[i] = l >>> 0;
  }
  nearPairs(hi, lo, SIMHASH_RADIUS, (i, j) => {
    const s = dot(unit, i * dim, j * dim, dim);
    if (s >= threshold) out.push({ i, j, similarity: s });
  });
  return out;
}
