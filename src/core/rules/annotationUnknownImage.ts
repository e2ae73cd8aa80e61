import { isJsonObject } from '../coco/document';
import { segmentationFacts } from './facts';
import { idOf } from './schema';
import type { Rule } from './types';

export const annotationUnknownImage: Rule = {
  id: 'coco/annotation-unknown-image',
  defaultSeverity: 'error',
  description: 'An annotation\'s image_id names no image in "images".',
  why: 'pycocotools.COCO builds imgToAnns without checking, so the annotation is never evaluated; COCOeval and detectron2 silently drop it, and some converters raise KeyError.',
  example: { bad: '"images": [{"id": 1, …}], "annotations": [{"image_id": 2, …}]', good: '"annotations": [{"image_id": 1, …}]' },
  check(ctx) {
    if (ctx.doc.sections.get('images')?.kind !== 'array') return;
    // The facts give each annotation's image_id a slot; slots below imageKeyCount are image ids.
    const facts = segmentationFacts(ctx.doc);
    const entries = ctx.doc.annotationEntries;
    for (let a = 0; a < facts.count; a++) {
      const slot = facts.imageSlot[a];
      if (slot < facts.imageKeyCount) continue; // a known image, or no usable image_id (-1)
      const entry = entries[a];
      const value = entry.value;
      if (!isJsonObject(value)) continue;
      const imageId = idOf(value.image_id);
      if (imageId === undefined || ctx.doc.imagesWithId(imageId).length > 0) continue;
      ctx.report({
        message: `Annotation ${JSON.stringify(value.id)} refers to image ${JSON.stringify(imageId)}, which is not in "images".`,
        at: ctx.place('annotations', entry, ['image_id']),
        annotationId: idOf(value.id),
        imageId,
      });
    }
  },
};
