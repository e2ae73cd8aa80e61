/**
 * Binary mask -> COCO polygons.
 *
 * Contours come from marching squares (./marchingSquares: the rings `d3-contour` gives, vertex for
 * vertex, thresholded at 0.5 with smoothing off, at a fraction of its cost; d3 stays the tests'
 * reference). Coordinates put pixel (x, y) on the unit square [x, x+1] x [y, y+1] with the
 * contour passing half-way between the centres of inside and outside pixels — exactly the
 * convention pycocotools' rasterizer uses (pixel in <=> centre in), so re-rasterizing the
 * polygons with polygonsToRle gives back (almost) the same pixels. Exactly collinear vertices
 * are always dropped (lossless); `tolerance` > 0 then runs `simplify-js` (Douglas-Peucker).
 */
import simplify from 'simplify-js';
import { marchingRings } from './marchingSquares';

export interface MaskToPolygonsOptions {
  /** Douglas-Peucker tolerance in pixels (0 = lossless, only collinear points removed). Default 0. */
  tolerance?: number;
  /**
   * Holes (background enclosed by the object) — COCO polygons are unioned, so a hole can't be a
   * polygon of its own:
   * - 'fill' (default): holes are dropped, i.e. filled; every outer boundary is one polygon.
   * - 'bridge': each hole is spliced into its outer polygon through a zero-width cut to the
   *   nearest vertex. pycocotools rasterizes even-odd, so the doubled cut cancels and the hole
   *   stays empty (so does a non-zero renderer: the hole ring runs opposite to the outer ring).
   */
  holes?: 'fill' | 'bridge';
  /** Drop polygons whose shoelace area is below this many square pixels. Default 0. */
  minArea?: number;
}

type Ring = number[]; // flat x,y without the closing duplicate

/** A closed ring (first vertex repeated last) → a Ring, collinear vertices dropped, simplified. */
function openRing(closed: number[], tolerance: number): Ring {
  const n = closed.length / 2 - 1; // without the closing duplicate
  // drop exactly collinear vertices (cyclically)
  let pts: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = (i + n - 1) % n, c = (i + 1) % n;
    const ax = closed[2 * a], ay = closed[2 * a + 1], bx = closed[2 * i], by = closed[2 * i + 1];
    const cross = (bx - ax) * (closed[2 * c + 1] - ay) - (by - ay) * (closed[2 * c] - ax);
    if (cross !== 0) pts.push(bx, by);
  }
  if (tolerance > 0 && pts.length > 6) {
    const pointObjects: { x: number; y: number }[] = [];
    for (let i = 0; i < pts.length; i += 2) pointObjects.push({ x: pts[i], y: pts[i + 1] });
    pointObjects.push({ x: pts[0], y: pts[1] });
    const s = simplify(pointObjects, tolerance, true);
    s.pop();
    pts = [];
    for (const p of s) pts.push(p.x, p.y);
  }
  return pts;
}

/**
 * d3-contour's hole test on closed flat rings: the first of the hole's vertices not on the
 * ring's boundary decides (1 inside, -1 outside; 0 when every vertex is on it).
 */
function ringContainsHole(ring: number[], hole: number[]): number {
  for (let i = 0; i < hole.length; i += 2) {
    const c = ringContainsPoint(ring, hole[i], hole[i + 1]);
    if (c) return c;
  }
  return 0;
}
function ringContainsPoint(ring: number[], x: number, y: number): number {
  let contains = -1;
  const n = ring.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = ring[2 * i], yi = ring[2 * i + 1], xj = ring[2 * j], yj = ring[2 * j + 1];
    if (segmentContains(xi, yi, xj, yj, x, y)) return 0;
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) contains = -contains;
  }
  return contains;
}
function segmentContains(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): boolean {
  if ((bx - ax) * (cy - ay) !== (cx - ax) * (by - ay)) return false;
  const [p, q, r] = ax === bx ? [ay, cy, by] : [ax, cx, bx];
  return (p <= q && q <= r) || (r <= q && q <= p);
}

function signedArea(r: Ring): number {
  let s = 0;
  const k = r.length / 2;
  for (let i = 0, j = k - 1; i < k; j = i++) s += r[2 * j] * r[2 * i + 1] - r[2 * i] * r[2 * j + 1];
  return s / 2;
}

function bridge(outer: Ring, hole: Ring): Ring {
  // hole must run opposite to the outer ring for non-zero renderers
  if (Math.sign(signedArea(outer)) === Math.sign(signedArea(hole))) {
    const rev: number[] = [];
    for (let i = hole.length - 2; i >= 0; i -= 2) rev.push(hole[i], hole[i + 1]);
    hole = rev;
  }
  let best = Infinity;
  let bi = 0;
  let bj = 0;
  for (let i = 0; i < outer.length; i += 2) {
    for (let j = 0; j < hole.length; j += 2) {
      const dx = outer[i] - hole[j];
      const dy = outer[i + 1] - hole[j + 1];
      const d = dx * dx + dy * dy;
      if (d < best) {
        best = d;
        bi = i;
        bj = j;
      }
    }
  }
  return [
    ...outer.slice(0, bi + 2),
    ...hole.slice(bj),
    ...hole.slice(0, bj + 2),
    ...outer.slice(bi),
  ];
}

/**
 * Foreground (nonzero) regions of a ROW-major h*w mask as COCO polygons [x1,y1,x2,y2,...].
 * One polygon per connected outer boundary (8-connected pixels that touch only at a corner may
 * come out as one or two polygons, as marching squares decides); holes per `opts.holes`.
 */
export function maskToPolygons(
  mask: ArrayLike<number>,
  h: number,
  w: number,
  opts: MaskToPolygonsOptions = {},
): number[][] {
  return traceMask(mask, h, w, opts).polygons;
}

/**
 * maskToPolygons, and how many holes (rings of background enclosed by the mask) the trace met.
 * With no hole and no simplification, the polygons rasterize (pycocotools) back to exactly the
 * mask (tested); with holes filled, to more than the mask.
 */
export function traceMask(
  mask: ArrayLike<number>,
  h: number,
  w: number,
  opts: MaskToPolygonsOptions = {},
): { polygons: number[][]; holes: number } {
  if (h <= 0 || w <= 0) return { polygons: [], holes: 0 };
  const tolerance = opts.tolerance ?? 0;
  const holes = opts.holes ?? 'fill';
  const minArea = opts.minArea ?? 0;
  // outer rings in the order they close, each with the holes d3 would give it
  const polygons: number[][][] = [];
  const holeRings: number[][] = [];
  let holeCount = 0;
  marchingRings(mask, h, w, (ring) => {
    if (ring.area > 0) polygons.push([ring.coords]);
    else {
      holeCount++;
      if (holes === 'bridge') holeRings.push(ring.coords);
    }
  });
  for (const hole of holeRings) {
    const owner = polygons.find((p) => ringContainsHole(p[0], hole) !== -1);
    owner?.push(hole);
  }
  const out: number[][] = [];
  for (const polygon of polygons) {
    let outer = openRing(polygon[0], tolerance);
    if (outer.length < 6) continue;
    for (let r = 1; r < polygon.length; r++) {
      const hole = openRing(polygon[r], tolerance);
      if (hole.length >= 6) outer = bridge(outer, hole);
    }
    if (minArea > 0 && Math.abs(signedArea(outer)) < minArea) continue;
    out.push(outer);
  }
  return { polygons: out, holes: holeCount };
}
