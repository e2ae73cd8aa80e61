import { DATASET_KINDS } from '../coco/kind';
import { isJsonObject } from '../coco/document';
import { idOf } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';
import { FirstIndexByString } from '../ruleKit/idSlots';

export const duplicateFileName: Rule = {
  id: 'coco/duplicate-file-name',
  defaultSeverity: 'warning',
  kinds: [...DATASET_KINDS, 'results-wrapped'],
  description: 'Two images have the same file_name.',
  why: 'The two image records point at one file: its objects are split over two image ids, so COCOeval counts the file twice with half of its boxes each (false negatives), and converters to YOLO write one label file and overwrite the other.',
  example: { bad: '"images": [{"id": 1, "file_name": "a.jpg"}, {"id": 2, "file_name": "a.jpg"}]', good: '"images": [{"id": 1, "file_name": "a.jpg"}, {"id": 2, "file_name": "b.jpg"}]' },
  check(ctx) {
    const entries = ctx.doc.imageEntries;
    const firstByName = new FirstIndexByString(entries.length, (i) => (entries[i].value as { file_name: string }).file_name);
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      const value = entry.value;
      if (!isJsonObject(value) || typeof value.file_name !== 'string' || value.file_name === '') continue;
      const first = firstByName.firstOr(value.file_name, i);
      if (first === i) continue;
      const twin = entries[first].value as Record<string, unknown>;
      ctx.report({
        message: `file_name ${JSON.stringify(value.file_name)} is used by ${value.id !== undefined ? `image ${JSON.stringify(value.id)}` : `images[${entry.index}]`} and by ${twin.id !== undefined ? `image ${JSON.stringify(twin.id)} (images[${first}])` : `images[${first}]`}.`,
        at: ctx.place('images', entry, ['file_name']),
        imageId: idOf(value.id),
        related: [{ message: `First image with file_name ${JSON.stringify(value.file_name)}`, ...ctx.place('images', entries[first], ['file_name']) }],
        data: { firstIndex: first },
      });
    }
  },
};
