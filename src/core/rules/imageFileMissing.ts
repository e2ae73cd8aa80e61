import { DATASET_KINDS } from '../coco/kind';
import { isJsonObject, type Located } from '../coco/document';
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
    // The missing images and their lookups side by side: no object or closure per image (every
    // one of 118k images is missing when the image folder is wrong, and all of them live until the end).
    const missing: Located[] = [];
    const lookups: { readonly tried: readonly string[] }[] = [];
    let looked = 0;
    for (const entry of ctx.doc.imageEntries) {
      const value = entry.value;
      if (!isJsonObject(value) || typeof value.file_name !== 'string' || value.file_name === '') continue;
      looked++;
      const result = files.imageExists(value.file_name);
      if (!result.found) { missing.push(entry); lookups.push(result); }
    }
    // None found at all: a wrong image folder (or images not downloaded), one problem, not one per image.
    if (looked > 1 && missing.length === looked) {
      const roots = files.roots ?? lookups[0].tried;
      ctx.report({
        message: `No image file was found for any of the ${looked.toLocaleString('en-US')} images; looked in ${roots.join(', ')} (relative to the JSON file). ` +
          'Point --images (CLI), "imageRoot" in .labelscope.json or the labelscope.imageRoot setting at the image folder.',
        at: ctx.sectionPlace('images'),
        data: { allMissing: true, count: looked, roots },
      });
      return;
    }
    for (let k = 0; k < missing.length; k++) {
      const entry = missing[k];
      const fileName = (entry.value as { file_name: string }).file_name;
      const t = lookups[k].tried;
      ctx.report({
        message: `Image file ${JSON.stringify(fileName)} not found; tried ${t.slice(0, 3).join(', ')}${t.length > 3 ? ` and ${t.length - 3} more` : ''}.`,
        at: ctx.place('images', entry, ['file_name']),
        imageId: idOf((entry.value as { id?: unknown }).id),
      });
    }
  },
};
