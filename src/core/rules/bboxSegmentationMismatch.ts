import { isJsonObject } from '../coco/document';
import { locate } from '../coco/locate';
import { replaceRange } from '../edits/jsonEdits';
import { annotationName, boxIou, finiteBbox, formatBox, idsOf, maskArea, maskBox, maskSourceOf, setAreaEdit } from './segmentationShared';
import type { Rule } from './types';

export const bboxSegmentationMismatch: Rule = {
  id: 'coco/bbox-segmentation-mismatch',
  defaultSeverity: 'warning',
  description: "An annotation's bbox does not match its segmentation's extent (IoU below 0.9 and an edge more than 1 px off, by default).",
  why: 'Box detectors train on bbox and mask heads on segmentation: when they disagree the two heads learn different objects, COCOeval bbox and segm scores diverge, and crops or mosaics cut by the box lose part of the mask. A box left over after editing the polygon, or written as [x1, y1, x2, y2], is the usual cause.',
  example: { bad: '"bbox": [0, 0, 50, 50], "segmentation": [[10, 10, 30, 10, 30, 30, 10, 30]]', good: '"bbox": [10, 10, 20, 20], "segmentation": [[10, 10, 30, 10, 30, 30, 10, 30]]' },
  defaultOptions: { minIou: 0.9, tolerance: 1 },
  check(ctx) {
    const minIou = typeof ctx.options.minIou === 'number' ? ctx.options.minIou : 0.9;
    // Boxes of tiny objects whose edges all lie within `tolerance` px (a mask-rasterized box
    // vs. polygon extents) are never reported, whatever their IoU.
    const tol = typeof ctx.options.tolerance === 'number' && ctx.options.tolerance >= 0 ? ctx.options.tolerance : 1;
    const doc = ctx.doc;
    for (const entry of doc.annotationEntries) {
      const ann = entry.value;
      if (!isJsonObject(ann)) continue;
      const bbox = finiteBbox(ann.bbox);
      if (!bbox) continue;
      const src = maskSourceOf(doc, ann);
      if (!src) continue;
      const segBox = maskBox(src);
      if (!(segBox[2] > 0 && segBox[3] > 0)) continue; // empty / degenerate mask: other rules
      const iou = boxIou(bbox, segBox);
      if (iou >= minIou || edgesWithin(bbox, segBox, tol)) continue;
      ctx.report({
        message: `${annotationName(ann)}: bbox ${formatBox(bbox)} does not match its ${src.kind === 'rle' ? 'RLE mask' : 'polygons'}, which span ${formatBox(segBox)} (IoU ${iou.toFixed(2)}).`,
        at: ctx.place('annotations', entry, ['bbox']),
        ...idsOf(ann),
        data: { index: entry.index },
      });
    }
  },
  fix(doc, problem) {
    const index = (problem.data as { index?: number } | undefined)?.index;
    const entry = index === undefined ? undefined : doc.annotationEntries[index];
    if (!entry || !isJsonObject(entry.value)) return undefined;
    const src = maskSourceOf(doc, entry.value);
    const r = locate(doc, entry, ['bbox']);
    if (!src || !r) return undefined;
    const box = maskBox(src);
    if (!(box[2] > 0 && box[3] > 0)) return undefined;
    const edits = [replaceRange(r, formatBox(box))];
    const area = maskArea(src);
    if (area > 0) {
      const e = setAreaEdit(doc, entry, area);
      if (e) edits.push(e);
    }
    return { title: 'Recompute bbox and area from the segmentation', edits };
  },
};

function edgesWithin(a: readonly number[], b: readonly number[], tol: number): boolean {
  return Math.abs(a[0] - b[0]) <= tol && Math.abs(a[1] - b[1]) <= tol &&
    Math.abs(a[0] + a[2] - b[0] - b[2]) <= tol && Math.abs(a[1] + a[3] - b[1] - b[3]) <= tol;
}
