import { INSTANCE_KINDS } from '../coco/kind';
import { annotationName } from '../ruleKit/segmentationShared';
import { isJsonObject, type JsonObject } from '../coco/document';
import { insertProperty } from '../edits/jsonEdits';
import { idOf } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';
import { A_CROWD_ONE, A_CROWD_ZERO, A_OBJECT, FIELD_SHIFT, T_ABSENT, T_INTEGER, annotationFields } from '../ruleKit/annotationFields';

function isRleObject(seg: unknown): boolean {
  return isJsonObject(seg) && 'counts' in seg;
}

export const iscrowdInvalid: Rule = {
  id: 'coco/iscrowd-invalid',
  defaultSeverity: 'warning',
  scope: 'annotation',
  kinds: INSTANCE_KINDS,
  description: 'An annotation has no "iscrowd", or one that is not 0 or 1.',
  why: 'COCOeval reads int(o["iscrowd"]) for every ground-truth object and raises KeyError when it is missing; any value other than 0 turns the object into an "ignore" region that matches everything and never counts as missed.',
  example: { bad: '{"id": 3, "image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4]}', good: '{"id": 3, "image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4], "iscrowd": 0}' },
  check(ctx) {
    // Locals: imported bindings are property getters in CommonJS output (tsx, tests), not free in a hot loop.
    const _A_OBJECT = A_OBJECT, _A_CROWD_ZERO = A_CROWD_ZERO, _A_CROWD_ONE = A_CROWD_ONE, _T_ABSENT = T_ABSENT, _T_INTEGER = T_INTEGER;
    // Cheap first (the shared pass): only an object whose iscrowd is missing, or an integer
    // other than 0 and 1, is read again.
    const { types } = annotationFields(ctx.doc);
    const entries = ctx.doc.annotationEntries;
    const shift = FIELD_SHIFT.iscrowd;
    for (let a = 0; a < types.length; a++) {
      const t = types[a];
      if ((t & _A_OBJECT) === 0 || (t & (_A_CROWD_ZERO | _A_CROWD_ONE)) !== 0) continue;
      const code = (t >>> shift) & 15;
      if (code !== _T_ABSENT && code !== _T_INTEGER) continue;
      const entry = entries[a];
      const value = entry.value as JsonObject;
      const annotationId = idOf(value.id);
      if (!('iscrowd' in value)) {
        ctx.report({
          message: `${annotationName(value, entry.index)} has no "iscrowd"; COCOeval raises KeyError without it.`,
          at: ctx.place('annotations', entry),
          annotationId,
          data: { missing: true, index: entry.index },
        });
        continue;
      }
      const v = value.iscrowd;
      // Non-integers are coco/wrong-type's.
      if (typeof v !== 'number' || !Number.isInteger(v) || v === 0 || v === 1) continue;
      ctx.report({
        message: `${annotationName(value, entry.index)} has iscrowd ${v}; it must be 0 (an object) or 1 (a crowd region).`,
        at: ctx.place('annotations', entry, ['iscrowd']),
        annotationId,
        data: { index: entry.index },
      });
    }
  },
  fix(doc, problem) {
    const data = problem.data as { missing?: boolean; index?: number } | undefined;
    if (!data?.missing || data.index === undefined) return undefined;
    const entry = doc.annotationEntries[data.index];
    if (!entry || !isJsonObject(entry.value) || 'iscrowd' in entry.value) return undefined;
    const crowd = isRleObject(entry.value.segmentation) ? 1 : 0;
    return {
      title: `Add "iscrowd": ${crowd}${crowd ? ' (its segmentation is an RLE, as crowd regions are)' : ''}`,
      edits: [insertProperty(doc, entry, 'iscrowd', String(crowd))],
    };
  },
};
