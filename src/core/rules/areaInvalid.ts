import { INSTANCE_KINDS } from '../coco/kind';
import type { JsonObject } from '../coco/document';
import { annotationEntryOfData, annotationName, formatNumber, idsOf, recomputedArea, setAreaEdit } from '../ruleKit/segmentationShared';
import type { Rule } from '../ruleKit/types';
import { A_OBJECT, FIELD_SHIFT, T_ABSENT, T_INTEGER, T_NUMBER, annotationFields } from '../ruleKit/annotationFields';

export const areaInvalid: Rule = {
  id: 'coco/area-invalid',
  defaultSeverity: 'error',
  scope: 'annotation',
  kinds: INSTANCE_KINDS,
  description: 'An annotation\'s "area" is missing, zero or negative.',
  why: "COCOeval reads g['area'] for every ground-truth object to pick its area range: a missing area raises KeyError; area 0 files the object under \"small\" whatever its size (it is still evaluated, in \"all\" too), a negative area falls outside every range and is ignored; mmdetection's CocoDataset skips objects with area <= 0 when training.",
  example: { bad: '"bbox": [10, 20, 30, 40], "area": 0', good: '"bbox": [10, 20, 30, 40], "area": 1200' },
  check(ctx) {
    // Locals: imported bindings are property getters in CommonJS output (tsx, tests), not free in a hot loop.
    const _A_OBJECT = A_OBJECT, _T_ABSENT = T_ABSENT, _T_INTEGER = T_INTEGER, _T_NUMBER = T_NUMBER;
    // Cheap first (the shared pass): only an object whose area is missing, or a finite number
    // that is not positive, is read again.
    const fields = annotationFields(ctx.doc);
    const entries = ctx.doc.annotationEntries;
    const shift = FIELD_SHIFT.area;
    for (let a = 0; a < fields.count; a++) {
      const t = fields.types[a];
      if ((t & _A_OBJECT) === 0) continue;
      const code = (t >>> shift) & 15;
      if (code !== _T_ABSENT && !((code === _T_INTEGER || code === _T_NUMBER) && !(fields.area[a] > 0))) continue;
      const entry = entries[a];
      const ann = entry.value as JsonObject;
      if (!('area' in ann)) {
        ctx.report({
          message: `${annotationName(ann, entry.index)} has no "area": COCOeval raises KeyError on it (pycocotools only computes areas for results, not for ground truth).`,
          at: ctx.place('annotations', entry),
          ...idsOf(ann),
          data: { index: entry.index },
        });
        continue;
      }
      const area = ann.area;
      // Non-numbers are coco/wrong-type's, NaN and Infinity coco/non-finite-number's.
      if (typeof area !== 'number' || !Number.isFinite(area) || area > 0) continue;
      ctx.report({
        message: `${annotationName(ann, entry.index)} has area ${formatNumber(area)}: an object's area must be positive; ${area === 0 ? 'COCOeval files it under "small" whatever its size' : 'COCOeval ignores it in every area range'}, and mmdetection drops it from training.`,
        at: ctx.place('annotations', entry, ['area']),
        ...idsOf(ann),
        data: { index: entry.index },
      });
    }
  },
  fix(doc, problem) {
    const entry = annotationEntryOfData(doc, problem);
    if (!entry) return undefined;
    const area = recomputedArea(doc, entry.value);
    if (!area || !(area.value > 0)) return undefined;
    const edit = setAreaEdit(doc, entry, area.value);
    if (!edit) return undefined;
    return { title: `Set area to ${formatNumber(area.value)} (computed from the ${area.from})`, edits: [edit] };
  },
};
