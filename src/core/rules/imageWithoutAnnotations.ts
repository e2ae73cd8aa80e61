import { INSTANCE_KINDS } from '../coco/kind';
import type { JsonObject } from '../coco/document';
import { NO_SLOT, boxFacts } from '../ruleKit/boxFacts';
import { segmentationFacts } from '../ruleKit/facts';
import type { Rule } from '../ruleKit/types';

export const imageWithoutAnnotations: Rule = {
  id: 'coco/image-without-annotations',
  defaultSeverity: 'info',
  usesFacts: true,
  kinds: [...INSTANCE_KINDS, 'captions'],
  description: 'An image has no annotations.',
  why: 'Often intended (background images), but a missing export is the usual cause: detectron2 drops such images by default (FILTER_EMPTY_ANNOTATIONS) and mmdetection with filter_empty_gt, so the images silently never reach training.',
  example: { bad: '"images": [{"id": 7, …}], "annotations": []', good: '"annotations": [{"image_id": 7, …}]' },
  check(ctx) {
    const doc = ctx.doc;
    if (doc.sections.get('annotations')?.kind !== 'array') return;
    // The facts know, per image id, whether any annotation names it (no per-image list built).
    const facts = segmentationFacts(doc);
    // Each image's slot, looked up once for the box facts (-1: not an object with a number or string id).
    const { imageEntrySlot } = boxFacts(doc);
    const images = doc.imageEntries;
    for (let k = 0; k < images.length; k++) {
      const slot = imageEntrySlot[k];
      if (slot === -1 || (slot !== NO_SLOT && facts.slotHasAnnotation[slot] === 1)) continue;
      const entry = images[k];
      const value = entry.value as JsonObject;
      const id = value.id as number | string;
      ctx.report({
        message: `Image ${JSON.stringify(id)}${typeof value.file_name === 'string' ? ` (${JSON.stringify(value.file_name)})` : ''} has no ${ctx.kind === 'captions' ? 'captions' : 'annotations'}.`,
        at: ctx.place('images', entry, ['id']),
        imageId: id,
      });
    }
  },
};
