/**
 * pycocotools' compressed RLE string format (cocoapi `maskApi.c` rleToString / rleFrString).
 *
 * Each count is written as a signed LEB128-like number using 5 data bits per character,
 * with 0x20 as the "more" (continuation) bit, 0x10 of the last group as the sign bit, and
 * +48 added to make printable ASCII (chars '0'..'o'). From the 4th count on (i > 2) the value
 * stored is the delta counts[i] - counts[i-2].
 *
 * JS bit operators are 32-bit, so this uses floor-division / modulo arithmetic that stays exact
 * for every |value| < 2^53. Decoded counts are reduced modulo 2^32 exactly like the C cast to
 * `uint`; for valid data (counts < 2^32) that is the identity.
 */

/** Encode counts (non-negative integers < 2^32) into pycocotools' compressed string. */
export function rleToString(counts: ArrayLike<number>): string {
  const m = counts.length;
  const out: number[] = [];
  for (let i = 0; i < m; i++) {
    let x = counts[i];
    if (i > 2) x -= counts[i - 2];
    let more = true;
    while (more) {
      // c = x & 0x1f; x >>= 5 (arithmetic shift), exact for large magnitudes
      let c = x - Math.floor(x / 32) * 32;
      x = Math.floor(x / 32);
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      out.push(c + 48);
    }
  }
  // String.fromCharCode with a huge spread can overflow the stack; chunk it.
  let s = '';
  for (let i = 0; i < out.length; i += 8192) {
    s += String.fromCharCode.apply(null, out.slice(i, i + 8192));
  }
  return s;
}

/**
 * Decode pycocotools' compressed string into counts. Mirrors rleFrString: stops at the end of
 * the string (or a NUL), characters outside '0'..'o' are decoded with the same bit arithmetic
 * as C (use {@link isWellFormedRleString} to reject them first).
 */
export function rleFromString(str: string): number[] {
  const cnts: number[] = [];
  const n = str.length;
  let p = 0;
  while (p < n) {
    const code0 = str.charCodeAt(p);
    if (code0 === 0) break;
    let x = 0;
    let scale = 1; // 2^(5k)
    let more = true;
    while (more) {
      if (p >= n) break; // truncated string: C would read the terminating NUL (c = -48)
      const c = ((str.charCodeAt(p) & 0xff) << 24 >> 24) - 48; // C `char` (signed) minus 48
      x += (c & 0x1f) * scale;
      more = (c & 0x20) !== 0;
      p++;
      scale *= 32;
      if (!more && c & 0x10) x -= scale; // x |= -1 << 5k
    }
    if (cnts.length > 2) x += cnts[cnts.length - 2];
    cnts.push(mod2p32(x));
  }
  return cnts;
}

/** True when every character is in pycocotools' alphabet ('0'..'o') and the last group ends. */
export function isWellFormedRleString(str: string): boolean {
  if (typeof str !== 'string') return false;
  let lastMore = false;
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    if (c < 48 || c > 111) return false;
    lastMore = ((c - 48) & 0x20) !== 0;
  }
  return !lastMore;
}

function mod2p32(x: number): number {
  const r = x % 4294967296;
  return r < 0 ? r + 4294967296 : r;
}
