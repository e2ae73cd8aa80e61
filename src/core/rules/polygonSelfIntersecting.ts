import { INSTANCE_KINDS } from '../coco/kind';
import { annotationName, idsOf, isUsablePolygon, isZeroAreaPolygon } from '../ruleKit/segmentationShared';
import { F_SELF_SUSPECT, forEachFlaggedPolygon } from '../ruleKit/facts';
import type { Rule } from '../ruleKit/types';
import { polygonEdgesMeet } from '../geometry/polygonEdges';

export const polygonSelfIntersecting: Rule = {
  id: 'coco/polygon-self-intersecting',
  defaultSeverity: 'warning',
  usesFacts: true,
  scope: 'annotation',
  kinds: INSTANCE_KINDS,
  description: 'A polygon\'s outline crosses or touches itself.',
  why: 'pycocotools fills polygons by the even-odd rule, so where a bow-tie outline overlaps itself the mask gets a hole and the area shrinks; shapely calls such polygons invalid (area, buffer and intersection give wrong results), and converters that use it drop or "repair" them unpredictably.',
  example: { bad: '"segmentation": [[0, 0, 10, 10, 10, 0, 0, 10]]', good: '"segmentation": [[0, 0, 10, 0, 10, 10, 0, 10]]' },
  defaultOptions: { maxVertices: 500 },
  check(ctx) {
    const maxV = typeof ctx.options.maxVertices === 'number' ? ctx.options.maxVertices : 500;
    forEachFlaggedPolygon(ctx.doc, F_SELF_SUSPECT, (entry, ann, poly, k) => {
      if (poly.length > 2 * maxV || !isUsablePolygon(poly) || isZeroAreaPolygon(poly)) return;
      if (!selfIntersects(poly)) return;
      ctx.report({
        message: `${annotationName(ann, entry.index)}: polygon ${k} crosses or touches itself; pycocotools' even-odd fill leaves a hole where it overlaps.`,
        at: ctx.place('annotations', entry, ['segmentation', k]),
        ...idsOf(ann),
      });
    });
  },
};

/**
 * Same answer as geometry's polygonSelfIntersects (same vertex clean-up, same edge tests:
 * non-adjacent edges touching or crossing, adjacent edges folding back), but only edges whose
 * boxes overlap get the orientation tests, and nothing is allocated for small polygons. Up to 64
 * vertices every pair's boxes are compared; above, a sweep over edges sorted by their left end
 * pairs only x-overlapping edges (O(n log n) for typical outlines instead of O(n^2)).
 */
export function selfIntersects(poly: ArrayLike<number>): boolean {
  const m = poly.length >> 1;
  if (scratchX.length < m) grow(m);
  const xs = scratchX, ys = scratchY;
  let n = 0;
  for (let i = 0; i + 1 < poly.length; i += 2) {
    const x = poly[i];
    const y = poly[i + 1];
    if (n && xs[n - 1] === x && ys[n - 1] === y) continue;
    xs[n] = x;
    ys[n] = y;
    n++;
  }
  while (n > 1 && xs[0] === xs[n - 1] && ys[0] === ys[n - 1]) n--;
  if (n < 3) return false;
  const x0 = scratchX0, x1 = scratchX1, y0 = scratchY0, y1 = scratchY1;
  for (let e = 0; e < n; e++) {
    const f = e + 1 === n ? 0 : e + 1;
    if (xs[e] < xs[f]) { x0[e] = xs[e]; x1[e] = xs[f]; } else { x0[e] = xs[f]; x1[e] = xs[e]; }
    if (ys[e] < ys[f]) { y0[e] = ys[e]; y1[e] = ys[f]; } else { y0[e] = ys[f]; y1[e] = ys[e]; }
  }
  if (n <= 64) {
    // Small polygons: every pair, but most are rejected by their boxes before any orientation test.
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        if (x1[j] < x0[i] || x0[j] > x1[i] || y1[j] < y0[i] || y0[j] > y1[i]) continue;
        if (polygonEdgesMeet(xs, ys, n, i, j)) return true;
      }
    }
    return false;
  }
  // Large polygons: sweep over edges sorted by their left end; only x-overlapping edges meet.
  const order: number[] = new Array(n);
  for (let e = 0; e < n; e++) order[e] = e;
  order.sort((a, b) => x0[a] - x0[b]);
  const active: number[] = [];
  for (const a of order) {
    const left = x0[a];
    let keep = 0;
    for (let t = 0; t < active.length; t++) if (x1[active[t]] >= left) active[keep++] = active[t];
    active.length = keep;
    for (let t = 0; t < keep; t++) {
      const b = active[t];
      if (y1[b] < y0[a] || y0[b] > y1[a]) continue;
      if (polygonEdgesMeet(xs, ys, n, a < b ? a : b, a < b ? b : a)) return true;
    }
    active.push(a);
  }
  return false;
}

let scratchX = new Float64Array(256), scratchY = new Float64Array(256);
let scratchX0 = new Float64Array(256), scratchX1 = new Float64Array(256), scratchY0 = new Float64Array(256), scratchY1 = new Float64Array(256);
function grow(m: number): void {
  const size = Math.max(m, scratchX.length * 2);
  scratchX = new Float64Array(size); scratchY = new Float64Array(size);
  scratchX0 = new Float64Array(size); scratchX1 = new Float64Array(size); scratchY0 = new Float64Array(size); scratchY1 = new Float64Array(size);
}
