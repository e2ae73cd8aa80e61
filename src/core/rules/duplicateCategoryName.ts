import { INSTANCE_KINDS } from '../coco/kind';
import { isJsonObject } from '../coco/document';
import { idOf } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';

export const duplicateCategoryName: Rule = {
  id: 'coco/duplicate-category-name',
  defaultSeverity: 'error',
  kinds: [...INSTANCE_KINDS, 'panoptic', 'image-info', 'results-wrapped'],
  description: 'Two categories have the same name.',
  why: 'mmdetection maps its classes to category ids by name (CocoDataset: coco.get_cat_ids(cat_names=classes)), so one name gets two ids and every later class is shifted; converters that map classes by name (YOLO data.yaml, Ultralytics, FiftyOne, Datumaro) merge the two into one class or keep only the last; COCOeval reports them as two classes, so per-class AP no longer matches the trained model.',
  example: { bad: '"categories": [{"id": 1, "name": "car"}, {"id": 2, "name": "car"}]', good: '"categories": [{"id": 1, "name": "car"}, {"id": 2, "name": "truck"}]' },
  check(ctx) {
    const entries = ctx.doc.categoryEntries;
    const firstByName = new Map<string, number>();
    for (const entry of entries) {
      const value = entry.value;
      if (!isJsonObject(value) || typeof value.name !== 'string') continue;
      const first = firstByName.get(value.name);
      if (first === undefined) { firstByName.set(value.name, entry.index); continue; }
      const twin = entries[first].value as Record<string, unknown>;
      ctx.report({
        message: `Category name ${JSON.stringify(value.name)} is used twice: ${value.id !== undefined ? `category ${JSON.stringify(value.id)}` : `categories[${entry.index}]`} and ${twin.id !== undefined ? `category ${JSON.stringify(twin.id)} (categories[${first}])` : `categories[${first}]`}.`,
        at: ctx.place('categories', entry, ['name']),
        categoryId: idOf(value.id),
        related: [{ message: `First category named ${JSON.stringify(value.name)}`, ...ctx.place('categories', entries[first], ['name']) }],
        data: { firstIndex: first },
      });
    }
  },
};
