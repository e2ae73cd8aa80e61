/**
 * Image fingerprints for duplicate search, from decoded pixels (never the file bytes: the same
 * picture saved twice by two encoders has different bytes but, losslessly, the same pixels).
 *
 * - pixel hash: SHA-1 of width, height, channel count and the 8-bit sRGB pixels (an alpha channel
 *   that is opaque everywhere left out). Equal hashes are exact duplicates.
 * - perceptual hash (pHash, 64 bits): the image as 32 × 32 grey, its 2-D DCT-II, the 8 × 8
 *   lowest frequencies; bit k is 1 when coefficient k is above their median (the DC term is
 *   excluded from the median). Resizing, re-encoding and mild brightness or contrast changes
 *   move few bits; crops, rotations and different shots of one scene do not stay close.
 */
import { createHash } from 'node:crypto';

export function pixelHash(data: Uint8Array, width: number, height: number, channels: number): string {
  // An alpha channel that is opaque everywhere says nothing: PNG with alpha = WebP without.
  if ((channels === 4 || channels === 2) && alphaOpaque(data, channels)) {
    const colour = channels - 1;
    const stripped = new Uint8Array((data.length / channels) * colour);
    for (let i = 0, o = 0; i < data.length; i += channels) for (let c = 0; c < colour; c++) stripped[o++] = data[i + c];
    data = stripped;
    channels = colour;
  }
  return createHash('sha1').update(`${width}x${height}x${channels}\0`).update(data).digest('hex');
}

function alphaOpaque(data: Uint8Array, channels: number): boolean {
  for (let i = channels - 1; i < data.length; i += channels) if (data[i] !== 255) return false;
  return true;
}

export const PHASH_SIDE = 32;
const LOW = 8;

let cosTable: Float64Array | undefined;
/** cos((2x + 1) u π / 64) for u < 8, x < 32. */
function cosines(): Float64Array {
  if (cosTable) return cosTable;
  cosTable = new Float64Array(LOW * PHASH_SIDE);
  for (let u = 0; u < LOW; u++) for (let x = 0; x < PHASH_SIDE; x++) cosTable[u * PHASH_SIDE + x] = Math.cos(((2 * x + 1) * u * Math.PI) / (2 * PHASH_SIDE));
  return cosTable;
}

/** pHash of a 32 × 32 grey image (row-major), as 16 hex digits. */
export function perceptualHash(grey: Uint8Array): string {
  const N = PHASH_SIDE;
  if (grey.length !== N * N) throw new Error(`perceptualHash needs ${N}×${N} grey pixels, got ${grey.length}`);
  const c = cosines();
  // Separable DCT: rows first (only the 8 lowest frequencies are kept), then columns.
  const rows = new Float64Array(N * LOW);
  for (let y = 0; y < N; y++) {
    for (let u = 0; u < LOW; u++) {
      let s = 0;
      for (let x = 0; x < N; x++) s += grey[y * N + x] * c[u * N + x];
      rows[y * LOW + u] = s;
    }
  }
  const coef = new Float64Array(LOW * LOW);
  for (let v = 0; v < LOW; v++) {
    for (let u = 0; u < LOW; u++) {
      let s = 0;
      for (let y = 0; y < N; y++) s += rows[y * LOW + u] * c[v * N + y];
      coef[v * LOW + u] = s;
    }
  }
  const sorted = Array.from(coef.subarray(1)).sort((a, b) => a - b);
  const median = (sorted[31] + sorted[32]) / 2;
  let hi = 0, lo = 0;
  for (let k = 0; k < 64; k++) {
    if (!(coef[k] > median)) continue;
    if (k < 32) hi |= 1 << (31 - k);
    else lo |= 1 << (63 - k);
  }
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}
