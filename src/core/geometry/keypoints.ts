/**
 * The box and area pycocotools' `COCO.loadRes` gives a keypoint result: x0, x1, y0, y1 are the
 * min and max of *every* triple's x and y (`np.min(s[0::3])` …, unlabelled (0, 0) points
 * included, exactly as loadRes slices them), bbox = [x0, y0, x1 - x0, y1 - y0], area =
 * (x1 - x0) · (y1 - y0). loadRes sets both on every keypoint result, over any stored ones.
 */
export interface KeypointsExtent {
  bbox: [number, number, number, number];
  area: number;
}

/** Undefined unless `keypoints` is at least one (x, y, v) triple of finite numbers. */
export function keypointsExtent(keypoints: unknown): KeypointsExtent | undefined {
  if (!Array.isArray(keypoints) || keypoints.length < 3) return undefined;
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let k = 0; k + 1 < keypoints.length; k += 3) {
    const x = keypoints[k] as unknown;
    const y = keypoints[k + 1] as unknown;
    if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) return undefined;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return { bbox: [x0, y0, x1 - x0, y1 - y0], area: (x1 - x0) * (y1 - y0) };
}
