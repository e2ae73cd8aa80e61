/**
 * COCOeval.computeIoU / computeOks for one image and one category. Detections arrive sorted by
 * score (stable) and truncated to the largest maxDets, as computeIoU does; the result is
 * `ious[d][g]` with ground truths in file order. IoUs come from `core/geometry` (pycocotools'
 * maskApi semantics: crowd IoU = intersection / detection area).
 */
import { bboxIou } from '../../geometry/bbox';
import { rleIou, type Rle } from '../../geometry/rle';
import { segmentationToRle } from '../../geometry/segmentation';
import { npSum } from './numpy';
import type { EvalParams } from './params';
import type { EvalDt, EvalGt } from './prepare';

/** np.spacing(1) */
export const EPS = 2.220446049250313e-16;

export function computeIou(params: EvalParams, gts: EvalGt[], dts: EvalDt[], height: number, width: number, rleCache?: Map<object, Rle>): number[][] {
  if (gts.length === 0 || dts.length === 0) return [];
  const iscrowd = gts.map((g) => g.iscrowd);
  if (params.iouType === 'segm') {
    const toRle = (o: EvalGt | EvalDt): Rle => {
      const hit = rleCache?.get(o);
      if (hit) return hit;
      const r = segmentationToRle(o.segmentation, height, width) ?? { size: [height, width] as [number, number], counts: [height * width] };
      rleCache?.set(o, r);
      return r;
    };
    return rleIou(dts.map(toRle), gts.map(toRle), iscrowd);
  }
  if (params.iouType === 'bbox') return bboxIou(dts.map((d) => d.bbox), gts.map((g) => g.bbox), iscrowd);
  return computeOks(params.kptOksSigmas, gts, dts);
}

/** Object keypoint similarity, cocoeval.py computeOks, operation for operation. */
export function computeOks(sigmas: number[], gts: EvalGt[], dts: EvalDt[]): number[][] {
  if (gts.length === 0 || dts.length === 0) return [];
  const k = sigmas.length;
  const vars = sigmas.map((s) => (s * 2) * (s * 2));
  const ious: number[][] = dts.map(() => new Array<number>(gts.length).fill(0));
  const e = new Float64Array(k);
  for (let j = 0; j < gts.length; j++) {
    const gt = gts[j];
    const g = gt.keypoints ?? new Array<number>(3 * k).fill(0);
    let k1 = 0;
    for (let i = 0; i < k; i++) if (g[3 * i + 2] > 0) k1++;
    const bb = gt.bbox;
    const x0 = bb[0] - bb[2], x1 = bb[0] + bb[2] * 2;
    const y0 = bb[1] - bb[3], y1 = bb[1] + bb[3] * 2;
    const denom = gt.area + EPS;
    for (let i = 0; i < dts.length; i++) {
      const d = dts[i].keypoints!;
      let n = 0;
      for (let q = 0; q < k; q++) {
        const xd = d[3 * q], yd = d[3 * q + 1];
        let dx: number, dy: number;
        if (k1 > 0) {
          if (!(g[3 * q + 2] > 0)) continue;
          dx = xd - g[3 * q];
          dy = yd - g[3 * q + 1];
        } else {
          dx = Math.max(0, x0 - xd) + Math.max(0, xd - x1);
          dy = Math.max(0, y0 - yd) + Math.max(0, yd - y1);
        }
        e[n++] = Math.exp(-((dx * dx + dy * dy) / vars[q] / denom / 2));
      }
      ious[i][j] = npSum(e.subarray(0, n)) / n;
    }
  }
  return ious;
}
