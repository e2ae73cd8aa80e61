/**
 * Polygon rasterization exactly like pycocotools (maskApi rleFrPoly / rleFrBbox) plus plain
 * polygon measures. COCO polygons are flat [x1, y1, x2, y2, ...] in pixel coordinates where
 * pixel (x, y) is the unit square [x, x+1] x [y, y+1]; a pixel is inside when its centre is
 * (even-odd rule, so self-intersecting polygons leave "holes" where they overlap themselves).
 */
import type { Rle } from './rle';
import { unionCounts } from './rle';
import { polygonEdgesMeet } from './polygonEdges';

const SCALE = 5;
const INT_MIN = -2147483648;
const COORD_LIMIT = 4e8; // 5*x must fit a C int; beyond that C is undefined behaviour

// Scratch buffer for the boundary-point indices, grown on demand and reused between calls.
let scratch = new Uint32Array(4096);

/** C `(int)v` (truncation toward zero) for values known to be in int range. */
function toInt(v: number): number {
  return v < 0 ? Math.ceil(v) : Math.floor(v);
}

/**
 * Rasterize one polygon to RLE counts exactly like maskApi rleFrPoly. `xy` is flat; `k` points
 * are used (pycocotools passes int(len/2), so an odd trailing coordinate is ignored).
 * Throws RangeError for non-finite or absurdly large coordinates (C behaviour undefined there).
 */
export function polygonCounts(xy: ArrayLike<number>, h: number, w: number): number[] {
  const n = polygonBoundary(xy, h, w);
  const a = scratch.subarray(0, n);
  // Differences, then fold zero-length runs as maskApi does.
  const b: number[] = [];
  let prev = 0;
  let j = 0;
  const next = (): number => {
    const t = a[j++];
    const r = t - prev;
    prev = t;
    return r;
  };
  b.push(next());
  while (j < n) {
    const d = next();
    if (d > 0) b.push(d);
    else if (j < n) b[b.length - 1] += next();
  }
  return b;
}

/**
 * countsArea(polygonCounts(xy, h, w)) without building the counts: the mask toggles at every
 * sorted boundary index (folding a zero-length run keeps that parity), so the area is the sum
 * of p[2i+1] - p[2i].
 */
export function polygonMaskArea(xy: ArrayLike<number>, h: number, w: number): number {
  return polygonMaskAreaAt(xy, 0, xy.length, h, w);
}

/** polygonMaskArea of the polygon xy[from … to). */
function polygonMaskAreaAt(xy: ArrayLike<number>, from: number, to: number, h: number, w: number): number {
  const fast = crossingArea(xy, from, to, h, w);
  if (fast >= 0) return fast;
  const n = polygonBoundary(from === 0 && to === xy.length ? xy : Array.prototype.slice.call(xy, from, to) as number[], h, w);
  const a = scratch;
  let area = 0;
  for (let i = 0; i + 1 < n; i += 2) area += a[i + 1] - a[i];
  return area;
}

// Largest coordinate the crossing path takes: 5x stays far below 2^31 (so `| 0` is C's (int)
// truncation of the non-negative values involved) and below 2^26, where every product and sum
// of the walk is exact enough that the arguments in crossingArea hold.
const FAST_LIMIT = 1e6;

/**
 * polygonMaskArea without walking every upsampled boundary step, or -1 when the polygon is
 * outside the domain where that is proven equal (a negative or huge coordinate, an empty
 * image, fewer than one point).
 *
 * Why it is equal, for coordinates in [0, FAST_LIMIT) and h, w > 0: rleFrPoly records a
 * boundary index only where consecutive walk points (u, v), (pu, pv) have u !== pu and
 * xd = min(u, pu) satisfies (xd + 0.5) / 5 - 0.5 integral, i.e. min(u, pu) = 5x + 2 (the
 * division is exact there and at least 0.2 from an integer elsewhere), with x in [0, w - 1];
 * the index is x*h + clamp-ceil(min(v, pv)). Every value is >= 0, so each edge's first walk
 * point has the u of the previous edge's last point (both are the rounded shared vertex:
 * xs + fl(fl(a/b)*b) + 0.5 truncates to xe for these small integers), hence no record ever
 * pairs points of two edges, and a zero-length edge (the INT_MIN case) records nothing. So
 * the records are, per edge, the pairs of consecutive points t, t+1 (in the edge's own t
 * order; min() is symmetric, so walk direction does not matter) whose u straddle 5x+2 | 5x+3:
 * - |dx| >= |dy|: u = xs + t, so t = 5x + 2 - xs and yd = min(V(t), V(t+1)) with the same
 *   V(t) = (int)(ys + s*t + 0.5) as the walk;
 * - |dy| > |dx|: u = U(t) = (int)(xs + s*t + 0.5) is monotone in t and moves by at most 1 per
 *   step (|s| < 1), v = ys + t: the unique t with U(t), U(t+1) on both sides gives yd = ys + t;
 *   it is found from an estimate and corrected by evaluating U itself, so it is the walk's t.
 * The walk is closed, so each column gets an even number of records; indices of column x lie
 * in [x*h, x*h + h] and those of x+1 start at (x+1)*h, so the sorted list is the columns'
 * sorted rows one after another, and with h*w appended the sum of p[2i+1] - p[2i] is
 * polygonMaskArea's. That sum is taken here over the same indices, sorted the same way.
 */
function crossingArea(xy: ArrayLike<number>, from: number, to: number, h: number, w: number): number {
  let n = crossingRecords(xy, from, to, h, w);
  if (n < 0) return -1;
  const buf = sortRecords(n);
  buf[n++] = h * w;
  let area = 0;
  for (let i = 0; i + 1 < n; i += 2) area += buf[i + 1] - buf[i];
  return area;
}

/** Sorts scratch[0, n) ascending (insertion sort for the usual handful); returns scratch. */
function sortRecords(n: number): Uint32Array {
  const buf = scratch;
  if (n <= 48) {
    for (let i = 1; i < n; i++) {
      const x = buf[i];
      let j = i - 1;
      while (j >= 0 && buf[j] > x) { buf[j + 1] = buf[j]; j--; }
      buf[j + 1] = x;
    }
  } else buf.subarray(0, n).sort();
  return buf;
}

/**
 * rleFrPoly's boundary indices (unsorted, without h*w) of the polygon xy[from … to) in
 * scratch[0, n), returning n, taken only where the walk crosses a column centre (see
 * crossingArea); -1 outside the proven domain. Leaves room for at least one more index.
 */
function crossingRecords(xy: ArrayLike<number>, from: number, to: number, h: number, w: number): number {
  const k = Math.floor((to - from) / 2);
  // (An image height that is not an integer takes the walk: rowOf below needs an integer h.)
  if (k < 1 || !(h > 0) || !(w > 0) || !Number.isInteger(h)) return -1;
  for (let i = from, end = from + 2 * k; i < end; i++) {
    const v = xy[i];
    if (!(v >= 0 && v < FAST_LIMIT)) return -1;
  }
  const wm1 = w - 1;
  let buf = scratch;
  let n = 0;
  const x0 = (SCALE * xy[from] + 0.5) | 0;
  const y0 = (SCALE * xy[from + 1] + 0.5) | 0;
  let xa = x0;
  let ya = y0;
  for (let j = 0; j < k; j++) {
    let xb: number, yb: number;
    if (j + 1 < k) {
      xb = (SCALE * xy[from + 2 * j + 2] + 0.5) | 0;
      yb = (SCALE * xy[from + 2 * j + 3] + 0.5) | 0;
    } else {
      xb = x0;
      yb = y0;
    }
    let xs = xa, xe = xb, ys = ya, ye = yb;
    xa = xb;
    ya = yb;
    const dx = xe > xs ? xe - xs : xs - xe;
    const dy = ys > ye ? ys - ye : ye - ys;
    if (dx === 0) continue; // u never changes: nothing recorded (covers the zero-length edge)
    const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) {
      let t = xs; xs = xe; xe = t;
      t = ys; ys = ye; ye = t;
    }
    // Columns this edge can record: min(u) = 5c + 2 within [min u, max u - 1].
    const lo = xs < xe ? xs : xe;
    const hi = xs < xe ? xe : xs;
    // ceil((lo - 2) / 5) and floor((hi - 3) / 5) of integers lo, hi >= 0, as integer divisions
    // (a quotient that is not an integer is >= 0.2 from one, so truncating the double is exact).
    let c = ((lo + 2) / SCALE) | 0;
    let cEnd = (((hi + 2) / SCALE) | 0) - 1;
    if (cEnd > wm1) cEnd = wm1;
    if (c > cEnd) continue;
    if (n + 2 * (cEnd - c + 1) + 2 > buf.length) {
      const nb = new Uint32Array(Math.max(n + 2 * (cEnd - c + 1) + 2, buf.length * 2));
      nb.set(buf.subarray(0, n));
      buf = scratch = nb;
    }
    if (dx >= dy) {
      const s = (ye - ys) / dx;
      for (; c <= cEnd; c++) {
        const t = SCALE * c + 2 - xs;
        const v1 = (ys + s * t + 0.5) | 0;
        const v2 = (ys + s * (t + 1) + 0.5) | 0;
        const row = rowOf(v1 < v2 ? v1 : v2);
        buf[n++] = c * h + (row > h ? h : row);
      }
    } else {
      const s = (xe - xs) / dy;
      for (; c <= cEnd; c++) {
        const m = SCALE * c + 2;
        // The first t with U(t) on the far side of m | m+1 is tf; the record is at t = tf - 1.
        let tf: number;
        if (s > 0) {
          tf = Math.ceil((m + 0.5 - xs) / s);
          if (tf < 1) tf = 1;
          if (tf > dy) tf = dy;
          while (tf < dy && ((xs + s * tf + 0.5) | 0) <= m) tf++;
          while (tf > 1 && ((xs + s * (tf - 1) + 0.5) | 0) > m) tf--;
        } else {
          tf = Math.floor((m + 0.5 - xs) / s) + 1;
          if (tf < 1) tf = 1;
          if (tf > dy) tf = dy;
          while (tf < dy && ((xs + s * tf + 0.5) | 0) > m) tf++;
          while (tf > 1 && ((xs + s * (tf - 1) + 0.5) | 0) <= m) tf--;
        }
        const row = rowOf(ys + tf - 1);
        buf[n++] = c * h + (row > h ? h : row);
      }
    }
  }
  return n;
}

/**
 * rleFrPoly's row of a record at upsampled v >= 0 before the clamp to h: ceil(max(0, (v + 0.5) / 5
 * - 0.5)) = ceil((v - 2) / 5) = floor((v + 2) / 5), as one integer division. The double
 * expression is exact where (v - 2) / 5 is an integer ((v + 0.5) / 5 is then k + 0.5) and
 * >= 0.2 from one elsewhere, so its ceil is the exact one; for v < 2 both are 0. Clamping to an
 * integer h before or after the ceil gives the same row.
 */
function rowOf(v: number): number {
  return ((v + 2) / SCALE) | 0;
}

// Rounded (upsampled) vertex ranges of the polygons of one polygonsMaskArea call.
let ranges = new Int32Array(64);

/**
 * countsArea of pycocotools' merged mask of several polygons (polygonsToRle + rleArea), without
 * merging when that is provably a plain sum: when every pair of polygons has disjoint rounded
 * vertex ranges in u = (int)(5x + 0.5) or in v (touching allowed), their masks share no pixel.
 * Proof: a polygon records column c only when its walk has u = 5c+2 and u = 5c+3, and every
 * walk u lies between its rounded vertices' min and max (integer steps between them, or the
 * monotone U(t) with exact endpoints), so u-ranges [a0, a1], [b0, b1] with a1 <= b0 cannot both
 * contain 5c+2 and 5c+3. Likewise every walk v lies in the vertex v-range, the row of a record
 * is a monotone function of v, and a column's mask is a union of runs between records, so
 * v-disjoint polygons cover disjoint rows of each column. Falls back to the merge otherwise.
 */
export function polygonsMaskArea(polygons: ArrayLike<ArrayLike<number>>, h: number, w: number): number {
  const np = polygons.length;
  if (np === 0) return 0;
  if (np === 1) return polygonMaskArea(polygons[0], h, w);
  if (disjointRounded(polygons)) {
    let area = 0;
    for (let i = 0; i < np; i++) area += polygonMaskArea(polygons[i], h, w);
    return area;
  }
  const merged = unionArea(polygons, h, w);
  if (merged >= 0) return merged;
  return mergedRleArea(polygons, h, w);
}

/**
 * polygonsMaskArea of the polygons held flat, as the scan worker reads them (polygonReader.ts):
 * polygon k is coords[ends[k - 1] … ends[k]) (from 0 for k = 0). The same arithmetic on the
 * same numbers, without making an array per polygon.
 */
export function flatPolygonsMaskArea(coords: ArrayLike<number>, ends: ArrayLike<number>, np: number, h: number, w: number): number {
  if (np === 0) return 0;
  if (np === 1) return polygonMaskAreaAt(coords, 0, ends[0], h, w);
  growRanges(np);
  for (let p = 0, from = 0; p < np; from = ends[p], p++) if (!roundedRange(coords, from, ends[p], p)) return flatMerged(coords, ends, np, h, w);
  if (!rangesDisjoint(np)) return flatMerged(coords, ends, np, h, w);
  let area = 0;
  for (let p = 0, from = 0; p < np; from = ends[p], p++) area += polygonMaskAreaAt(coords, from, ends[p], h, w);
  return area;
}

/** flatPolygonsMaskArea's polygonsMaskArea after disjointRounded said no. */
function flatMerged(coords: ArrayLike<number>, ends: ArrayLike<number>, np: number, h: number, w: number): number {
  let ne = 0;
  for (let p = 0, from = 0; p < np && ne >= 0; from = ends[p], p++) ne = unionEvents(coords, from, ends[p], h, w, ne);
  if (ne >= 0) return sweepEvents(ne);
  const polygons: number[][] = [];
  for (let p = 0, from = 0; p < np; from = ends[p], p++) polygons.push(Array.prototype.slice.call(coords, from, ends[p]) as number[]);
  return mergedRleArea(polygons, h, w);
}

/** countsArea of polygonsToRle: the exact merge, for polygons outside the crossing path's domain. */
function mergedRleArea(polygons: ArrayLike<ArrayLike<number>>, h: number, w: number): number {
  const counts = polygonsToRle(polygons, h, w).counts as number[];
  let area = 0;
  for (let i = 1; i < counts.length; i += 2) area += counts[i];
  return area;
}

// Run start / end events of unionArea: 2*index (+1 for an end), exact in a double.
let events = new Float64Array(1024);

/**
 * Area of the union of the polygons' masks (what unionCounts merges), or -1 outside the
 * crossing path's domain. Each polygon's mask is the runs [p0, p1), [p2, p3), … of its sorted
 * boundary indices (an even number of them in that domain, so the appended h*w closes
 * nothing); the union's area is the measure covered by at least one run, swept over the
 * sorted run events (ties add zero length, so their order does not matter).
 */
function unionArea(polygons: ArrayLike<ArrayLike<number>>, h: number, w: number): number {
  let ne = 0;
  for (let p = 0; p < polygons.length; p++) {
    const xy = polygons[p];
    ne = unionEvents(xy, 0, xy.length, h, w, ne);
    if (ne < 0) return -1;
  }
  return sweepEvents(ne);
}

/** Appends the run events of the polygon xy[from … to) to events[0, ne); the new count, or -1 outside the domain. */
function unionEvents(xy: ArrayLike<number>, from: number, to: number, h: number, w: number, ne: number): number {
  const n = crossingRecords(xy, from, to, h, w);
  if (n < 0 || n % 2 !== 0) return -1;
  const buf = sortRecords(n);
  if (ne + n > events.length) {
    const nb = new Float64Array(Math.max(ne + n, events.length * 2));
    nb.set(events.subarray(0, ne));
    events = nb;
  }
  for (let i = 0; i < n; i += 2) {
    events[ne++] = 2 * buf[i];
    events[ne++] = 2 * buf[i + 1] + 1;
  }
  return ne;
}

/** The measure covered by at least one run of events[0, ne). */
function sweepEvents(ne: number): number {
  const ev = events;
  if (ne <= 64) {
    // The usual few dozen events, a few sorted runs (one per polygon): an insertion sort, not
    // the native sort's call. The events are non-negative integers (no NaN, no -0), so every
    // ascending order of them is the same array.
    for (let i = 1; i < ne; i++) {
      const x = ev[i];
      let j = i - 1;
      while (j >= 0 && ev[j] > x) { ev[j + 1] = ev[j]; j--; }
      ev[j + 1] = x;
    }
  } else ev.subarray(0, ne).sort();
  let depth = 0, prev = 0, area = 0;
  for (let i = 0; i < ne; i++) {
    const e = ev[i];
    const pos = Math.floor(e / 2);
    if (depth > 0) area += pos - prev;
    depth += e - 2 * pos === 1 ? -1 : 1;
    prev = pos;
  }
  return area;
}

function disjointRounded(polygons: ArrayLike<ArrayLike<number>>): boolean {
  const np = polygons.length;
  growRanges(np);
  for (let p = 0; p < np; p++) {
    const xy = polygons[p];
    if (!roundedRange(xy, 0, xy.length, p)) return false;
  }
  return rangesDisjoint(np);
}

function growRanges(np: number): void {
  if (ranges.length < 4 * np) ranges = new Int32Array(Math.max(4 * np, 2 * ranges.length));
}

/** The rounded vertex ranges [u0, u1], [v0, v1] of the polygon xy[from … to) into ranges[4p …]; false outside the domain. */
function roundedRange(xy: ArrayLike<number>, from: number, to: number, p: number): boolean {
  const k = Math.floor((to - from) / 2);
  if (k < 1) return false;
  let u0 = 2147483647, u1 = -1, v0 = 2147483647, v1 = -1;
  for (let i = from, end = from + 2 * k; i < end; i += 2) {
    const x = xy[i], y = xy[i + 1];
    if (!(x >= 0 && x < FAST_LIMIT && y >= 0 && y < FAST_LIMIT)) return false;
    const u = (SCALE * x + 0.5) | 0;
    const v = (SCALE * y + 0.5) | 0;
    if (u < u0) u0 = u;
    if (u > u1) u1 = u;
    if (v < v0) v0 = v;
    if (v > v1) v1 = v;
  }
  const r = ranges;
  r[4 * p] = u0; r[4 * p + 1] = u1; r[4 * p + 2] = v0; r[4 * p + 3] = v1;
  return true;
}

/** Whether every pair of the first np ranges is disjoint in u or in v (touching allowed). */
function rangesDisjoint(np: number): boolean {
  const r = ranges;
  for (let p = 0; p < np; p++) {
    const au0 = r[4 * p], au1 = r[4 * p + 1], av0 = r[4 * p + 2], av1 = r[4 * p + 3];
    for (let q = p + 1; q < np; q++) {
      const bu0 = r[4 * q], bu1 = r[4 * q + 1], bv0 = r[4 * q + 2], bv1 = r[4 * q + 3];
      if (au1 <= bu0 || bu1 <= au0 || av1 <= bv0 || bv1 <= av0) continue;
      return false;
    }
  }
  return true;
}

/** The sorted boundary indices of rleFrPoly, then h*w, in scratch[0, n); returns n. */
function polygonBoundary(xy: ArrayLike<number>, h: number, w: number): number {
  const k = Math.floor(xy.length / 2);
  for (let i = 0; i < 2 * k; i++) {
    const v = xy[i];
    if (!(v > -COORD_LIMIT && v < COORD_LIMIT)) throw new RangeError(`polygon coordinate ${v} is not usable`);
  }
  const wm1 = w > 0 ? w - 1 : Number.MAX_VALUE; // C: siz (unsigned) w-1 wraps when w == 0
  let buf = scratch;
  let n = 0;
  let started = false;
  let pu = 0;
  let pv = 0;
  if (k > 0) {
    const x0 = toInt(SCALE * xy[0] + 0.5);
    const y0 = toInt(SCALE * xy[1] + 0.5);
    let xa = x0;
    let ya = y0;
    for (let j = 0; j < k; j++) {
      let xb: number;
      let yb: number;
      if (j + 1 < k) {
        xb = toInt(SCALE * xy[2 * j + 2] + 0.5);
        yb = toInt(SCALE * xy[2 * j + 3] + 0.5);
      } else {
        xb = x0;
        yb = y0;
      }
      let xs = xa;
      let xe = xb;
      let ys = ya;
      let ye = yb;
      xa = xb;
      ya = yb;
      const dx = Math.abs(xe - xs);
      const dy = Math.abs(ys - ye);
      const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
      if (flip) {
        let t = xs;
        xs = xe;
        xe = t;
        t = ys;
        ys = ye;
        ye = t;
      }
      // Make sure the buffer can hold every point of this segment (at most one index each).
      const need = n + (dx >= dy ? dx : dy) + 2;
      if (need > buf.length) {
        const nb = new Uint32Array(Math.max(need, buf.length * 2));
        nb.set(buf.subarray(0, n));
        buf = scratch = nb;
      }
      // Walk the edge one step along its longer axis; the other coordinate is rounded.
      const alongX = dx >= dy;
      const steps = alongX ? dx : dy;
      const s = alongX ? (ye - ys) / dx : (xe - xs) / dy;
      for (let d = 0; d <= steps; d++) {
        const t = flip ? steps - d : d;
        let u: number;
        let v: number;
        if (alongX) {
          u = t + xs;
          // dx == 0 means 0/0 = NaN in C and (int)NaN is INT_MIN on x86.
          v = dx === 0 ? INT_MIN : toInt(ys + s * t + 0.5);
        } else {
          v = t + ys;
          u = toInt(xs + s * t + 0.5);
        }
        if (started) {
          if (u !== pu) {
            let xd = u < pu ? u : u - 1;
            xd = (xd + 0.5) / SCALE - 0.5;
            if (Math.floor(xd) === xd && xd >= 0 && xd <= wm1) {
              let yd = v < pv ? v : pv;
              yd = (yd + 0.5) / SCALE - 0.5;
              if (yd < 0) yd = 0;
              else if (yd > h) yd = h;
              yd = Math.ceil(yd);
              buf[n++] = xd * h + yd;
            }
          }
        } else started = true;
        pu = u;
        pv = v;
      }
    }
  }
  if (n + 1 > buf.length) {
    const nb = new Uint32Array(buf.length * 2);
    nb.set(buf.subarray(0, n));
    buf = scratch = nb;
  }
  buf[n++] = h * w;
  if (n > 1) buf.subarray(0, n).sort();
  return n;
}

/** One polygon -> RLE (pycocotools `frPyObjects([poly], h, w)[0]`). */
export function polygonToRle(poly: ArrayLike<number>, h: number, w: number): Rle {
  return { size: [h, w], counts: polygonCounts(poly, h, w) };
}

/**
 * Union of several polygons -> RLE, like pycocotools' annToRLE path
 * (`merge(frPyObjects(polys, h, w))`). One polygon is returned unmerged (as pycocotools does);
 * no polygons -> an empty mask.
 */
export function polygonsToRle(polygons: ArrayLike<ArrayLike<number>>, h: number, w: number): Rle {
  if (polygons.length === 0) return { size: [h, w], counts: [h * w] };
  if (polygons.length === 1) return { size: [h, w], counts: polygonCounts(polygons[0], h, w) };
  const list: number[][] = [];
  for (let i = 0; i < polygons.length; i++) list.push(polygonCounts(polygons[i], h, w));
  return { size: [h, w], counts: unionCounts(list) };
}

/** Box [x, y, w, h] -> RLE via a 4-point polygon (maskApi rleFrBbox). */
export function rleFromBbox(bbox: ArrayLike<number>, h: number, w: number): Rle {
  return { size: [h, w], counts: bboxCounts(bbox, h, w) };
}

export function bboxCounts(bbox: ArrayLike<number>, h: number, w: number): number[] {
  const xs = bbox[0];
  const xe = xs + bbox[2];
  const ys = bbox[1];
  const ye = ys + bbox[3];
  return polygonCounts([xs, ys, xs, ye, xe, ye, xe, ys], h, w);
}

/** Shoelace area (absolute value) of a flat polygon; an odd trailing coordinate is ignored. */
export function polygonArea(poly: ArrayLike<number>): number {
  const k = Math.floor(poly.length / 2);
  if (k < 3) return 0;
  let s = 0;
  let px = poly[2 * k - 2];
  let py = poly[2 * k - 1];
  for (let i = 0; i < k; i++) {
    const x = poly[2 * i];
    const y = poly[2 * i + 1];
    s += px * y - x * py;
    px = x;
    py = y;
  }
  return Math.abs(s) / 2;
}

/** Sum of the polygons' shoelace areas (overlaps counted twice; use RLE area for pixels). */
export function polygonsArea(polys: ArrayLike<ArrayLike<number>>): number {
  let s = 0;
  for (let i = 0; i < polys.length; i++) s += polygonArea(polys[i]);
  return s;
}

/** Tight [x, y, w, h] around the vertices of one polygon or a list of polygons; [0,0,0,0] if none. */
export function polygonBbox(poly: ArrayLike<number> | ArrayLike<ArrayLike<number>>): [number, number, number, number] {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  const visit = (p: ArrayLike<number>) => {
    for (let i = 0; i + 1 < p.length; i += 2) {
      const x = p[i];
      const y = p[i + 1];
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  };
  if (poly.length > 0 && typeof poly[0] !== 'number') {
    for (let i = 0; i < poly.length; i++) visit((poly as ArrayLike<ArrayLike<number>>)[i]);
  } else visit(poly as ArrayLike<number>);
  if (x0 > x1) return [0, 0, 0, 0];
  return [x0, y0, x1 - x0, y1 - y0];
}

/**
 * True when the closed polygon's boundary touches or crosses itself: two non-adjacent edges
 * intersect (including touching at a point), or two adjacent edges fold back onto each other.
 * Repeated consecutive vertices (and an explicit closing vertex equal to the first) are ignored.
 * O(n^2); fine for the few hundred vertices of typical annotations.
 */
export function polygonSelfIntersects(poly: ArrayLike<number>): boolean {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i + 1 < poly.length; i += 2) {
    const x = poly[i];
    const y = poly[i + 1];
    const l = xs.length;
    if (l && xs[l - 1] === x && ys[l - 1] === y) continue;
    xs.push(x);
    ys.push(y);
  }
  while (xs.length > 1 && xs[0] === xs[xs.length - 1] && ys[0] === ys[ys.length - 1]) {
    xs.pop();
    ys.pop();
  }
  const n = xs.length;
  if (n < 3) return false;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) if (polygonEdgesMeet(xs, ys, n, i, j)) return true;
  }
  return false;
}
