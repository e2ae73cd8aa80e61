/** Boxes are COCO [x, y, w, h]. */
export type Bbox = [number, number, number, number];

export function bboxArea(b: ArrayLike<number>): number {
  return b[2] * b[3];
}

/** Four finite numbers with non-negative width and height. */
export function isFiniteBbox(b: unknown): b is Bbox {
  return (
    Array.isArray(b) &&
    b.length === 4 &&
    b.every((v) => typeof v === 'number' && Number.isFinite(v)) &&
    b[2] >= 0 &&
    b[3] >= 0
  );
}

/**
 * IoU matrix of boxes like pycocotools `iou` on boxes (maskApi bbIou): result[d][g].
 * Crowd gt: intersection / area(dt). Non-overlapping (or touching) boxes give 0.
 */
export function bboxIou(
  dt: ArrayLike<ArrayLike<number>>,
  gt: ArrayLike<ArrayLike<number>>,
  iscrowd?: ArrayLike<boolean | number>,
): number[][] {
  const m = dt.length;
  const n = gt.length;
  const o: number[][] = [];
  for (let d = 0; d < m; d++) o.push(new Array<number>(n).fill(0));
  for (let g = 0; g < n; g++) {
    const G = gt[g];
    const ga = G[2] * G[3];
    const crowd = !!iscrowd && !!iscrowd[g];
    for (let d = 0; d < m; d++) {
      const D = dt[d];
      const da = D[2] * D[3];
      const w = fmin(D[2] + D[0], G[2] + G[0]) - fmax(D[0], G[0]);
      if (w <= 0) continue;
      const h = fmin(D[3] + D[1], G[3] + G[1]) - fmax(D[1], G[1]);
      if (h <= 0) continue;
      const i = w * h;
      const u = crowd ? da : da + ga - i;
      o[d][g] = i / u;
    }
  }
  return o;
}

/** C99 fmin/fmax: a NaN argument is ignored (Math.min would return NaN). */
function fmin(a: number, b: number): number {
  return a !== a ? b : b !== b ? a : a < b ? a : b;
}
function fmax(a: number, b: number): number {
  return a !== a ? b : b !== b ? a : a > b ? a : b;
}
