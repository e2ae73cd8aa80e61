/** Edge tests of polygon outlines: orientation, segment intersection, and when two edges of one outline meet. */

/** Sign of the turn a → b → c: 1 counter-clockwise (y up), -1 clockwise, 0 collinear. */
export function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const v = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

/** p lies in the bounding box of segment a-b (so on the segment when collinear with it). */
function onSegment(ax: number, ay: number, bx: number, by: number, px: number, py: number): boolean {
  return Math.min(ax, bx) <= px && px <= Math.max(ax, bx) && Math.min(ay, by) <= py && py <= Math.max(ay, by);
}

/** Segments a-b and c-d cross or touch (an endpoint on the other segment counts). */
export function segmentsIntersect(
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
 * Edge i (i → i+1) against edge j (j → j+1), i < j, of the closed outline of n vertices xs, ys:
 * non-adjacent edges meet when they cross or touch; adjacent edges (sharing a vertex) only when
 * they fold back onto each other (collinear and pointing the same way from the shared vertex).
 */
export function polygonEdgesMeet(xs: ArrayLike<number>, ys: ArrayLike<number>, n: number, i: number, j: number): boolean {
  const i2 = (i + 1) % n;
  const j2 = (j + 1) % n;
  if (j === i2 || i === j2) {
    // Shared vertex: only a fold-back (collinear overlap) counts.
    const first = j === i2;
    const sx = first ? xs[i2] : xs[i], sy = first ? ys[i2] : ys[i];
    const ox = first ? xs[i] : xs[i2], oy = first ? ys[i] : ys[i2];
    const qx = first ? xs[j2] : xs[j], qy = first ? ys[j2] : ys[j];
    if (orient(sx, sy, ox, oy, qx, qy) === 0) {
      const dot = (ox - sx) * (qx - sx) + (oy - sy) * (qy - sy);
      if (dot > 0) return true;
    }
    return false;
  }
  return segmentsIntersect(xs[i], ys[i], xs[i2], ys[i2], xs[j], ys[j], xs[j2], ys[j2]);
}
