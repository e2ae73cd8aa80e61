import { isJsonObject } from '../coco/document';
import { idOf } from '../ruleKit/schema';
import { forEachSegment, segmentName } from '../ruleKit/panoptic';
import type { Rule } from '../ruleKit/types';

export const panopticDuplicateSegmentId: Rule = {
  id: 'coco/panoptic-duplicate-segment-id',
  defaultSeverity: 'error',
  kinds: ['panoptic'],
  description: 'Two segments of one panoptic annotation share an id.',
  why: 'A segment id is a PNG colour: two segments with one id are one region of pixels. pq_compute indexes segments_info by id, so the first is silently dropped (its category is never evaluated) and its area is counted for the other.',
  example: { bad: '"segments_info": [{"id": 5, "category_id": 1, …}, {"id": 5, "category_id": 7, …}]', good: '"segments_info": [{"id": 5, …}, {"id": 6, …}]' },
  check(ctx) {
    let seen = new Map<number | string, number>();
    let current = -1;
    forEachSegment(ctx.doc, (s) => {
      if (s.entry.index !== current) { current = s.entry.index; seen = new Map(); }
      if (!isJsonObject(s.segment)) return;
      const id = idOf(s.segment.id);
      if (id === undefined) return;
      const first = seen.get(id);
      if (first === undefined) { seen.set(id, s.k); return; }
      ctx.report({
        message: `${segmentName(s)} repeats the id of segment ${first}: both are one region of the PNG, and pq_compute keeps only one of them.`,
        at: ctx.place('annotations', s.entry, ['segments_info', s.k, 'id']),
        related: [{ message: `Segment ${first}`, ...ctx.place('annotations', s.entry, ['segments_info', first, 'id']) }],
        ...(idOf(s.annotation.image_id) !== undefined ? { imageId: idOf(s.annotation.image_id) } : {}),
      });
    });
  },
};
