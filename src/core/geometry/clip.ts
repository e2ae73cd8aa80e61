/**
 * Sutherland–Hodgman: one closed polygon (flat [x0, y0, x1, y1, …]) clipped to [0, w] × [0, h].
 * The raw intersection points, unrounded; callers snap or round them as their output needs
 * (the clip fix to COCO's 2 decimals, the converters to the image border).
 */
export function clipToRect(poly: ArrayLike<number>, w: number, h: number): number[] {
  let pts: number[] = Array.from(poly).slice(0, poly.length - (poly.length % 2));
  const edges: ((x: number, y: number) => number)[] = [(x) => x, (x) => w - x, (_x, y) => y, (_x, y) => h - y]; // each ≥ 0 inside
  for (const inside of edges) {
    const n = pts.length / 2;
    if (n === 0) break;
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const ax = pts[2 * i], ay = pts[2 * i + 1];
      const j = (i + 1) % n;
      const bx = pts[2 * j], by = pts[2 * j + 1];
      const da = inside(ax, ay), db = inside(bx, by);
      if (da >= 0) out.push(ax, ay);
      if ((da >= 0) !== (db >= 0)) {
        const t = da / (da - db);
        out.push(ax + t * (bx - ax), ay + t * (by - ay));
      }
    }
    pts = out;
  }
  return pts;
}
