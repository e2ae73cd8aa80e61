import { INSTANCE_KINDS } from '../coco/kind';
import { annotationName, idsOf, polygonShapeDefect } from '../ruleKit/segmentationShared';
import { F_ODD, forEachFlaggedPolygon } from '../ruleKit/facts';
import type { Rule } from '../ruleKit/types';

export const polygonOddLength: Rule = {
  id: 'coco/polygon-odd-length',
  defaultSeverity: 'error',
  usesFacts: true,
  scope: 'annotation',
  kinds: INSTANCE_KINDS,
  description: 'A polygon has an odd count of numbers: one x or y is missing.',
  why: "pycocotools silently drops the trailing number (it uses len/2 points), so every point after the missing one is shifted: x and y swap roles and the mask is garbage; shapely, mmdetection and Ultralytics converters raise on the reshape to (-1, 2).",
  example: { bad: '"segmentation": [[10, 10, 50, 10, 50, 40, 10]]', good: '"segmentation": [[10, 10, 50, 10, 50, 40, 10, 40]]' },
  check(ctx) {
    forEachFlaggedPolygon(ctx.doc, F_ODD, (entry, ann, poly, k) => {
      if (polygonShapeDefect(poly) !== 'odd-length') return;
      ctx.report({
        message: `${annotationName(ann, entry.index)}: polygon ${k} has ${poly.length} numbers, an odd count: coordinates must come in x, y pairs.`,
        at: ctx.place('annotations', entry, ['segmentation', k]),
        ...idsOf(ann),
      });
    });
  },
};
