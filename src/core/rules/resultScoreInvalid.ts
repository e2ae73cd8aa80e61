import { RESULT_KINDS } from '../coco/kind';
import { describeJson, idOf } from '../ruleKit/schema';
import { detectionName, forEachDetection } from '../ruleKit/results';
import type { Rule } from '../ruleKit/types';

export const resultScoreInvalid: Rule = {
  id: 'coco/result-score-invalid',
  defaultSeverity: 'error',
  kinds: RESULT_KINDS,
  description: 'A detection has no "score", or a score that is not a number.',
  why: 'COCOeval.evaluateImg sorts detections by -d["score"]: a missing score raises KeyError, a string or null a TypeError, so evaluation stops; Ultralytics and detectron2 result loaders read it the same way.',
  example: { bad: '{"image_id": 1, "category_id": 3, "bbox": [10, 20, 30, 40]}', good: '{"image_id": 1, "category_id": 3, "bbox": [10, 20, 30, 40], "score": 0.87}' },
  check(ctx) {
    forEachDetection(ctx.doc, (entry, det) => {
      const at = 'score' in det ? ctx.place('annotations', entry, ['score']) : ctx.place('annotations', entry);
      const score = det.score;
      if (typeof score === 'number') return; // NaN / Infinity are coco/non-finite-number's
      ctx.report({
        message: 'score' in det
          ? `${detectionName(entry)}: "score" is ${describeJson(score)}, not a number; COCOeval sorts detections by it and raises a TypeError.`
          : `${detectionName(entry)} has no "score"; COCOeval sorts detections by it and raises KeyError.`,
        at,
        ...(idOf(det.image_id) !== undefined ? { imageId: idOf(det.image_id) } : {}),
      });
    });
  },
};
