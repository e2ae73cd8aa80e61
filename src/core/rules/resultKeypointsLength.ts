import { RESULT_KINDS } from '../coco/kind';
import { isJsonObject } from '../coco/document';
import { describeJson, idOf } from '../ruleKit/schema';
import { detectionName, forEachDetection, referenceDataset } from '../ruleKit/results';
import type { Rule } from '../ruleKit/types';

export const resultKeypointsLength: Rule = {
  id: 'coco/result-keypoints-length',
  defaultSeverity: 'error',
  kinds: RESULT_KINDS,
  description: 'A detection\'s "keypoints" is not a list of (x, y, score) triples — 3 per keypoint of its category when the ground truth is known.',
  why: 'COCOeval.computeOks slices dt["keypoints"] into x = d[0::3], y = d[1::3] and subtracts them from the ground truth\'s: another length raises a numpy broadcast error ("operands could not be broadcast together"), and loadRes takes the box from the same slices.',
  example: { bad: '"keypoints": [10, 20, 0.9, 14]', good: '"keypoints": [10, 20, 0.9, 14, 18, 0.8]' },
  check(ctx) {
    const ref = referenceDataset(ctx);
    forEachDetection(ctx.doc, (entry, det) => {
      if (!('keypoints' in det)) return;
      const kp = det.keypoints;
      const categoryId = idOf(det.category_id);
      const cat = ref && categoryId !== undefined ? ref.categoryById(categoryId) : undefined;
      const names = isJsonObject(cat) && Array.isArray(cat.keypoints) ? cat.keypoints.length : undefined;
      let problem: string | undefined;
      if (!Array.isArray(kp) || kp.some((v) => typeof v !== 'number')) problem = `"keypoints" is ${Array.isArray(kp) ? 'a list with non-numbers in it' : describeJson(kp)}, not a list of numbers`;
      else if (names !== undefined && kp.length !== 3 * names) problem = `has ${kp.length} keypoint values; category ${JSON.stringify(categoryId)} names ${names} keypoints, so ${3 * names} are expected (x, y, score each)`;
      else if (kp.length === 0 || kp.length % 3 !== 0) problem = `has ${kp.length} keypoint values, not a whole number of (x, y, score) triples`;
      if (!problem) return;
      ctx.report({
        message: `${detectionName(entry)} ${problem.startsWith('"') ? `: ${problem}` : problem}.`.replace(' : ', ': '),
        at: ctx.place('annotations', entry, ['keypoints']),
        ...(categoryId !== undefined ? { categoryId } : {}),
      });
    });
  },
};
