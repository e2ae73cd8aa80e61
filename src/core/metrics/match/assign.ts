/**
 * Optimal one-to-one assignment on 1 − similarity (the Hungarian method, via the `munkres`
 * package), as CVAT's quality control does with scipy's linear_sum_assignment: pairs below the
 * threshold cost as much as no pair (1), and are dropped from the result.
 */
import { munkres } from 'munkres';

export interface Assigned { row: number; col: number; similarity: number }

/**
 * `sim(i, j)` is called once per cell; `threshold` is passed so it may skip exact work on pairs
 * that cannot reach it. Returns the pairs with similarity ≥ threshold (and > 0).
 */
export function assignOptimal(rows: number, cols: number, sim: (i: number, j: number, threshold: number) => number, threshold: number): Assigned[] {
  if (rows === 0 || cols === 0) return [];
  const s: number[][] = [];
  let candidates = 0;
  for (let i = 0; i < rows; i++) {
    const row = new Array<number>(cols);
    for (let j = 0; j < cols; j++) {
      const v = sim(i, j, threshold);
      const ok = v >= threshold && v > 0;
      row[j] = ok ? v : 0;
      if (ok) candidates++;
    }
    s.push(row);
  }
  if (candidates === 0) return [];
  if (rows === 1 || cols === 1) {
    // One object on a side: the best candidate is optimal.
    let best: Assigned | undefined;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) if (s[i][j] > 0 && (!best || s[i][j] > best.similarity)) best = { row: i, col: j, similarity: s[i][j] };
    return best ? [best] : [];
  }
  const cost = s.map((row) => row.map((v) => (v > 0 ? 1 - v : 1)));
  const out: Assigned[] = [];
  for (const [i, j] of munkres(cost)) if (s[i][j] > 0) out.push({ row: i, col: j, similarity: s[i][j] });
  return out;
}
