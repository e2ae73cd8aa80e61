import { INSTANCE_KINDS } from '../coco/kind';
import { categoryCounts, categoryLabel } from '../ruleKit/datasetStats';
import type { Rule } from '../ruleKit/types';

export const categoryFewSamples: Rule = {
  id: 'coco/category-few-samples',
  defaultSeverity: 'warning',
  kinds: INSTANCE_KINDS,
  description: 'A category has at most `fewSamples` annotations (default 1).',
  why: 'A model cannot learn a class from one example, and a train/val split leaves it out of one side, so COCOeval reports AP -1 or 0 for it; usually a typo in a label name (a "dgo" next to "dog"). Datumaro\'s validator flags it as "few samples in label".',
  example: { bad: '"categories": [… {"id": 7, "name": "dgo"}]  (1 annotation)', good: '"categories": [… {"id": 7, "name": "dog"}]  (the annotation moved to "dog")' },
  defaultOptions: { fewSamples: 1 },
  check(ctx) {
    const doc = ctx.doc;
    if (doc.sections.get('annotations')?.kind !== 'array') return;
    const few = typeof ctx.options.fewSamples === 'number' ? ctx.options.fewSamples : 1;
    for (const row of categoryCounts(doc)) {
      if (row.count === 0 || row.count > few) continue; // 0 is coco/category-unused
      ctx.report({
        message: `Category ${categoryLabel(row)} has only ${row.count} annotation${row.count === 1 ? '' : 's'}; categories with ${few === 1 ? 'a single annotation' : `${few} or fewer`} are reported (option fewSamples).`,
        at: ctx.place('categories', doc.categoryEntries[row.index], ['id']),
        categoryId: row.id,
        data: { count: row.count },
      });
    }
  },
};
