import { annotationName } from '../ruleKit/segmentationShared';
import { INSTANCE_KINDS } from '../coco/kind';
import { isJsonObject } from '../coco/document';
import { idOf } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';

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
    // A plain id set: this structural rule must not pay for the segmentation facts.
    const imageIds = new Set<number | string>();
    for (const image of ctx.doc.imageEntries) {
      const id = isJsonObject(image.value) ? idOf(image.value.id) : undefined;
      if (id !== undefined) imageIds.add(id);
    }
    for (const entry of ctx.doc.annotationEntries) {
      const value = entry.value;
      if (!isJsonObject(value)) continue;
      const imageId = idOf(value.image_id);
      if (imageId === undefined || imageIds.has(imageId)) continue;
      ctx.report({
        message: `${annotationName(value, entry.index)} refers to image ${JSON.stringify(imageId)}, which is not in "images".`,
        at: ctx.place('annotations', entry, ['image_id']),
        annotationId: idOf(value.id),
        imageId,
      });
    }
  },
};
