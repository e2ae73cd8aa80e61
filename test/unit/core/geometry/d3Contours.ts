/**
 * The tests' reference for core/geometry/contours: maskToPolygons as it was built on d3-contour
 * (before ./marchingSquares replaced d3's stitching), kept verbatim so the two can be compared
 * polygon for polygon.
 *
 * Binary mask -> COCO polygons.
 *
 * Contours come from `d3-contour` (marching squares; maintained by the d3 project, tiny, no DOM,
 * and it already sorts rings into outer boundaries and holes), thresholded at 0.5 with
 * smoothing off. Its coordinates put pixel (x, y) on the unit square [x, x+1] x [y, y+1] with
 * the contour passing half-way between the centres of inside and outside pixels — exactly the
 * convention pycocotools' rasterizer uses (pixel in <=> centre in), so re-rasterizing the
 * polygons with polygonsToRle gives back (almost) the same pixels. Exactly collinear vertices
 * are always dropped (lossless); `tolerance` > 0 then runs `simplify-js` (Douglas-Peucker).
 */
import { contours } from 'd3-contour';
import simplify from 'simplify-js';

interface MaskToPolygonsOptions {
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

function ringFromD3(ring: number[][], tolerance: number): Ring {
  let pts = ring.slice(0, ring.length - 1); // d3 closes rings by repeating the first point
  // drop exactly collinear vertices (cyclically)
  const keep: number[][] = [];
  const n = pts.length;
  for (let i = 0; i < n; i++) {
    const a = pts[(i + n - 1) % n];
    const b = pts[i];
    const c = pts[(i + 1) % n];
    const cross = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
    if (cross !== 0) keep.push(b);
  }
  pts = keep;
  if (tolerance > 0 && pts.length > 3) {
    const closed = pts.map(([x, y]) => ({ x, y }));
    closed.push({ x: pts[0][0], y: pts[0][1] });
    const s = simplify(closed, tolerance, true);
    s.pop();
    pts = s.map((p) => [p.x, p.y]);
  }
  const out: number[] = [];
  for (const [x, y] of pts) out.push(x, y);
  return out;
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
export function maskToPolygonsD3(
  mask: ArrayLike<number>,
  h: number,
  w: number,
  opts: MaskToPolygonsOptions = {},
): number[][] {
  if (h <= 0 || w <= 0) return [];
  const tolerance = opts.tolerance ?? 0;
  const holes = opts.holes ?? 'fill';
  const minArea = opts.minArea ?? 0;
  const values = new Float64Array(h * w);
  let any = false;
  for (let i = 0; i < values.length; i++) {
    if (mask[i]) {
      values[i] = 1;
      any = true;
    }
  }
  if (!any) return [];
  const [geom] = contours().size([w, h]).thresholds([0.5]).smooth(false)(values as unknown as number[]);
  const out: number[][] = [];
  for (const polygon of geom.coordinates) {
    let outer = ringFromD3(polygon[0] as number[][], tolerance);
    if (outer.length < 6) continue;
    if (holes === 'bridge') {
      for (let r = 1; r < polygon.length; r++) {
        const hole = ringFromD3(polygon[r] as number[][], tolerance);
        if (hole.length >= 6) outer = bridge(outer, hole);
      }
    }
    if (minArea > 0 && Math.abs(signedArea(outer)) < minArea) continue;
    out.push(outer);
  }
  return out;
}
