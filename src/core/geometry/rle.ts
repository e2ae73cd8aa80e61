/**
 * Run-length encoded binary masks, bit-for-bit compatible with pycocotools
 * (cocoapi `common/maskApi.c`). See test/fixtures/golden/README.md for how exactness is checked.
 *
 * Conventions (pycocotools'): `size` is [h, w]; `counts` are run lengths over the mask in
 * COLUMN-major (Fortran) order, alternating zeros/ones and always starting with a run of zeros
 * (which may be 0). `counts` may be a number[] (COCO "uncompressed RLE") or pycocotools'
 * compressed string.
 */
import { rleFromString } from './rleString';
import { bboxIou } from './bbox';

export interface Rle {
  size: [number, number];
  counts: number[] | string;
}

/** Counts of an Rle as numbers (decodes the compressed string form). */
export function rleCounts(rle: Rle): number[] {
  return typeof rle.counts === 'string' ? rleFromString(rle.counts) : rle.counts;
}

/** Encode a ROW-major mask (like ImageData's layout; any nonzero byte counts as 1). */
export function rleEncode(mask: ArrayLike<number>, h: number, w: number): Rle {
  const counts: number[] = [];
  let p = 0;
  let c = 0;
  for (let x = 0; x < w; x++) {
    for (let i = x, y = 0; y < h; y++, i += w) {
      const v = mask[i] ? 1 : 0;
      if (v !== p) {
        counts.push(c);
        c = 0;
        p = v;
      }
      c++;
    }
  }
  counts.push(c);
  return { size: [h, w], counts };
}

/** Encode a COLUMN-major (Fortran order, as pycocotools' `encode` wants) mask; nonzero = 1. */
export function rleEncodeColumnMajor(mask: ArrayLike<number>, h: number, w: number): Rle {
  const counts: number[] = [];
  const a = h * w;
  let p = 0;
  let c = 0;
  for (let j = 0; j < a; j++) {
    const v = mask[j] ? 1 : 0;
    if (v !== p) {
      counts.push(c);
      c = 0;
      p = v;
    }
    c++;
  }
  counts.push(c);
  return { size: [h, w], counts };
}

/**
 * Decode to a ROW-major h*w mask of 0/1. Runs beyond h*w are ignored (C would overflow); a
 * short RLE leaves the rest 0.
 */
export function rleDecode(rle: Rle): Uint8Array {
  const [h, w] = rle.size;
  const cnts = rleCounts(rle);
  const a = h * w;
  const out = new Uint8Array(a);
  let pos = 0;
  for (let j = 0; j < cnts.length && pos < a; j++) {
    const end = Math.min(a, pos + cnts[j]);
    if (j & 1) {
      let y = pos % h;
      let x = (pos - y) / h;
      for (let q = pos; q < end; q++) {
        out[y * w + x] = 1;
        if (++y === h) {
          y = 0;
          x++;
        }
      }
    }
    pos = end;
  }
  return out;
}

/** Decode to a COLUMN-major mask (pycocotools' `decode` layout). */
export function rleDecodeColumnMajor(rle: Rle): Uint8Array {
  const [h, w] = rle.size;
  const cnts = rleCounts(rle);
  const a = h * w;
  const out = new Uint8Array(a);
  let pos = 0;
  for (let j = 0; j < cnts.length && pos < a; j++) {
    const end = Math.min(a, pos + cnts[j]);
    if (j & 1) out.fill(1, pos, end);
    pos = end;
  }
  return out;
}

/** Number of foreground pixels (maskApi rleArea: sum of the odd-indexed counts). */
export function rleArea(rle: Rle): number {
  return countsArea(rleCounts(rle));
}

export function countsArea(cnts: ArrayLike<number>): number {
  let a = 0;
  for (let j = 1; j < cnts.length; j += 2) a += cnts[j];
  return a;
}

/**
 * Bounding box [x, y, w, h] exactly like maskApi rleToBbox, including its quirk: when a single
 * run of ones crosses from one column into a later one, the box's y-extent becomes the full
 * image height (ys = 0, ye = h - 1). Empty mask -> [0, 0, 0, 0]. uint32 arithmetic mirrored.
 */
export function rleToBbox(rle: Rle): [number, number, number, number] {
  return countsToBbox(rleCounts(rle), rle.size[0], rle.size[1]);
}

export function countsToBbox(cnts: ArrayLike<number>, h: number, w: number): [number, number, number, number] {
  const m = cnts.length - (cnts.length % 2);
  if (m === 0) return [0, 0, 0, 0];
  let xs = w >>> 0;
  let ys = h >>> 0;
  let xe = 0;
  let ye = 0;
  let cc = 0;
  let xp = 0;
  for (let j = 0; j < m; j++) {
    cc = (cc + cnts[j]) >>> 0;
    const t = (cc - (j % 2)) >>> 0;
    const y = t % h;
    const x = (t - y) / h;
    if (j % 2 === 0) xp = x;
    else if (xp < x) {
      ys = 0;
      ye = (h - 1) >>> 0;
    }
    if (x < xs) xs = x;
    if (x > xe) xe = x;
    if (y < ys) ys = y;
    if (y > ye) ye = y;
  }
  return [xs, ys, (xe - xs + 1) >>> 0, (ye - ys + 1) >>> 0];
}

/** maskApi's pairwise merge of two count arrays (union or intersection). */
function mergeCounts(A: ArrayLike<number>, B: ArrayLike<number>, intersect: boolean): number[] {
  const out: number[] = [];
  let ca = A.length ? A[0] : 0;
  let cb = B.length ? B[0] : 0;
  let v = 0;
  let va = 0;
  let vb = 0;
  let a = 1;
  let b = 1;
  let cc = 0;
  let ct = 1;
  const am = A.length;
  const bm = B.length;
  while (ct > 0) {
    const c = ca < cb ? ca : cb;
    cc += c;
    ct = 0;
    ca -= c;
    if (!ca && a < am) {
      ca = A[a++];
      va ^= 1;
    }
    ct += ca;
    cb -= c;
    if (!cb && b < bm) {
      cb = B[b++];
      vb ^= 1;
    }
    ct += cb;
    const vp = v;
    v = intersect ? va & vb : va | vb;
    if (v !== vp || ct === 0) {
      out.push(cc);
      cc = 0;
    }
  }
  return out;
}

/**
 * Union (default) or intersection of masks, like maskApi rleMerge / pycocotools `merge`.
 * As in C: no input -> size [0,0] with no counts; one input -> returned as is (counts
 * copied); any size mismatch -> size [0,0] with no counts.
 */
export function rleMerge(rles: Rle[], intersect = false): Rle {
  if (rles.length === 0) return { size: [0, 0], counts: [] };
  const h = rles[0].size[0];
  const w = rles[0].size[1];
  let cnts = rleCounts(rles[0]);
  if (rles.length === 1) return { size: [h, w], counts: cnts.slice() };
  for (let i = 1; i < rles.length; i++) {
    const B = rles[i];
    if (B.size[0] !== h || B.size[1] !== w) return { size: [0, 0], counts: [] };
    cnts = mergeCounts(cnts, rleCounts(B), intersect);
  }
  return { size: [h, w], counts: cnts };
}

/** Internal: union of count arrays of the same size (used by polygonsToRle). */
export function unionCounts(list: number[][]): number[] {
  if (list.length === 0) return [];
  let cnts = list[0];
  for (let i = 1; i < list.length; i++) cnts = mergeCounts(cnts, list[i], false);
  return cnts;
}

function crowdFlag(iscrowd: ArrayLike<boolean | number> | undefined, g: number): boolean {
  return !!iscrowd && !!iscrowd[g];
}

/**
 * IoU matrix like pycocotools `iou(dt, gt, iscrowd)` (maskApi rleIou): result[d][g].
 * For a crowd gt the denominator is area(dt) (intersection over detection area). Pairs whose
 * maskApi boxes don't overlap are 0 without decoding; pairs of different size are -1 (as C).
 */
export function rleIou(dt: Rle[], gt: Rle[], iscrowd?: ArrayLike<boolean | number>): number[][] {
  const m = dt.length;
  const n = gt.length;
  const dc = dt.map(rleCounts);
  const gc = gt.map(rleCounts);
  const db = dt.map((r, i) => countsToBbox(dc[i], r.size[0], r.size[1]));
  const gb = gt.map((r, i) => countsToBbox(gc[i], r.size[0], r.size[1]));
  const o = bboxIou(db, gb, iscrowd);
  for (let g = 0; g < n; g++) {
    for (let d = 0; d < m; d++) {
      if (!(o[d][g] > 0)) continue;
      const crowd = crowdFlag(iscrowd, g);
      if (dt[d].size[0] !== gt[g].size[0] || dt[d].size[1] !== gt[g].size[1]) {
        o[d][g] = -1;
        continue;
      }
      o[d][g] = countsIou(dc[d], gc[g], crowd);
    }
  }
  return o;
}

/** IoU of two count arrays of the same size (crowd: intersection / area(dt)). */
export function countsIou(A: ArrayLike<number>, B: ArrayLike<number>, crowd = false): number {
  let ca = A.length ? A[0] : 0;
  let cb = B.length ? B[0] : 0;
  const ka = A.length;
  const kb = B.length;
  let va = 0;
  let vb = 0;
  let a = 1;
  let b = 1;
  let i = 0;
  let u = 0;
  let ct = 1;
  while (ct > 0) {
    const c = ca < cb ? ca : cb;
    if (va || vb) {
      u += c;
      if (va && vb) i += c;
    }
    ct = 0;
    ca -= c;
    if (!ca && a < ka) {
      ca = A[a++];
      va ^= 1;
    }
    ct += ca;
    cb -= c;
    if (!cb && b < kb) {
      cb = B[b++];
      vb ^= 1;
    }
    ct += cb;
  }
  if (i === 0) u = 1;
  else if (crowd) u = countsArea(A);
  return i / u;
}

/**
 * Why an RLE is structurally unusable, or undefined when it is fine: size must be two
 * non-negative integers, counts non-negative integers < 2^32 summing to exactly h*w.
 */
export function rleProblem(rle: unknown): string | undefined {
  if (!rle || typeof rle !== 'object') return 'not an object';
  const r = rle as { size?: unknown; counts?: unknown };
  const s = r.size;
  if (!Array.isArray(s) || s.length !== 2 || !s.every((v) => Number.isInteger(v) && v >= 0))
    return 'size must be [h, w] with non-negative integers';
  let cnts: number[];
  if (typeof r.counts === 'string') {
    for (let i = 0; i < r.counts.length; i++) {
      const c = r.counts.charCodeAt(i);
      if (c < 48 || c > 111) return `compressed counts contain an invalid character at ${i}`;
    }
    if (r.counts.length && (r.counts.charCodeAt(r.counts.length - 1) - 48) & 0x20)
      return 'compressed counts end in the middle of a number';
    cnts = rleFromString(r.counts);
  } else if (Array.isArray(r.counts)) {
    cnts = r.counts as number[];
    for (let i = 0; i < cnts.length; i++) {
      const c = cnts[i];
      if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c > 4294967295)
        return `counts[${i}] is not a non-negative 32-bit integer`;
    }
  } else return 'counts must be an array or a string';
  let sum = 0;
  for (let i = 0; i < cnts.length; i++) sum += cnts[i];
  if (sum !== s[0] * s[1]) return `counts sum to ${sum}, expected h*w = ${s[0] * s[1]}`;
  return undefined;
}
