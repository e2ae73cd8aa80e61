import { DATASET_KINDS } from '../coco/kind';
import { isJsonObject } from '../coco/document';
import { idOf } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';

export const imageFileMissing: Rule = {
  id: 'coco/image-file-missing',
  defaultSeverity: 'warning',
  kinds: DATASET_KINDS,
  description: 'The file named by an image\'s file_name is not found next to the JSON or under the image root.',
  why: 'Training data loaders open every image; a missing file raises FileNotFoundError mid-epoch (detectron2, mmdetection) or is skipped silently (Ultralytics warns once and drops the labels).',
  example: { bad: '"file_name": "images/000042.jpg"  (no such file)', good: '"file_name": "000042.jpg"  (with --images pointing at the folder)' },
  check(ctx) {
    const files = ctx.files;
    if (!files) return;
    for (const entry of ctx.doc.imageEntries) {
      const value = entry.value;
      if (!isJsonObject(value) || typeof value.file_name !== 'string' || value.file_name === '') continue;
      const { found, tried } = files.imageExists(value.file_name);
      if (found) continue;
      ctx.report({
        message: `Image file ${JSON.stringify(value.file_name)} not found; tried ${tried.slice(0, 3).join(', ')}${tried.length > 3 ? ` and ${tried.length - 3} more` : ''}.`,
        at: ctx.place('images', entry, ['file_name']),
        imageId: idOf(value.id),
      });
    }
  },
};
