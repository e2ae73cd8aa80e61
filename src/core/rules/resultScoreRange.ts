import { RESULT_KINDS } from '../coco/kind';
import { detectionName, forEachDetection } from '../ruleKit/results';
import { formatNumber } from '../ruleKit/segmentationShared';
import type { Rule } from '../ruleKit/types';

export const resultScoreRange: Rule = {
  id: 'coco/result-score-range',
  defaultSeverity: 'warning',
  kinds: RESULT_KINDS,
  description: 'A detection\'s score is outside [0, 1].',
  why: 'COCOeval only ranks detections by score, so AP is unchanged; but scores outside [0, 1] are usually logits written instead of probabilities, and every confidence threshold downstream (Ultralytics conf, detectron2 SCORE_THRESH_TEST, the viewer\'s score filter) then keeps or drops the wrong boxes.',
  example: { bad: '"score": 3.7', good: '"score": 0.976' },
  check(ctx) {
    forEachDetection(ctx.doc, (entry, det) => {
      const s = det.score;
      if (typeof s !== 'number' || !Number.isFinite(s) || (s >= 0 && s <= 1)) return;
      ctx.report({
        message: `${detectionName(entry)} has score ${formatNumber(s)}, outside [0, 1] (a logit instead of a probability?).`,
        at: ctx.place('annotations', entry, ['score']),
      });
    });
  },
};
