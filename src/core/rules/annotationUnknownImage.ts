import { annotationName } from '../ruleKit/segmentationShared';
import { INSTANCE_KINDS } from '../coco/kind';
import type { JsonObject } from '../coco/document';
import { idOf } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';
import { A_IMAGE_KNOWN, A_OBJECT, T_INTEGER, T_NON_FINITE, T_NUMBER, T_STRING, annotationFields } from '../ruleKit/annotationFields';

export const annotationUnknownImage: Rule = {
  id: 'coco/annotation-unknown-image',
  defaultSeverity: 'error',
  scope: 'annotation',
  kinds: [...INSTANCE_KINDS, 'captions', 'panoptic', 'results-wrapped'],
  description: 'An annotation\'s image_id names no image in "images".',
  why: 'pycocotools.COCO builds imgToAnns without checking, so the annotation is never evaluated; COCOeval and detectron2 silently drop it, and some converters raise KeyError.',
  example: { bad: '"images": [{"id": 1, …}], "annotations": [{"image_id": 2, …}]', good: '"annotations": [{"image_id": 1, …}]' },
  check(ctx) {
    if (ctx.doc.sections.get('images')?.kind !== 'array') return;
    // The shared pass looked every image_id up among the images' ids (A_IMAGE_KNOWN): no
    // segmentation facts needed, so this structural rule never waits for them.
    const { types } = annotationFields(ctx.doc);
    const entries = ctx.doc.annotationEntries;
    for (let a = 0; a < types.length; a++) {
      const t = types[a];
      if ((t & A_OBJECT) === 0 || (t & A_IMAGE_KNOWN) !== 0) continue;
      const code = (t >>> 4) & 15;
      if (code !== T_INTEGER && code !== T_NUMBER && code !== T_NON_FINITE && code !== T_STRING) continue;
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
