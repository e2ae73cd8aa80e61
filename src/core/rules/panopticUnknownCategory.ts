import { isJsonObject } from '../coco/document';
import { idOf } from '../ruleKit/schema';
import { forEachSegment, segmentName } from '../ruleKit/panoptic';
import type { Rule } from '../ruleKit/types';

export const panopticUnknownCategory: Rule = {
  id: 'coco/panoptic-unknown-category',
  defaultSeverity: 'error',
  kinds: ['panoptic'],
  description: 'A panoptic segment\'s category_id names no category in "categories".',
  why: 'panopticapi\'s pq_compute raises KeyError ("Segment with ID … has unknown category_id") and stops; detectron2 maps category ids to contiguous ids and fails the same way.',
  example: { bad: '"categories": [{"id": 1, …}], … "segments_info": [{"id": 5, "category_id": 99}]', good: '"segments_info": [{"id": 5, "category_id": 1}]' },
  check(ctx) {
    if (ctx.doc.sections.get('categories')?.kind !== 'array') return;
    forEachSegment(ctx.doc, (s) => {
      if (!isJsonObject(s.segment)) return;
      const categoryId = idOf(s.segment.category_id);
      if (categoryId === undefined || ctx.doc.categoryById(categoryId) !== undefined) return;
      ctx.report({
        message: `${segmentName(s)} has category_id ${JSON.stringify(categoryId)}, which is not in "categories".`,
        at: ctx.place('annotations', s.entry, ['segments_info', s.k, 'category_id']),
        categoryId,
        ...(idOf(s.annotation.image_id) !== undefined ? { imageId: idOf(s.annotation.image_id) } : {}),
      });
    });
  },
};
