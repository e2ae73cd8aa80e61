import { INSTANCE_KINDS } from '../coco/kind';
import { categoryCounts, categoryLabel } from '../ruleKit/datasetStats';
import type { Rule } from '../ruleKit/types';

export const singleCategory: Rule = {
  id: 'coco/single-category',
  defaultSeverity: 'info',
  kinds: INSTANCE_KINDS,
  description: 'The dataset defines only one category.',
  why: 'Fine for a one-class detector, but often a sign of a partial export (one label selected) or of classes collapsed into one; Datumaro\'s validator flags it as "only one label".',
  example: { bad: '"categories": [{"id": 1, "name": "object"}]', good: '"categories": [{"id": 1, "name": "cat"}, {"id": 2, "name": "dog"}]' },
  check(ctx) {
    if (ctx.doc.sections.get('categories')?.kind !== 'array') return;
    const rows = categoryCounts(ctx.doc);
    if (rows.length !== 1) return;
    ctx.report({
      message: `The dataset has only one category, ${categoryLabel(rows[0])}.`,
      at: ctx.sectionPlace('categories'),
      categoryId: rows[0].id,
    });
  },
};
