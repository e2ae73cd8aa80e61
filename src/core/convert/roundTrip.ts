/**
 * Round-trip fidelity: the written files are read back into COCO and every source object is
 * compared with its counterpart — mask IoU where both hold masks (pycocotools' rasterization),
 * box IoU and the largest box-corner shift otherwise. Matching is per image (by file name) and
 * category, greedy by IoU, cheapest test first: boxes that don't overlap are never rasterized.
 */
import { bboxIou } from '../geometry/bbox';
import { countsIou, rleCounts } from '../geometry/rle';
import { basename, categoryNames, type CocoAnnotation, type CocoDataset } from './model';
import { segmentationRle } from './shapes';

export interface ObjectFidelity {
  imageId: number;
  file: string;
  annotationId: number;
  category: string;
  /** Mask IoU when both sides hold a mask, else box IoU; 0 when the object did not come back. */
  iou: number;
  kind: 'mask' | 'box' | 'missing';
  /** Largest shift of a box edge in pixels (undefined when missing). */
  boxShift?: number;
}

export interface RoundTripSummary {
  objects: number;
  matched: number;
  missing: number;
  maskObjects: number;
  meanMaskIou: number | null;
  minMaskIou: number | null;
  meanBoxIou: number | null;
  minBoxIou: number | null;
  maxBoxShiftPx: number | null;
  /** Objects whose box moved more than 1 px. */
  boxesOver1px: number;
  worst: ObjectFidelity[];
  /** Read back but matched by no source object (e.g. split parts). */
  extraObjects: number;
}

const keyOf = (fileName: string) => basename(fileName.replace(/\\/g, '/')).replace(/\.[^.]+$/, '').toLowerCase();

const hasMask = (a: CocoAnnotation) => a.segmentation !== undefined && (!Array.isArray(a.segmentation) || a.segmentation.length > 0);

export function compareRoundTrip(source: CocoDataset, back: CocoDataset, opts: { worst?: number; masks?: boolean } = {}): { summary: RoundTripSummary; objects: ObjectFidelity[] } {
  const wantMasks = opts.masks !== false;
  const srcNames = categoryNames(source);
  const backNames = categoryNames(back);
  const backImages = new Map<string, number>();
  for (const img of back.images) backImages.set(keyOf(img.file_name), img.id);
  const backByImage = new Map<number, CocoAnnotation[]>();
  for (const a of back.annotations) {
    const l = backByImage.get(a.image_id) ?? [];
    l.push(a);
    backByImage.set(a.image_id, l);
  }
  const srcByImage = new Map<number, CocoAnnotation[]>();
  for (const a of source.annotations) {
    const l = srcByImage.get(a.image_id) ?? [];
    l.push(a);
    srcByImage.set(a.image_id, l);
  }
  const objects: ObjectFidelity[] = [];
  let extra = 0;
  for (const img of source.images) {
    const src = srcByImage.get(img.id) ?? [];
    const backId = backImages.get(keyOf(img.file_name));
    const cand = backId !== undefined ? backByImage.get(backId) ?? [] : [];
    const H = img.height, W = img.width;
    // all pairs of the same category with overlapping boxes, scored
    const pairs: { s: number; b: number; iou: number; kind: 'mask' | 'box' }[] = [];
    const boxIous = src.length && cand.length ? bboxIou(src.map((a) => a.bbox), cand.map((a) => a.bbox)) : [];
    const rleCache = new Map<CocoAnnotation, number[]>();
    const countsOf = (a: CocoAnnotation) => {
      let c = rleCache.get(a);
      if (!c) rleCache.set(a, (c = rleCounts(segmentationRle(a.segmentation!, H, W))));
      return c;
    };
    for (let s = 0; s < src.length; s++) {
      for (let b = 0; b < cand.length; b++) {
        if (srcNames.get(src[s].category_id) !== backNames.get(cand[b].category_id)) continue;
        const bi = boxIous[s][b];
        if (!(bi > 0)) continue;
        if (wantMasks && hasMask(src[s]) && hasMask(cand[b]) && W > 0 && H > 0) pairs.push({ s, b, iou: countsIou(countsOf(src[s]), countsOf(cand[b])), kind: 'mask' });
        else pairs.push({ s, b, iou: bi, kind: 'box' });
      }
    }
    pairs.sort((x, y) => y.iou - x.iou);
    const sDone = new Set<number>(), bDone = new Set<number>();
    const result = new Map<number, ObjectFidelity>();
    for (const p of pairs) {
      if (sDone.has(p.s) || bDone.has(p.b)) continue;
      sDone.add(p.s); bDone.add(p.b);
      const A = src[p.s].bbox, B = cand[p.b].bbox;
      const shift = Math.max(Math.abs(A[0] - B[0]), Math.abs(A[1] - B[1]), Math.abs(A[0] + A[2] - B[0] - B[2]), Math.abs(A[1] + A[3] - B[1] - B[3]));
      result.set(p.s, { imageId: img.id, file: img.file_name, annotationId: src[p.s].id, category: srcNames.get(src[p.s].category_id) ?? '', iou: p.iou, kind: p.kind, boxShift: shift });
    }
    for (let s = 0; s < src.length; s++) {
      objects.push(result.get(s) ?? { imageId: img.id, file: img.file_name, annotationId: src[s].id, category: srcNames.get(src[s].category_id) ?? '', iou: 0, kind: 'missing' });
    }
    extra += cand.length - bDone.size;
  }
  const masks = objects.filter((o) => o.kind === 'mask').map((o) => o.iou);
  const boxes = objects.filter((o) => o.kind === 'box').map((o) => o.iou);
  const shifts = objects.filter((o) => o.boxShift !== undefined).map((o) => o.boxShift!);
  const mean = (l: number[]) => (l.length ? l.reduce((x, y) => x + y, 0) / l.length : null);
  const min = (l: number[]) => (l.length ? l.reduce((x, y) => Math.min(x, y), Infinity) : null);
  const worst = [...objects].sort((a, b) => a.iou - b.iou).slice(0, opts.worst ?? 20);
  return {
    objects,
    summary: {
      objects: objects.length,
      matched: objects.filter((o) => o.kind !== 'missing').length,
      missing: objects.filter((o) => o.kind === 'missing').length,
      maskObjects: masks.length,
      meanMaskIou: mean(masks),
      minMaskIou: min(masks),
      meanBoxIou: mean(boxes),
      minBoxIou: min(boxes),
      maxBoxShiftPx: shifts.length ? shifts.reduce((x, y) => Math.max(x, y), 0) : null,
      boxesOver1px: shifts.filter((s) => s > 1).length,
      worst,
      extraObjects: extra,
    },
  };
}
