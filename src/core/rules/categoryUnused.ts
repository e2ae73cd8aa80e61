import { INSTANCE_KINDS } from '../coco/kind';
import { categoryCounts, categoryLabel } from '../ruleKit/datasetStats';
import type { Rule } from '../ruleKit/types';

export const categoryUnused: Rule = {
  id: 'coco/category-unused',
  defaultSeverity: 'info',
  kinds: INSTANCE_KINDS,
  description: 'A category has no annotations.',
  why: 'The class still gets an output in the model head and a row in COCOeval, which reports AP -1 for it and averages around it; converters to YOLO keep the empty class index. Often a leftover from a renamed or merged label.',
  example: { bad: '"categories": [{"id": 1, "name": "cat"}, {"id": 2, "name": "dgo"}]  (no annotation uses 2)', good: '"categories": [{"id": 1, "name": "cat"}]' },
  check(ctx) {
    const doc = ctx.doc;
    if (doc.sections.get('annotations')?.kind !== 'array') return;
    for (const row of categoryCounts(doc)) {
      if (row.count > 0) continue;
      ctx.report({
        message: `Category ${categoryLabel(row)} has no annotations.`,
        at: ctx.place('categories', doc.categoryEntries[row.index], ['id']),
        categoryId: row.id,
      });
    }
  },
};
