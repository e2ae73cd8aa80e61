import { INSTANCE_KINDS } from '../coco/kind';
import { isJsonObject } from '../coco/document';
import type { Rule } from '../ruleKit/types';

/** Names exporters give a background / void class. */
const BACKGROUND_NAME = /^_*(background|bg|void|ignore|unlabel+ed)_*$/i;

export const categoryIdsNotContiguous: Rule = {
  id: 'coco/category-ids-not-contiguous',
  defaultSeverity: 'info',
  kinds: [...INSTANCE_KINDS, 'panoptic', 'image-info'],
  description: 'Category ids are not exactly 1..N.',
  why: 'Converters to YOLO and Ultralytics turn category ids into class indices (COCO\'s 91 ids → 80 classes); with gaps or a 0 (labelme\'s "_background_") the mapping differs between tools and class indices no longer match the model\'s names.',
  example: { bad: '"categories": [{"id": 0, "name": "_background_"}, {"id": 1, "name": "cat"}, {"id": 5, "name": "dog"}]', good: '"categories": [{"id": 1, "name": "cat"}, {"id": 2, "name": "dog"}]' },
  check(ctx) {
    const ids = new Set<number>();
    for (const entry of ctx.doc.categoryEntries) {
      const value = entry.value;
      if (!isJsonObject(value)) continue;
      // Non-integer ids are coco/wrong-type's; the numbering question makes no sense then.
      if (typeof value.id !== 'number' || !Number.isInteger(value.id)) return;
      ids.add(value.id);
    }
    const n = ids.size;
    if (n === 0) return;
    for (const entry of ctx.doc.categoryEntries) {
      const value = entry.value;
      if (!isJsonObject(value)) continue;
      const id = value.id as number;
      if (id >= 1 && id <= n) continue;
      const sorted = [...ids].sort((a, b) => a - b);
      const shown = sorted.length > 12 ? `${sorted.slice(0, 12).join(', ')}, …` : sorted.join(', ');
      // labelme2coco writes a "_background_" class with id 0; only a name like that gets the hint.
      const zero = id === 0 && typeof value.name === 'string'
        ? ` (${JSON.stringify(value.name)}${BACKGROUND_NAME.test(value.name) ? ": labelme's background class?" : ''})` : '';
      ctx.report({
        message: `Category ids are not 1..${n}: category ${id}${zero} is outside that range (ids: ${shown}). Tools that map ids to class indices will disagree.`,
        at: ctx.place('categories', entry, ['id']),
        categoryId: id,
      });
      return; // once per file
    }
  },
};
