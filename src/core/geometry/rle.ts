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

/** Run lengths of pixels fed one by one in column-major order (nonzero = 1), starting with zeros. */
class RunLengthEncoder {
  private readonly counts: number[] = [];
  private value = 0;
  private run = 0;

  push(pixel: number): void {
    const v = pixel ? 1 : 0;
    if (v !== this.value) {
      this.counts.push(this.run);
      this.run = 0;
      this.value = v;
    }
    this.run++;
  }

  finish(): number[] {
    this.counts.push(this.run);
    return this.counts;
  }
}

/** Encode a ROW-major mask (like ImageData's layout; any nonzero byte counts as 1). */
export function rleEncode(mask: ArrayLike<number>, h: number, w: number): Rle {
  const encoder = new RunLengthEncoder();
  for (let x = 0; x < w; x++) {
    for (let i = x, y = 0; y < h; y++, i += w) encoder.push(mask[i]);
  }
  return { size: [h, w], counts: encoder.finish() };
}

/** Encode a COLUMN-major (Fortran order, as pycocotools' `encode` wants) mask; nonzero = 1. */
export function rleEncodeColumnMajor(mask: ArrayLike<number>, h: number, w: number): Rle {
  const encoder = new RunLengthEncoder();
  const a = h * w;
  for (let j = 0; j < a; j++) encoder.push(mask[j]);
  return { size: [h, w], counts: encoder.finish() };
}

/**
 * Calls `fill(start, end)` for every run of ones, as a column-major pixel range. Runs beyond
 * h*w are ignored (C would overflow); a short RLE leaves the rest 0.
 */
function forEachRunOfOnes(rle: Rle, fill: (start: number, end: number) => void): void {
  const cnts = rleCounts(rle);
  const a = rle.size[0] * rle.size[1];
  let pos = 0;
  for (let j = 0; j < cnts.length && pos < a; j++) {
    const end = Math.min(a, pos + cnts[j]);
    if (j & 1) fill(pos, end);
    pos = end;
  }
}

/** Decode to a ROW-major h*w mask of 0/1 (see forEachRunOfOnes for short and long RLEs). */
export function rleDecode(rle: Rle): Uint8Array {
  const [h, w] = rle.size;
  const out = new Uint8Array(h * w);
  forEachRunOfOnes(rle, (start, end) => {
    let y = start % h;
    let x = (start - y) / h;
    for (let q = start; q < end; q++) {
      out[y * w + x] = 1;
      if (++y === h) {
        y = 0;
        x++;
      }
    }
  });
  return out;
}

/** Decode to a COLUMN-major mask (pycocotools' `decode` layout). */
export function rleDecodeColumnMajor(rle: Rle): Uint8Array {
  const out = new Uint8Array(rle.size[0] * rle.size[1]);
  forEachRunOfOnes(rle, (start, end) => out.fill(1, start, end));
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

/**
 * Two count arrays of the same mask size walked in lockstep, as maskApi's rleMerge and rleIou
 * do: each step consumes the shortest remaining run of either, so within a step neither mask
 * changes value. `a` / `b` are 1 while inside a run of ones.
 */
class RunPair {
  a = 0;
  b = 0;
  private leftA: number;
  private leftB: number;
  private nextA = 1;
  private nextB = 1;

  constructor(private readonly A: ArrayLike<number>, private readonly B: ArrayLike<number>) {
    this.leftA = A.length ? A[0] : 0;
    this.leftB = B.length ? B[0] : 0;
  }

  /** Length of the next step: the shorter of the two current runs. */
  stepLength(): number {
    return this.leftA < this.leftB ? this.leftA : this.leftB;
  }

  /** Consumes `c` pixels of both, entering the next run where one ends; returns what is left of the current runs (0 at the end). */
  advance(c: number): number {
    const A = this.A;
    const B = this.B;
    this.leftA -= c;
    if (!this.leftA && this.nextA < A.length) {
      this.leftA = A[this.nextA++];
      this.a ^= 1;
    }
    this.leftB -= c;
    if (!this.leftB && this.nextB < B.length) {
      this.leftB = B[this.nextB++];
      this.b ^= 1;
    }
    return this.leftA + this.leftB;
  }
}

/** maskApi's pairwise merge of two count arrays (union or intersection). */
function mergeCounts(A: ArrayLike<number>, B: ArrayLike<number>, intersect: boolean): number[] {
  const out: number[] = [];
  const runs = new RunPair(A, B);
  let v = 0;
  let cc = 0;
  let ct = 1;
  while (ct > 0) {
    const c = runs.stepLength();
    cc += c;
    ct = runs.advance(c);
    const vp = v;
    v = intersect ? runs.a & runs.b : runs.a | runs.b;
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
  const runs = new RunPair(A, B);
  let i = 0;
  let u = 0;
  let ct = 1;
  while (ct > 0) {
    const c = runs.stepLength();
    if (runs.a || runs.b) {
      u += c;
      if (runs.a && runs.b) i += c;
    }
    ct = runs.advance(c);
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
