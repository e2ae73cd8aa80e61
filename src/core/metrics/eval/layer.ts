/**
 * One image of an evaluation as the viewer's prediction layer draws it (issue 12): every
 * detection COCOeval kept (area 'all', top maxDets) with its state, matched label and IoU at
 * *every* IoU threshold, and every label with the score of the detection that matched it at each
 * threshold. The viewer then picks the threshold and a minimum score without asking again:
 * COCOeval matches greedily in score order, so dropping the detections under a score changes
 * nothing for the ones above it, and a label is a false negative at (threshold t, score s)
 * exactly when it is not ignored and nothing scoring s or more matched it at t.
 * Segm detections carry their mask's outline (traced on its box only), so masks are drawn as
 * masks, not as boxes.
 */
import { maskToPolygons } from '../../geometry/contours';
import { countsToBbox, rleCounts, type Rle } from '../../geometry/rle';
import { segmentationKind, segmentationToRle } from '../../geometry/segmentation';
import { computeIou } from './iou';
import type { EvalResult } from './index';
import type { EvalDt, EvalGt } from './prepare';

export interface EvalLayerGeometry {
  bbox: [number, number, number, number];
  /** Outline rings in image pixels (polygons, or a traced mask); absent: draw the box. */
  rings?: number[][];
}

export interface EvalLayerDetection extends EvalLayerGeometry {
  /** loadRes id (position in the results list + 1). */
  id: number;
  categoryId: number;
  score: number;
  /** Per IoU threshold: 0 ignored (matched a crowd or ignored label), 1 true positive, 2 false positive. */
  state: number[];
  /** Per threshold: IoU (OKS for keypoints) with the matched label, else the best with any label of its class. */
  iou: number[];
  /** Per threshold: the matched label's annotation id, null when unmatched. */
  matched: (number | string | null)[];
}

export interface EvalLayerLabel extends EvalLayerGeometry {
  annotationId: number | string;
  categoryId: number;
  /** Crowd (or no keypoints): never a false negative. */
  ignore: boolean;
  /** Per threshold: the score of the true positive that matched it, -1 when none did. */
  matchScore: number[];
}

export interface EvalLayer {
  iouType: 'bbox' | 'segm' | 'keypoints';
  iouThrs: number[];
  /** The threshold the report analyses at (the layer's default). */
  iou: number;
  detections: EvalLayerDetection[];
  labels: EvalLayerLabel[];
}

const box4 = (b: number[]): [number, number, number, number] => [b[0], b[1], b[2], b[3]];

/** Outline of a mask, traced on its box only (cost follows the object, not the image). */
export function rleOutline(rle: Rle, tolerance = 0.5): number[][] {
  const [h, w] = rle.size;
  const counts = rleCounts(rle);
  const [x0, y0, bw, bh] = countsToBbox(counts, h, w);
  if (!(bw > 0 && bh > 0)) return [];
  const crop = new Uint8Array(bw * bh);
  let p = 0;
  for (let i = 0; i < counts.length; i++) {
    if (i % 2 === 1) {
      for (let q = p; q < p + counts[i]; q++) {
        const x = Math.floor(q / h) - x0;
        const y = (q % h) - y0;
        crop[y * bw + x] = 1;
      }
    }
    p += counts[i];
  }
  return maskToPolygons(crop, bh, bw, { tolerance }).map((r) => r.map((v, k) => (k % 2 === 0 ? v + x0 : v + y0)));
}

function ringsOf(o: EvalDt | EvalGt, h: number, w: number): number[][] | undefined {
  const seg = o.segmentation;
  if (seg === undefined) return undefined;
  const kind = segmentationKind(seg);
  if (kind === 'polygons') return (seg as number[][]).filter((r) => r.length >= 6);
  const rle = segmentationToRle(seg, h, w);
  return rle ? rleOutline(rle) : undefined;
}

export function evalLayer(result: EvalResult, imageIdx: number): EvalLayer | undefined {
  const prep = result.prepared;
  const task = prep.tasks[imageIdx];
  if (!task) return undefined;
  const params = prep.params;
  const T = params.iouThrs.length;
  const segm = params.iouType === 'segm';
  const dtById = new Map(task.dts.map((d) => [d.id, d]));
  const gtByIndex = new Map(task.gts.map((g) => [g.index, g]));
  const detections: EvalLayerDetection[] = [];
  const labels: EvalLayerLabel[] = [];
  for (const e of result.evals) {
    if (e.imageIdx !== imageIdx) continue;
    const dts = Array.from(e.dtIds, (id) => dtById.get(id)!);
    const gts = Array.from(e.gtIndex, (i) => gtByIndex.get(i)!);
    const D = dts.length;
    const ious = computeIou(params, gts, dts, task.height, task.width);
    const categoryId = prep.catIds[e.catIdx];
    const matchScore = gts.map(() => new Array<number>(T).fill(-1));
    dts.forEach((dt, d) => {
      const state: number[] = [];
      const iou: number[] = [];
      const matched: (number | string | null)[] = [];
      for (let t = 0; t < T; t++) {
        const s = e.areas[0].state[t * D + d];
        const m = e.matchAll[t * D + d];
        state.push(s);
        iou.push(m >= 0 ? ious[d][m] : e.bestIou[d]);
        matched.push(m >= 0 ? gts[m].id : null);
        if (m >= 0 && s === 1) matchScore[m][t] = dt.score;
      }
      detections.push({ id: dt.id, categoryId, score: dt.score, bbox: box4(dt.bbox), ...(segm ? { rings: ringsOf(dt, task.height, task.width) } : {}), state, iou, matched });
    });
    gts.forEach((g, k) => {
      labels.push({ annotationId: g.id, categoryId, ignore: g.ignore, bbox: box4(g.bbox), ...(segm ? { rings: ringsOf(g, task.height, task.width) } : {}), matchScore: matchScore[k] });
    });
  }
  return { iouType: params.iouType, iouThrs: [...params.iouThrs], iou: result.analysis.iou, detections, labels };
}
