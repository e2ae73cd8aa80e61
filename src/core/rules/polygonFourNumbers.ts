import { INSTANCE_KINDS } from '../coco/kind';
import { annotationName, idsOf, polygonShapeDefect } from '../ruleKit/segmentationShared';
import { F_FOUR, forEachFlaggedPolygon } from '../ruleKit/facts';
import type { Rule } from '../ruleKit/types';

export const polygonFourNumbers: Rule = {
  id: 'coco/polygon-four-numbers',
  defaultSeverity: 'warning',
  usesFacts: true,
  scope: 'annotation',
  kinds: INSTANCE_KINDS,
  description: 'A polygon has exactly 4 numbers, which pycocotools reads as a box.',
  why: "pycocotools' frPyObjects takes a segmentation whose first entry has 4 numbers for a list of BOXES [x, y, w, h] (and released versions then raise TypeError in frBbox); as a polygon, 2 points cover no pixel. Either way the mask is not what was meant.",
  example: { bad: '"segmentation": [[10, 10, 50, 40]]', good: '"segmentation": [[10, 10, 50, 10, 50, 40, 10, 40]]' },
  check(ctx) {
    forEachFlaggedPolygon(ctx.doc, F_FOUR, (entry, ann, poly, k) => {
      if (polygonShapeDefect(poly) !== 'four-numbers') return;
      const how = k === 0
        ? 'pycocotools reads a first entry of 4 numbers as a box [x, y, w, h], not a polygon'
        : 'as a polygon these 2 points cover no pixel';
      ctx.report({
        message: `${annotationName(ann, entry.index)}: polygon ${k} has exactly 4 numbers: ${how}. Write the box as a 4-point polygon.`,
        at: ctx.place('annotations', entry, ['segmentation', k]),
        ...idsOf(ann),
      });
    });
  },
};
