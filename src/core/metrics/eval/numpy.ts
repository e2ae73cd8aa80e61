/**
 * The few numpy behaviours COCOeval's numbers depend on, reproduced bit for bit.
 *
 * - `np.sum` / `np.mean` of a contiguous float64 array: the reduction walks the array in
 *   buffers of 8192 elements and adds each buffer's *pairwise* sum (numpy's
 *   `pairwise_sum`: below 8 elements a plain loop, up to 128 eight interleaved accumulators,
 *   above that a recursive split at a multiple of 8). A plain left-to-right sum differs in the
 *   last bits, enough to fail an exact comparison with pycocotools.
 * - `np.argsort(..., kind='mergesort')` is stable: equal keys keep their order.
 * - Python's `'{:0.3f}'.format(x)` rounds exact ties half to even; JavaScript's `toFixed`
 *   rounds them up.
 */

const PW_BLOCKSIZE = 128;
const REDUCE_BUFFER = 8192;

function pairwiseSum(a: ArrayLike<number>, lo: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[lo + i];
    return res;
  }
  if (n <= PW_BLOCKSIZE) {
    let r0 = a[lo], r1 = a[lo + 1], r2 = a[lo + 2], r3 = a[lo + 3];
    let r4 = a[lo + 4], r5 = a[lo + 5], r6 = a[lo + 6], r7 = a[lo + 7];
    const end = n - (n % 8);
    let i = 8;
    for (; i < end; i += 8) {
      const p = lo + i;
      r0 += a[p]; r1 += a[p + 1]; r2 += a[p + 2]; r3 += a[p + 3];
      r4 += a[p + 4]; r5 += a[p + 5]; r6 += a[p + 6]; r7 += a[p + 7];
    }
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += a[lo + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, lo, n2) + pairwiseSum(a, lo + n2, n - n2);
}

/** `np.sum(a)` for a 1-D float64 array. */
export function npSum(a: ArrayLike<number>): number {
  let res = 0;
  for (let lo = 0; lo < a.length; lo += REDUCE_BUFFER) res += pairwiseSum(a, lo, Math.min(REDUCE_BUFFER, a.length - lo));
  return res;
}

/** `np.mean(a)`; NaN for an empty array, as numpy (callers check first). */
export function npMean(a: ArrayLike<number>): number {
  return npSum(a) / a.length;
}

/** Mean of the entries > -1, or -1 when there are none: COCOeval's `np.mean(s[s > -1])`. */
export function meanOfValid(values: ArrayLike<number>): number {
  const kept: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] > -1) kept.push(values[i]);
  return kept.length === 0 ? -1 : npMean(kept);
}

/** Indices that sort `keys` descending, stable (`np.argsort(-keys, kind='mergesort')`). */
export function stableArgsortDesc(keys: ArrayLike<number>): number[] {
  const idx = Array.from({ length: keys.length }, (_, i) => i);
  idx.sort((a, b) => keys[b] - keys[a] || a - b);
  return idx;
}

/**
 * Python's `'{:0.<digits>f}'.format(x)`: correctly rounded, exact ties to even. A double is an
 * exact tie at 3 decimals only when it is an odd multiple of 1/16 (0.0625, 0.1875 …), the only
 * case where `toFixed` (ties up) disagrees.
 */
export function pyFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return x !== x ? 'nan' : x > 0 ? 'inf' : '-inf';
  if (!isExactTie(x, digits)) return x.toFixed(digits);
  const n = Math.floor(Math.abs(x) * 10 ** digits); // exact: a tie has few significant bits
  const even = n % 2 === 0 ? n : n + 1;
  const s = (even / 10 ** digits).toFixed(digits);
  return x < 0 ? `-${s}` : s;
}

/** x lies exactly halfway between two `digits`-decimal numbers (checked in exact binary arithmetic). */
function isExactTie(x: number, digits: number): boolean {
  // x = (2n+1) / (2 * 10^digits) exactly; compare in BigInt on x's exact binary value.
  const ax = Math.abs(x);
  let mant = ax;
  let exp2 = 0;
  while (!Number.isInteger(mant)) { mant *= 2; exp2++; }
  // ax = mant / 2^exp2 ; tie iff mant * 2 * 10^digits / 2^exp2 is an odd integer
  const num = BigInt(mant) * 2n * 10n ** BigInt(digits);
  const den = 1n << BigInt(exp2);
  return num % den === 0n && (num / den) % 2n === 1n;
}
