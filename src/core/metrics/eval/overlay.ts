/**
 * What the viewer draws for one image after an evaluation: each detection as a true or false
 * positive and each missed label as a false negative, at one of the IoU thresholds, exactly as
 * COCOeval decided (area 'all', largest maxDets). Ignored detections (on crowds) are left out.
 */
import type { EvalResult } from './index';

/** What one prediction or label is at the chosen IoU, for drawing it over the image. */
export interface EvalOverlayItem {
  kind: 'tp' | 'fp' | 'fn';
  categoryId: number;
  bbox: [number, number, number, number];
  score?: number;
  /** tp: the matched label's annotation id; fn: the missed label's. */
  annotationId?: number | string;
  /** Detections: the best IoU with a label of their class. */
  iou?: number;
}

export function evalOverlay(result: EvalResult, imageIdx: number, iou = result.analysis.iou): EvalOverlayItem[] {
  const prep = result.prepared;
  const t = prep.params.iouThrs.indexOf(iou);
  const task = prep.tasks[imageIdx];
  if (t < 0 || !task) return [];
  const dtById = new Map(task.dts.map((d) => [d.id, d]));
  const gtByIndex = new Map(task.gts.map((g) => [g.index, g]));
  const items: EvalOverlayItem[] = [];
  for (const e of result.evals) {
    if (e.imageIdx !== imageIdx) continue;
    const D = e.dtIds.length;
    const found = new Set<number>();
    for (let d = 0; d < D; d++) {
      const s = e.areas[0].state[t * D + d];
      const dt = dtById.get(e.dtIds[d])!;
      const m = e.matchAll[t * D + d];
      const bbox = dt.bbox.slice(0, 4) as [number, number, number, number];
      if (m >= 0) found.add(e.gtIndex[m]);
      if (s === 0) continue;
      items.push(s === 1
        ? { kind: 'tp', categoryId: prep.catIds[e.catIdx], bbox, score: dt.score, annotationId: gtByIndex.get(e.gtIndex[m])?.id, iou: e.bestIou[d] }
        : { kind: 'fp', categoryId: prep.catIds[e.catIdx], bbox, score: dt.score, iou: e.bestIou[d] });
    }
    for (const gi of e.gtIndex) {
      const g = gtByIndex.get(gi)!;
      if (g.ignore || found.has(gi)) continue;
      items.push({ kind: 'fn', categoryId: prep.catIds[e.catIdx], bbox: g.bbox.slice(0, 4) as [number, number, number, number], annotationId: g.id });
    }
  }
  return items;
}

/** Image ids with a label or a detection of the category (for "filter the grid to this class"). */
export function imagesOfCategory(result: EvalResult, categoryId: number): (number | string)[] {
  const k = result.prepared.catIds.indexOf(categoryId);
  const seen = new Set<number>();
  for (const e of result.evals) if (e.catIdx === k) seen.add(e.imageIdx);
  return [...seen].sort((a, b) => a - b).map((i) => result.prepared.imageIds[i]);
}
