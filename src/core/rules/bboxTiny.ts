import { INSTANCE_KINDS } from '../coco/kind';
import { annotationName } from '../ruleKit/segmentationShared';
import type { JsonObject } from '../coco/document';
import { B_NUMERIC, annotationFields } from '../ruleKit/annotationFields';
import { idOf } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';

export const bboxTiny: Rule = {
  id: 'coco/bbox-tiny',
  defaultSeverity: 'warning',
  scope: 'annotation',
  kinds: INSTANCE_KINDS,
  description: 'A bbox is narrower or lower than minSize pixels (default 1).',
  why: 'A sub-pixel box is almost always a stray click or a rounding artifact; it has no pixels after rasterization (an empty mask), Ultralytics drops it as a degenerate label, and it costs COCOeval AP as an object no model can find.',
  example: { bad: '"bbox": [310, 42, 0.4, 12]', good: '"bbox": [310, 42, 6, 12]' },
  defaultOptions: { minSize: 1 },
  check(ctx) {
    // Locals: imported bindings are property getters in CommonJS output (tsx, tests), not free in a hot loop.
    const _B_NUMERIC = B_NUMERIC;
    const minSize = typeof ctx.options.minSize === 'number' ? ctx.options.minSize : 1;
    // The box columns of the shared pass; only a tiny box is read again.
    const { boxFlags, w: ws, h: hs } = annotationFields(ctx.doc);
    const entries = ctx.doc.annotationEntries;
    for (let a = 0; a < boxFlags.length; a++) {
      if ((boxFlags[a] & _B_NUMERIC) === 0) continue;
      const w = ws[a], h = hs[a];
      if (w <= 0 || h <= 0) continue; // coco/bbox-non-positive
      if (w >= minSize && h >= minSize) continue;
      const entry = entries[a];
      const value = entry.value as JsonObject;
      ctx.report({
        message: `${annotationName(value, entry.index)} has a tiny box (${w} × ${h} px, smaller than ${minSize} px).`,
        at: ctx.place('annotations', entry, ['bbox']),
        annotationId: idOf(value.id),
      });
    }
  },
};
