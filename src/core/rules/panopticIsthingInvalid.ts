import { isJsonObject } from '../coco/document';
import { describeJson, idOf } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';

export const panopticIsthingInvalid: Rule = {
  id: 'coco/panoptic-isthing-invalid',
  defaultSeverity: 'error',
  kinds: ['panoptic'],
  description: 'A panoptic category has no "isthing", or one that is not 0 or 1.',
  why: 'pq_compute splits PQ into Things and Stuff by categories[id]["isthing"] (KeyError without it), and detectron2\'s COCO panoptic registration builds its thing and stuff class lists from it: a wrong value moves a class to the other head.',
  example: { bad: '{"id": 1, "name": "person"}', good: '{"id": 1, "name": "person", "supercategory": "person", "isthing": 1, "color": [220, 20, 60]}' },
  check(ctx) {
    for (const entry of ctx.doc.categoryEntries) {
      const cat = entry.value;
      if (!isJsonObject(cat)) continue;
      const v = cat.isthing;
      if (v === 0 || v === 1) continue;
      const name = `Category ${cat.id !== undefined ? JSON.stringify(cat.id) : `at index ${entry.index}`}${typeof cat.name === 'string' ? ` (${JSON.stringify(cat.name)})` : ''}`;
      ctx.report({
        message: 'isthing' in cat ? `${name} has isthing ${describeJson(v)}; it must be 1 (a thing) or 0 (stuff).` : `${name} has no "isthing" (1 for things, 0 for stuff); pq_compute reads it.`,
        at: 'isthing' in cat ? ctx.place('categories', entry, ['isthing']) : ctx.place('categories', entry),
        ...(idOf(cat.id) !== undefined ? { categoryId: idOf(cat.id) } : {}),
      });
    }
  },
};
