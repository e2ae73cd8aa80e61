/**
 * Polygon rasterization exactly like pycocotools (maskApi rleFrPoly / rleFrBbox) plus plain
 * polygon measures. COCO polygons are flat [x1, y1, x2, y2, ...] in pixel coordinates where
 * pixel (x, y) is the unit square [x, x+1] x [y, y+1]; a pixel is inside when its centre is
 * (even-odd rule, so self-intersecting polygons leave "holes" where they overlap themselves).
 */
import type { Rle } from './rle';
import { unionCounts } from './rle';

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
  const n = polygonBoundary(xy, h, w);
  const a = scratch;
  let area = 0;
  for (let i = 0; i + 1 < n; i += 2) area += a[i + 1] - a[i];
  return area;
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
      if (dx >= dy) {
        const s = (ye - ys) / dx;
        for (let d = 0; d <= dx; d++) {
          const t = flip ? dx - d : d;
          const u = t + xs;
          // dx == 0 means 0/0 = NaN in C and (int)NaN is INT_MIN on x86.
          const v = dx === 0 ? INT_MIN : toInt(ys + s * t + 0.5);
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
      } else {
        const s = (xe - xs) / dy;
        for (let d = 0; d <= dy; d++) {
          const t = flip ? dy - d : d;
          const v = t + ys;
          const u = toInt(xs + s * t + 0.5);
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

function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const v = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

function onSegment(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  return Math.min(ax, bx) <= px && px <= Math.max(ax, bx) && Math.min(ay, by) <= py && py <= Math.max(ay, by);
}

function segmentsIntersect(
  ax: number, ay: number, bx: number, by: number,
  cx: number, cy: number, dx: number, dy: number,
): boolean {
  const o1 = orient(ax, ay, bx, by, cx, cy);
  const o2 = orient(ax, ay, bx, by, dx, dy);
  const o3 = orient(cx, cy, dx, dy, ax, ay);
  const o4 = orient(cx, cy, dx, dy, bx, by);
  if (o1 !== o2 && o3 !== o4) return true;
  if (o1 === 0 && onSegment(ax, ay, bx, by, cx, cy)) return true;
  if (o2 === 0 && onSegment(ax, ay, bx, by, dx, dy)) return true;
  if (o3 === 0 && onSegment(cx, cy, dx, dy, ax, ay)) return true;
  if (o4 === 0 && onSegment(cx, cy, dx, dy, bx, by)) return true;
  return false;
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
    const i2 = (i + 1) % n;
    for (let j = i + 1; j < n; j++) {
      const j2 = (j + 1) % n;
      const adjacent = j === i2 || i === j2;
      if (adjacent) {
        // Shared vertex: only a fold-back (collinear overlap) counts.
        const [sx, sy, ox, oy, qx, qy] =
          j === i2 ? [xs[i2], ys[i2], xs[i], ys[i], xs[j2], ys[j2]] : [xs[i], ys[i], xs[i2], ys[i2], xs[j], ys[j]];
        if (orient(sx, sy, ox, oy, qx, qy) === 0) {
          const dot = (ox - sx) * (qx - sx) + (oy - sy) * (qy - sy);
          if (dot > 0) return true;
        }
        continue;
      }
      if (segmentsIntersect(xs[i], ys[i], xs[i2], ys[i2], xs[j], ys[j], xs[j2], ys[j2])) return true;
    }
  }
  return false;
}
