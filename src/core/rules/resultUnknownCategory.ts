import { idOf } from '../ruleKit/schema';
import { detectionName, forEachDetection } from '../ruleKit/results';
import type { Rule } from '../ruleKit/types';

export const resultUnknownCategory: Rule = {
  id: 'coco/result-unknown-category',
  defaultSeverity: 'error',
  kinds: ['results'],
  description: 'A detection\'s category_id is not a category of the ground truth (checked with --gt).',
  why: 'COCOeval evaluates only the ground truth\'s category ids (params.catIds): a detection of another id is dropped without a word — a model trained with 0-based or contiguous class indices (0..79 instead of COCO\'s 1..90) scores near 0 AP.',
  example: { bad: 'gt categories: [{"id": 1, "name": "person"}]; results: [{"category_id": 0, …}]', good: 'results: [{"category_id": 1, …}]' },
  check(ctx) {
    const gt = ctx.groundTruth;
    if (!gt || gt.sections.get('categories')?.kind !== 'array') return;
    forEachDetection(ctx.doc, (entry, det) => {
      const categoryId = idOf(det.category_id);
      if (categoryId === undefined || gt.categoryById(categoryId) !== undefined) return;
      ctx.report({
        message: `${detectionName(entry)} has category_id ${JSON.stringify(categoryId)}, which the ground truth does not have: COCOeval ignores it.`,
        at: ctx.place('annotations', entry, ['category_id']),
        categoryId,
      });
    });
  },
};
