import { INSTANCE_KINDS } from '../coco/kind';
import { annotationName } from '../ruleKit/segmentationShared';
import { forEachKeypointAnnotation } from '../ruleKit/datasetStats';
import { describeJson, idOf } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';

export const keypointsLength: Rule = {
  id: 'coco/keypoints-length',
  defaultSeverity: 'error',
  scope: 'annotation',
  kinds: INSTANCE_KINDS,
  description: 'An annotation\'s "keypoints" is not 3 numbers (x, y, visibility) per keypoint name of its category.',
  why: 'COCOeval computeOks reshapes keypoints as [x, y, v] triples against the category\'s sigmas and fails with a broadcast error when the length differs; Ultralytics pose converters read kpt_shape from the category and misalign every joint after the first missing one.',
  example: { bad: '"categories": [{"id": 1, "keypoints": ["nose", "eye"], …}], … "keypoints": [10, 20, 2]', good: '"keypoints": [10, 20, 2, 14, 18, 1]' },
  check(ctx) {
    forEachKeypointAnnotation(ctx.doc, (entry, value, categoryId, cat) => {
      const kp = value.keypoints;
      const expected = 3 * cat.names;
      if (Array.isArray(kp) && kp.length === expected) return;
      ctx.report({
        message: Array.isArray(kp)
          ? `${annotationName(value, entry.index)} has ${kp.length} keypoint values; category ${JSON.stringify(categoryId)} names ${cat.names} keypoints, so ${expected} are expected (x, y, v each).`
          : `${annotationName(value, entry.index)}: "keypoints" is ${describeJson(kp)}, not a list of ${expected} numbers.`,
        at: ctx.place('annotations', entry, ['keypoints']),
        annotationId: idOf(value.id),
        categoryId,
      });
    });
  },
};
