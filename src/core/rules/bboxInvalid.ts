import { annotationName } from '../ruleKit/segmentationShared';
import { INSTANCE_KINDS, RESULT_KINDS } from '../coco/kind';
import { isJsonObject } from '../coco/document';
import { describeJson, idOf } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';

export const bboxInvalid: Rule = {
  id: 'coco/bbox-invalid',
  defaultSeverity: 'error',
  scope: 'annotation',
  kinds: [...INSTANCE_KINDS, ...RESULT_KINDS],
  description: 'A bbox is not a list of exactly 4 finite numbers [x, y, width, height].',
  why: 'pycocotools and every converter unpack x, y, w, h = bbox: a wrong length raises ValueError, and a null, NaN or string inside makes IoU, area and normalized YOLO coordinates NaN or raises a TypeError mid-training.',
  example: { bad: '"bbox": [10, 20, null, "5"]', good: '"bbox": [10, 20, 30, 5]' },
  check(ctx) {
    for (const entry of ctx.doc.annotationEntries) {
      const value = entry.value;
      if (!isJsonObject(value)) continue;
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
