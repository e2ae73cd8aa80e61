import { annotationName } from '../ruleKit/segmentationShared';
import { INSTANCE_KINDS } from '../coco/kind';
import type { JsonObject } from '../coco/document';
import { idOf } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';
import { A_IMAGE_KNOWN, A_OBJECT, FIELD_SHIFT, T_INTEGER, T_NON_FINITE, T_NUMBER, T_STRING, annotationFields } from '../ruleKit/annotationFields';

export const annotationUnknownImage: Rule = {
  id: 'coco/annotation-unknown-image',
  defaultSeverity: 'error',
  scope: 'annotation',
  kinds: [...INSTANCE_KINDS, 'captions', 'panoptic', 'results-wrapped'],
  description: 'An annotation\'s image_id names no image in "images".',
  why: 'pycocotools.COCO builds imgToAnns without checking, so the annotation is never evaluated; COCOeval and detectron2 silently drop it, and some converters raise KeyError.',
  example: { bad: '"images": [{"id": 1, …}], "annotations": [{"image_id": 2, …}]', good: '"annotations": [{"image_id": 1, …}]' },
  check(ctx) {
    // Locals: imported bindings are property getters in CommonJS output (tsx, tests), not free in a hot loop.
    const _A_OBJECT = A_OBJECT, _A_IMAGE_KNOWN = A_IMAGE_KNOWN, _T_INTEGER = T_INTEGER, _T_NUMBER = T_NUMBER, _T_NON_FINITE = T_NON_FINITE, _T_STRING = T_STRING;
    if (ctx.doc.sections.get('images')?.kind !== 'array') return;
    // The shared pass looked every image_id up among the images' ids (A_IMAGE_KNOWN): no
    // segmentation facts needed, so this structural rule never waits for them.
    const { types } = annotationFields(ctx.doc);
    const entries = ctx.doc.annotationEntries;
    const imageIdShift = FIELD_SHIFT.image_id;
    for (let a = 0; a < types.length; a++) {
      const t = types[a];
      if ((t & _A_OBJECT) === 0 || (t & _A_IMAGE_KNOWN) !== 0) continue;
      const code = (t >>> imageIdShift) & 15;
      if (code !== _T_INTEGER && code !== _T_NUMBER && code !== _T_NON_FINITE && code !== _T_STRING) continue;
      const entry = entries[a];
      const value = entry.value as JsonObject;
      const imageId = idOf(value.image_id) as number | string;
      ctx.report({
        message: `${annotationName(value, entry.index)} refers to image ${JSON.stringify(imageId)}, which is not in "images".`,
        at: ctx.place('annotations', entry, ['image_id']),
        annotationId: idOf(value.id),
        imageId,
      });
    }
  },
};
