import { isJsonObject } from '../coco/document';
import { describeJson, idOf } from '../ruleKit/schema';
import { forEachSegment, segmentName } from '../ruleKit/panoptic';
import type { Rule } from '../ruleKit/types';

export const panopticSegmentInvalid: Rule = {
  id: 'coco/panoptic-segment-invalid',
  defaultSeverity: 'error',
  kinds: ['panoptic'],
  description: 'A panoptic segments_info element is not an object with a positive integer "id" and a "category_id".',
  why: 'panopticapi\'s pq_compute and detectron2\'s load_coco_panoptic_json read segment["id"] and segment["category_id"] for every segment (KeyError when missing); the id is the PNG colour R + 256·G + 256²·B, so 0 (void) or a non-integer can never match a pixel.',
  example: { bad: '"segments_info": [{"category_id": 1, "area": 120}]', good: '"segments_info": [{"id": 3226956, "category_id": 1, "area": 120, "bbox": [0, 0, 12, 10], "iscrowd": 0}]' },
  check(ctx) {
    forEachSegment(ctx.doc, (s) => {
      const seg = s.segment;
      let problem: string | undefined;
      let path: (string | number)[] = ['segments_info', s.k];
      if (!isJsonObject(seg)) problem = `is ${describeJson(seg)}, not an object`;
      else if (!('id' in seg)) problem = 'has no "id"';
      else if (typeof seg.id !== 'number' || !Number.isInteger(seg.id) || seg.id <= 0 || seg.id >= 256 ** 3) {
        problem = `has id ${describeJson(seg.id)}: it must be a whole number from 1 to 16777215 (R + 256·G + 256²·B of its PNG colour; 0 is void)`;
        path = [...path, 'id'];
      } else if (!('category_id' in seg)) problem = 'has no "category_id"';
      if (!problem) return;
      ctx.report({
        message: `${segmentName(s)} ${problem}.`,
        at: ctx.place('annotations', s.entry, path),
        ...(idOf(s.annotation.image_id) !== undefined ? { imageId: idOf(s.annotation.image_id) } : {}),
      });
    });
  },
};
