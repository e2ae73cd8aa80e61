import { annotationName } from '../ruleKit/segmentationShared';
import { INSTANCE_KINDS, RESULT_KINDS } from '../coco/kind';
import type { JsonObject } from '../coco/document';
import { B_NUMERIC, annotationFields } from '../ruleKit/annotationFields';
import { idOf } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';

export const bboxNonPositive: Rule = {
  id: 'coco/bbox-non-positive',
  defaultSeverity: 'error',
  scope: 'annotation',
  kinds: [...INSTANCE_KINDS, ...RESULT_KINDS],
  description: 'A bbox has a width or height of zero or less.',
  why: 'Boxes are [x, y, width, height], not [x1, y1, x2, y2]: a negative size (often a corner-format box) gives negative areas and IoUs; detectron2 and mmdetection drop or assert on empty boxes, and YOLO converters write negative sizes that Ultralytics rejects as corrupt labels.',
  example: { bad: '"bbox": [120, 80, 0, -15]', good: '"bbox": [120, 65, 4, 15]' },
  check(ctx) {
    // Locals: imported bindings are property getters in CommonJS output (tsx, tests), not free in a hot loop.
    const _B_NUMERIC = B_NUMERIC;
    // The box columns of the shared pass; only a box that is not positive is read again.
    const { boxFlags, w: ws, h: hs } = annotationFields(ctx.doc);
    const entries = ctx.doc.annotationEntries;
    for (let a = 0; a < boxFlags.length; a++) {
      if ((boxFlags[a] & _B_NUMERIC) === 0) continue;
      const w = ws[a], h = hs[a];
      if (w > 0 && h > 0) continue;
      const entry = entries[a];
      const value = entry.value as JsonObject;
      const k = w <= 0 ? 2 : 3;
      const what = w <= 0 && h <= 0 ? `width ${w} and height ${h}` : w <= 0 ? `width ${w}` : `height ${h}`;
      ctx.report({
        message: `${annotationName(value, entry.index)} has a box with ${what}: width and height must be positive (COCO boxes are [x, y, width, height]).`,
        at: ctx.place('annotations', entry, ['bbox', k]),
        annotationId: idOf(value.id),
      });
    }
  },
};
