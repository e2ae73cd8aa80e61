import { isJsonObject } from '../coco/document';
import { annotationsWithPng } from '../ruleKit/panopticPng';
import { idOf } from '../ruleKit/schema';
import { finiteBbox, formatBox, formatNumber } from '../ruleKit/segmentationShared';
import type { Rule } from '../ruleKit/types';

export const panopticSegmentPngArea: Rule = {
  id: 'coco/panoptic-segment-png-area',
  defaultSeverity: 'warning',
  kinds: ['panoptic'],
  description: 'A panoptic segment\'s "area" is not its pixel count in the PNG, or its "bbox" is not the box of those pixels.',
  why: 'pq_compute recounts areas from the PNG (PQ is unaffected), but panopticapi\'s panoptic2detection conversion and detectron2\'s instance view copy area and bbox as stored, so detection AP by size and box training use wrong values; a stale area usually means the PNG was re-rendered without updating the JSON.',
  example: { bad: '{"id": 5, "area": 900, "bbox": [0, 0, 30, 30]}  (the PNG has 640 px of colour (5, 0, 0))', good: '{"id": 5, "area": 640, "bbox": [2, 3, 32, 20]}' },
  check(ctx) {
    for (const { entry, ann, facts } of annotationsWithPng(ctx)) {
      ann.segments_info.forEach((seg, k) => {
        if (!isJsonObject(seg) || typeof seg.id !== 'number') return;
        const actual = facts.segments.get(seg.id);
        if (!actual) return; // coco/panoptic-png-segments-mismatch
        const box = finiteBbox(seg.bbox);
        const badArea = typeof seg.area === 'number' && seg.area !== actual.area;
        const badBox = box !== undefined && box.some((v, i) => Math.abs(v - actual.bbox[i]) > 1);
        if (!badArea && !badBox) return;
        ctx.report({
          message: `Segment ${k} (id ${seg.id}) of ${JSON.stringify(ann.file_name)}: ${[
            badArea ? `area is ${formatNumber(seg.area as number)} but the PNG has ${actual.area} px of it` : '',
            badBox ? `bbox is ${formatBox(box!)} but its pixels span ${formatBox(actual.bbox)}` : '',
          ].filter(Boolean).join('; ')}.`,
          at: ctx.place('annotations', entry, ['segments_info', k, badArea ? 'area' : 'bbox']),
          ...(idOf(ann.image_id) !== undefined ? { imageId: idOf(ann.image_id) } : {}),
          data: { area: actual.area, bbox: actual.bbox },
        });
      });
    }
  },
};
