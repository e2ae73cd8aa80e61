import { INSTANCE_KINDS } from '../coco/kind';
import type { JsonObject } from '../coco/document';
import { F_ALL_USABLE, SEG_POLYGONS, SEG_RLE, segmentationFacts } from '../ruleKit/facts';
import { locate } from '../coco/locate';
import { replaceRange } from '../edits/jsonEdits';
import { annotationEntryOfData, annotationName, finiteBbox, formatBox, idsOf, maskArea, maskBox, maskSourceAt, maskSourceOf, setAreaEdit } from '../ruleKit/segmentationShared';
import type { Rule } from '../ruleKit/types';
import { SLOT_INTEGER_SIZE, boxFacts } from '../ruleKit/boxFacts';
import { B_NUMERIC, annotationFields } from '../ruleKit/annotationFields';

export const bboxSegmentationMismatch: Rule = {
  id: 'coco/bbox-segmentation-mismatch',
  defaultSeverity: 'warning',
  usesFacts: true,
  scope: 'annotation',
  kinds: INSTANCE_KINDS,
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
    // Locals: imported bindings are property getters in CommonJS output, not free in a hot loop.
    const _SEG_POLYGONS = SEG_POLYGONS;
    const _SEG_RLE = SEG_RLE;
    const _F_ALL_USABLE = F_ALL_USABLE;
    const facts = segmentationFacts(doc);
    const entries = doc.annotationEntries;
    const { boxFlags, x: bx, y: by, w: bw, h: bh } = annotationFields(doc);
    // slotW > 0 as one byte per slot (boxFacts): slots are looked up in random order.
    const { slotFlags } = boxFacts(doc);
    const _SLOT_INTEGER_SIZE = SLOT_INTEGER_SIZE;
    const _B_NUMERIC = B_NUMERIC;
    for (let a = 0; a < facts.count; a++) {
      const kind = facts.kind[a];
      if (kind !== _SEG_POLYGONS && kind !== _SEG_RLE) continue; // no mask source
      const slot = facts.imageSlot[a];
      if (kind === _SEG_POLYGONS && ((facts.flags[a] & _F_ALL_USABLE) === 0 || !(slot >= 0 && (slotFlags[slot] & _SLOT_INTEGER_SIZE) !== 0))) continue;
      // finiteBbox on the shared pass's box columns: 4 finite numbers, width and height ≥ 0.
      if ((boxFlags[a] & _B_NUMERIC) === 0) continue;
      const b0 = bx[a], b1 = by[a], b2 = bw[a], b3 = bh[a];
      if (b2 < 0 || b3 < 0) continue;
      let isRle = false;
      let sx: number, sy: number, sw: number, sh: number;
      if (kind === _SEG_POLYGONS) {
        // maskBox of usable polygons: their vertex extents, kept by the facts.
        sx = facts.minX[a]; sy = facts.minY[a]; sw = facts.maxX[a] - sx; sh = facts.maxY[a] - sy;
      } else {
        // Cached: coco/area-mismatch measures the same RLEs.
        const src = maskSourceAt(doc, a);
        if (!src) continue;
        const b = maskBox(src);
        sx = b[0]; sy = b[1]; sw = b[2]; sh = b[3];
        isRle = src.kind === 'rle';
      }
      if (!(sw > 0 && sh > 0)) continue; // empty / degenerate mask: other rules
      const iou = iouXywh(b0, b1, b2, b3, sx, sy, sw, sh);
      if (iou >= minIou || edgesWithin(b0, b1, b2, b3, sx, sy, sw, sh, tol)) continue;
      const entry = entries[a];
      const ann = entry.value as JsonObject;
      const bbox = finiteBbox(ann.bbox)!;
      const segBox = [sx, sy, sw, sh];
      ctx.report({
        message: `${annotationName(ann, entry.index)}: bbox ${formatBox(bbox)} does not match its ${isRle ? 'RLE mask' : 'polygons'}, which span ${formatBox(segBox)} (IoU ${iou.toFixed(2)}).`,
        at: ctx.place('annotations', entry, ['bbox']),
        ...idsOf(ann),
        data: { index: entry.index },
      });
    }
  },
  fix(doc, problem) {
    const entry = annotationEntryOfData(doc, problem);
    if (!entry) return undefined;
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

function edgesWithin(a0: number, a1: number, a2: number, a3: number, b0: number, b1: number, b2: number, b3: number, tol: number): boolean {
  return Math.abs(a0 - b0) <= tol && Math.abs(a1 - b1) <= tol &&
    Math.abs(a0 + a2 - b0 - b2) <= tol && Math.abs(a1 + a3 - b1 - b3) <= tol;
}

/** boxIou (segmentationShared) on scalars, same arithmetic, nothing allocated. */
function iouXywh(a0: number, a1: number, a2: number, a3: number, b0: number, b1: number, b2: number, b3: number): number {
  const iw = Math.min(a0 + a2, b0 + b2) - Math.max(a0, b0);
  if (!(iw > 0)) return 0;
  const ih = Math.min(a1 + a3, b1 + b3) - Math.max(a1, b1);
  if (!(ih > 0)) return 0;
  const i = iw * ih;
  return i / (a2 * a3 + b2 * b3 - i);
}
