import { INSTANCE_KINDS } from '../coco/kind';
import type { JsonObject } from '../coco/document';
import { B_NUMERIC, boxFacts } from '../ruleKit/boxFacts';
import { F_ALL_USABLE, SEG_POLYGONS, SEG_RLE, segmentationFacts } from '../ruleKit/facts';
import { annotationEntryOfData, annotationName, formatNumber, idsOf, recomputedArea, setAreaEdit } from '../ruleKit/segmentationShared';
import type { Rule } from '../ruleKit/types';
import { FIELD_SHIFT, T_INTEGER, T_NUMBER, annotationFields } from '../ruleKit/annotationFields';

export const areaBboxMismatch: Rule = {
  id: 'coco/area-bbox-mismatch',
  defaultSeverity: 'warning',
  usesFacts: true,
  scope: 'annotation',
  kinds: INSTANCE_KINDS,
  description: 'An annotation\'s "area" is larger than its bbox\'s w × h (impossible), or — without a mask — differs from w × h (by more than 10% and 2 px by default).',
  why: 'COCOeval sorts ground truth into small / medium / large by the stored area: a box-only annotation whose area is the whole image\'s lands in "large" and APs / APm come out -1 or wrong. Real box-only exports (Roboflow, CVAT, VisDrone) store w × h, which is also what pycocotools\' loadRes computes for boxes; no mask can cover more than its box.',
  example: { bad: '"bbox": [10, 20, 30, 40], "segmentation": [], "area": 307200', good: '"bbox": [10, 20, 30, 40], "segmentation": [], "area": 1200' },
  defaultOptions: { relTolerance: 0.1, absTolerance: 2 },
  check(ctx) {
    const rel = typeof ctx.options.relTolerance === 'number' ? ctx.options.relTolerance : 0.1;
    const abs = typeof ctx.options.absTolerance === 'number' ? ctx.options.absTolerance : 2;
    // The shared facts: numeric boxes and segmentation kinds, without re-reading each annotation.
    const box = boxFacts(ctx.doc);
    const seg = segmentationFacts(ctx.doc);
    const _B_NUMERIC = B_NUMERIC, _SEG_POLYGONS = SEG_POLYGONS, _SEG_RLE = SEG_RLE, _F_ALL_USABLE = F_ALL_USABLE;
    const entries = ctx.doc.annotationEntries;
    // The area from the shared pass over the annotations (a finite number there, or not).
    const fields = annotationFields(ctx.doc);
    const areaShift = FIELD_SHIFT.area, _T_INTEGER = T_INTEGER, _T_NUMBER = T_NUMBER;
    for (let a = 0; a < box.count; a++) {
      if ((box.flags[a] & _B_NUMERIC) === 0) continue; // coco/bbox-invalid
      const bw = box.w[a], bh = box.h[a];
      if (!(bw > 0 && bh > 0)) continue; // coco/bbox-non-positive
      const areaType = (fields.types[a] >>> areaShift) & 15;
      if (areaType !== _T_INTEGER && areaType !== _T_NUMBER) continue; // coco/wrong-type, coco/non-finite-number
      const area = fields.area[a];
      if (area <= 0) continue; // coco/area-invalid
      const boxArea = bw * bh;
      const kind = seg.kind[a];
      const hasMask = (kind === _SEG_POLYGONS && (seg.flags[a] & _F_ALL_USABLE) !== 0) || kind === _SEG_RLE;
      const tol = Math.max(abs, rel * boxArea);
      // A mask lies inside its box (pixels, so up to a pixel's rounding on each side).
      const tooLarge = area > boxArea + Math.max(abs, 2 * (bw + bh) + 4);
      if (hasMask ? !tooLarge : Math.abs(area - boxArea) <= tol) continue;
      const entry = entries[a];
      const ann = entry.value as JsonObject;
      const b = [box.x[a], box.y[a], bw, bh];
      const pct = Math.round((Math.abs(area - boxArea) / boxArea) * 100);
      ctx.report({
        message: tooLarge
          ? `${annotationName(ann, entry.index)}: area ${formatNumber(area)} is larger than its box (${formatNumber(b[2])} × ${formatNumber(b[3])} = ${formatNumber(boxArea)}), which no object inside the box can cover (+${pct}%).`
          : `${annotationName(ann, entry.index)} has no mask and area ${formatNumber(area)}, but its box is ${formatNumber(b[2])} × ${formatNumber(b[3])} = ${formatNumber(boxArea)} (${area > boxArea ? '+' : '-'}${pct}%); COCOeval picks small / medium / large by the stored area.`,
        at: ctx.place('annotations', entry, ['area']),
        ...idsOf(ann),
        data: { index: entry.index, boxArea, hasMask },
      });
    }
  },
  fix(doc, problem) {
    const data = problem.data as { boxArea?: number; hasMask?: boolean } | undefined;
    const entry = annotationEntryOfData(doc, problem);
    if (!entry || typeof data?.boxArea !== 'number' || !(data.boxArea > 0)) return undefined;
    // With a mask the area is the mask's (as pycocotools rasterizes it); without, the box's w × h.
    const area = data.hasMask ? recomputedArea(doc, entry.value) : { value: data.boxArea, from: 'bbox' as const };
    if (!area || !(area.value > 0)) return undefined;
    const edit = setAreaEdit(doc, entry, area.value);
    return edit ? { title: area.from === 'bbox' ? `Set area to the box's w × h (${formatNumber(area.value)})` : `Recompute area from the segmentation (${formatNumber(area.value)})`, edits: [edit] } : undefined;
  },
};
