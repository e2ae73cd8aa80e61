import { INSTANCE_KINDS } from '../coco/kind';
import type { JsonObject } from '../coco/document';
import { polygonsMaskArea } from '../geometry';
import { AREA_MISMATCH_DEFAULTS, F_ALL_USABLE, F_BOXES_OVERLAP, SEG_POLYGONS, SEG_RLE, polygonAreaSuspect, segmentationFacts } from '../ruleKit/facts';
import { annotationEntryOfData, annotationName, cheapArea, formatNumber, idsOf, maskArea, maskSourceAt, maskSourceOf, setAreaEdit } from '../ruleKit/segmentationShared';
import type { Rule } from '../ruleKit/types';
import { SLOT_INTEGER_SIZE, boxFacts } from '../ruleKit/boxFacts';
import { FIELD_SHIFT, T_INTEGER, T_NUMBER, annotationFields } from '../ruleKit/annotationFields';

export const areaMismatch: Rule = {
  id: 'coco/area-mismatch',
  defaultSeverity: 'warning',
  usesFacts: true,
  scope: 'annotation',
  kinds: INSTANCE_KINDS,
  description: 'An annotation\'s "area" differs from the area of its own mask (by more than 10% and 2 px by default).',
  why: "COCOeval sorts objects into small / medium / large by the stored area, not the mask: a wrong area moves objects between APs, APm and APl and ignores some of them; losses that weight by area (and dataset statistics) are skewed. Areas copied from the bbox, or left over after editing a polygon, are the usual cause.",
  example: { bad: '"segmentation": [[0, 0, 10, 0, 10, 10, 0, 10]], "area": 400', good: '"segmentation": [[0, 0, 10, 0, 10, 10, 0, 10]], "area": 100' },
  defaultOptions: { ...AREA_MISMATCH_DEFAULTS },
  check(ctx) {
    const rel = typeof ctx.options.relTolerance === 'number' ? ctx.options.relTolerance : AREA_MISMATCH_DEFAULTS.relTolerance;
    const abs = typeof ctx.options.absTolerance === 'number' ? ctx.options.absTolerance : AREA_MISMATCH_DEFAULTS.absTolerance;
    const tol = (m: number) => Math.max(abs, rel * m);
    const doc = ctx.doc;
    // Locals: imported bindings are property getters in CommonJS output, not free in a hot loop.
    const _SEG_POLYGONS = SEG_POLYGONS;
    const _SEG_RLE = SEG_RLE;
    const _F_ALL_USABLE = F_ALL_USABLE;
    const _F_BOXES_OVERLAP = F_BOXES_OVERLAP;
    const facts = segmentationFacts(doc);
    // Rasterized already by the scan worker (CLI), NaN where it did not: same function, same input.
    const rasterized = facts.polygonMaskArea;
    const entries = doc.annotationEntries;
    const { types, area: areas } = annotationFields(doc);
    // slotW > 0 as one byte per slot (boxFacts): slots are looked up in random order.
    const { slotFlags } = boxFacts(doc);
    const _SLOT_INTEGER_SIZE = SLOT_INTEGER_SIZE;
    const areaShift = FIELD_SHIFT.area, _T_INTEGER = T_INTEGER, _T_NUMBER = T_NUMBER;
    for (let a = 0; a < facts.count; a++) {
      const kind = facts.kind[a];
      if (kind !== _SEG_POLYGONS && kind !== _SEG_RLE) continue; // no mask source
      const fl = facts.flags[a];
      // Polygons: maskSourceOf needs every polygon usable and the image's size.
      if (kind === _SEG_POLYGONS && ((fl & _F_ALL_USABLE) === 0 || !(facts.imageSlot[a] >= 0 && (slotFlags[facts.imageSlot[a]] & _SLOT_INTEGER_SIZE) !== 0))) continue;
      // The area from the shared pass over the annotations (a finite number there, or not).
      const areaType = (types[a] >>> areaShift) & 15;
      if (areaType !== _T_INTEGER && areaType !== _T_NUMBER) continue; // coco/wrong-type, coco/non-finite-number
      const area = areas[a];
      if (area <= 0) continue; // coco/area-invalid
      // Cheap first: an RLE's area is exact; a polygon's shoelace area (from the facts) is close
      // to its rasterization, so only a clear disagreement, a tiny polygon or polygons that may
      // overlap are rasterized.
      if (kind === _SEG_POLYGONS && !polygonAreaSuspect(facts.shoelace[a], area, (fl & _F_BOXES_OVERLAP) !== 0, rel, abs)) continue;
      let mask: number;
      let isRle = false;
      if (kind === _SEG_POLYGONS) {
        // maskSourceOf's polygons and image size, as the facts established them.
        const done = rasterized !== undefined ? rasterized[a] : NaN;
        if (done === done) mask = done;
        else {
          const polys = (entries[a].value as JsonObject).segmentation as number[][];
          const slot = facts.imageSlot[a];
          mask = polygonsMaskArea(polys, facts.slotH[slot], facts.slotW[slot]);
        }
      } else {
        // Cached: coco/bbox-segmentation-mismatch measures the same RLEs.
        const src = maskSourceAt(doc, a);
        if (!src) continue;
        mask = cheapArea(src) as number;
        isRle = src.kind === 'rle';
      }
      if (mask === 0) continue; // an empty mask: the polygon rules say why
      if (Math.abs(mask - area) <= tol(mask)) continue;
      const entry = entries[a];
      const ann = entry.value as JsonObject;
      const pct = Math.round((Math.abs(area - mask) / mask) * 100);
      ctx.report({
        message: `${annotationName(ann, entry.index)}: area is ${formatNumber(area)} but its ${isRle ? 'RLE mask' : 'polygon mask (as pycocotools rasterizes it)'} covers ${mask} px (${area > mask ? '+' : '-'}${pct}%).`,
        at: ctx.place('annotations', entry, ['area']),
        ...idsOf(ann),
        data: { index: entry.index, maskArea: mask },
      });
    }
  },
  fix(doc, problem) {
    const entry = annotationEntryOfData(doc, problem);
    if (!entry) return undefined;
    const src = maskSourceOf(doc, entry.value);
    if (!src) return undefined;
    const value = maskArea(src);
    if (!(value > 0)) return undefined;
    const edit = setAreaEdit(doc, entry, value);
    return edit ? { title: `Recompute area from the segmentation (${formatNumber(value)})`, edits: [edit] } : undefined;
  },
};
