import { annotationName } from '../ruleKit/segmentationShared';
import { INSTANCE_KINDS, RESULT_KINDS } from '../coco/kind';
import type { JsonObject } from '../coco/document';
import { describeJson, idOf } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';
import { B_NUMERIC, FIELD_SHIFT, T_ARRAY, annotationFields } from '../ruleKit/annotationFields';

export const bboxInvalid: Rule = {
  id: 'coco/bbox-invalid',
  defaultSeverity: 'error',
  scope: 'annotation',
  kinds: [...INSTANCE_KINDS, ...RESULT_KINDS],
  description: 'A bbox is not a list of exactly 4 finite numbers [x, y, width, height].',
  why: 'pycocotools and every converter unpack x, y, w, h = bbox: a wrong length raises ValueError, and a null, NaN or string inside makes IoU, area and normalized YOLO coordinates NaN or raises a TypeError mid-training.',
  example: { bad: '"bbox": [10, 20, null, "5"]', good: '"bbox": [10, 20, 30, 5]' },
  check(ctx) {
    // Locals: imported bindings are property getters in CommonJS output (tsx, tests), not free in a hot loop.
    const _T_ARRAY = T_ARRAY, _B_NUMERIC = B_NUMERIC;
    // Cheap first (the shared pass): only a bbox that is an array but not 4 finite numbers is read again.
    const fields = annotationFields(ctx.doc);
    const entries = ctx.doc.annotationEntries;
    const shift = FIELD_SHIFT.bbox;
    for (let a = 0; a < fields.count; a++) {
      if (((fields.types[a] >>> shift) & 15) !== _T_ARRAY || (fields.boxFlags[a] & _B_NUMERIC) !== 0) continue;
      const entry = entries[a];
      const value = entry.value as JsonObject;
      const bbox = value.bbox;
      // Missing and not-an-array are coco/missing-field's and coco/wrong-type's.
      if (!Array.isArray(bbox)) continue;
      const annotationId = idOf(value.id);
      if (bbox.length !== 4) {
        ctx.report({
          message: `${annotationName(value, entry.index)} has a bbox of ${bbox.length} value${bbox.length === 1 ? '' : 's'}; COCO boxes are [x, y, width, height].`,
          at: ctx.place('annotations', entry, ['bbox']),
          annotationId,
        });
        continue;
      }
      for (let k = 0; k < 4; k++) {
        const v = bbox[k];
        if (typeof v === 'number' && Number.isFinite(v)) continue;
        ctx.report({
          message: `${annotationName(value, entry.index)}: bbox[${k}] (${['x', 'y', 'width', 'height'][k]}) is ${describeJson(v)}, not a finite number.`,
          at: ctx.place('annotations', entry, ['bbox', k]),
          annotationId,
          data: { element: k },
        });
        break; // one problem per box
      }
    }
  },
};
