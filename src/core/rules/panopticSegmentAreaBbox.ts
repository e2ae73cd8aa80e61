import { isJsonObject } from '../coco/document';
import { describeJson, idOf } from '../ruleKit/schema';
import { forEachSegment, segmentName } from '../ruleKit/panoptic';
import { finiteBbox, formatNumber } from '../ruleKit/segmentationShared';
import type { Rule } from '../ruleKit/types';

export const panopticSegmentAreaBbox: Rule = {
  id: 'coco/panoptic-segment-area-bbox',
  defaultSeverity: 'warning',
  kinds: ['panoptic'],
  description: 'A panoptic segment has no "area" or "bbox", an area that is not a positive number, a bbox that is not [x, y, w, h], or an area larger than its bbox.',
  why: 'pq_compute recounts areas from the PNG, so PQ itself is unaffected; but panopticapi\'s panoptic2detection conversion and detectron2\'s instance view of panoptic data copy area and bbox as they are, so detection AP by size and box training use the stored values.',
  example: { bad: '{"id": 5, "category_id": 1, "bbox": [0, 0, 10, 10], "area": 500}', good: '{"id": 5, "category_id": 1, "bbox": [0, 0, 10, 10], "area": 73}' },
  check(ctx) {
    forEachSegment(ctx.doc, (s) => {
      const seg = s.segment;
      if (!isJsonObject(seg)) return; // coco/panoptic-segment-invalid
      const box = finiteBbox(seg.bbox);
      let problem: string | undefined;
      let path: (string | number)[] = ['segments_info', s.k];
      if (!('area' in seg)) problem = 'has no "area"';
      else if (!('bbox' in seg)) problem = 'has no "bbox"';
      else if (typeof seg.area !== 'number' || !(seg.area > 0)) { problem = `has area ${describeJson(seg.area)}, not a positive number`; path = [...path, 'area']; }
      else if (!box) { problem = `has bbox ${describeJson(seg.bbox)}, not [x, y, w, h] with finite numbers`; path = [...path, 'bbox']; }
      else if (seg.area > box[2] * box[3] + 1e-6) {
        problem = `has area ${formatNumber(seg.area)}, larger than its bbox (${formatNumber(box[2])} × ${formatNumber(box[3])} = ${formatNumber(box[2] * box[3])})`;
        path = [...path, 'area'];
      }
      if (!problem) return;
      ctx.report({
        message: `${segmentName(s)} ${problem}.`,
        at: ctx.place('annotations', s.entry, path),
        ...(idOf(s.annotation.image_id) !== undefined ? { imageId: idOf(s.annotation.image_id) } : {}),
      });
    });
  },
};
