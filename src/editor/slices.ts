/**
 * Long walks on the extension host's thread in slices (issue 7: no stall over 50 ms from our
 * code): a clock that yields to the event loop once a slice has run its budget, and a sort of a
 * Float64Array by the typed array's own sort in chunks, merged in slices.
 */

/** Lets the event loop run (setImmediate where there is one). */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => unknown };
  return new Promise((resolve) => (typeof g.setImmediate === 'function' ? g.setImmediate(resolve) : setTimeout(resolve, 0)));
}

/** How long one slice may hold the thread before it yields. */
export const SLICE_MS = 8;

/**
 * `await tick()` every few thousand steps of a loop: it yields once the slice has run `budgetMs`
 * (cheap otherwise: one clock read).
 */
export type SliceClock = () => Promise<void> | undefined;

export function sliceClock(yieldNow: () => Promise<void> = yieldToEventLoop, budgetMs = SLICE_MS): SliceClock {
  let since = performance.now();
  return () => {
    if (performance.now() - since < budgetMs) return undefined;
    return yieldNow().then(() => { since = performance.now(); });
  };
}

/** Elements sorted by one native sort call (~5 ms for 64k doubles). */
const SORT_CHUNK = 1 << 16;
/** Steps between two clock reads. */
export const STEPS = 4096;

/**
 * `a` sorted ascending (numbers, no NaN): chunks sorted by the typed array's own sort, then
 * merged pairwise, yielding between slices. Returns `a` or a second array of the same length.
 */
export async function sortInSlices(a: Float64Array, tick: SliceClock): Promise<Float64Array> {
  const n = a.length;
  if (n <= SORT_CHUNK) return a.sort();
  for (let s = 0; s < n; s += SORT_CHUNK) {
    a.subarray(s, Math.min(n, s + SORT_CHUNK)).sort();
    await tick();
  }
  let src: Float64Array = a;
  let dst: Float64Array = new Float64Array(n);
  for (let w = SORT_CHUNK; w < n; w *= 2) {
    for (let lo = 0; lo < n; lo += 2 * w) {
      const mid = Math.min(n, lo + w);
      const hi = Math.min(n, lo + 2 * w);
      let i = lo, j = mid, k = lo;
      while (k < hi) {
        const end = Math.min(hi, k + STEPS);
        for (; k < end; k++) dst[k] = j >= hi || (i < mid && src[i] <= src[j]) ? src[i++] : src[j++];
        await tick();
      }
    }
    const t = src; src = dst; dst = t;
  }
  return src;
}
