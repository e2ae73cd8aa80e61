import { DATASET_KINDS } from '../coco/kind';
import { isJsonObject } from '../coco/document';
import { idOf } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';

export const imageSizeInvalid: Rule = {
  id: 'coco/image-size-invalid',
  defaultSeverity: 'error',
  kinds: [...DATASET_KINDS, 'results-wrapped'],
  description: 'An image\'s width or height is zero, negative or not an integer.',
  why: 'Converters divide box coordinates by width and height (YOLO labels become Infinity or negative), pycocotools annToRLE builds masks of that size (a 0 or fractional size raises in maskApi), and data loaders resize to it.',
  example: { bad: '{"id": 1, "file_name": "a.jpg", "width": 0, "height": 480.5}', good: '{"id": 1, "file_name": "a.jpg", "width": 640, "height": 480}' },
  check(ctx) {
    for (const entry of ctx.doc.imageEntries) {
      const value = entry.value;
      if (!isJsonObject(value)) continue;
      for (const field of ['width', 'height'] as const) {
        const v = value[field];
        // Missing and non-numbers are coco/missing-field's and coco/wrong-type's; NaN is coco/non-finite-number's.
        if (typeof v !== 'number' || !Number.isFinite(v)) continue;
        if (v > 0 && Number.isInteger(v)) continue;
        ctx.report({
          message: `${value.id !== undefined ? `Image ${JSON.stringify(value.id)}` : `The image at index ${entry.index}`} has ${field} ${v}: it must be a positive whole number of pixels.`,
          at: ctx.place('images', entry, [field]),
          imageId: idOf(value.id),
          data: { field },
        });
      }
    }
  },
};
