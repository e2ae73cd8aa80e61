import { INSTANCE_KINDS } from '../coco/kind';
import { dropPolygonFix, annotationName, idsOf, polygonShapeDefect } from '../ruleKit/segmentationShared';
import { F_TOO_SHORT, forEachFlaggedPolygon } from '../ruleKit/facts';
import type { Rule } from '../ruleKit/types';

export const polygonTooShort: Rule = {
  id: 'coco/polygon-too-short',
  defaultSeverity: 'error',
  usesFacts: true,
  scope: 'annotation',
  kinds: INSTANCE_KINDS,
  description: 'A polygon has fewer than 6 numbers (fewer than 3 points).',
  why: "pycocotools' frPyObjects raises on a first polygon shorter than 4 numbers and rasterizes nothing for fewer than 3 points, so annToMask crashes or gives an empty mask; mmdetection and detectron2 filter or crash on such polygons.",
  example: { bad: '"segmentation": [[10, 10, 50, 40, 12, 70], [5, 5]]', good: '"segmentation": [[10, 10, 50, 40, 12, 70]]' },
  check(ctx) {
    forEachFlaggedPolygon(ctx.doc, F_TOO_SHORT, (entry, ann, poly, k, seg) => {
      if (polygonShapeDefect(poly) !== 'too-short') return;
      ctx.report({
        message: `${annotationName(ann, entry.index)}: polygon ${k} has ${poly.length} number${poly.length === 1 ? '' : 's'}; a polygon needs at least 3 points (6 numbers).${seg.length === 1 ? ' It is the only polygon: this annotation has no mask.' : ''}`,
        at: ctx.place('annotations', entry, ['segmentation', k]),
        ...idsOf(ann),
        data: { index: entry.index, polygon: k },
      });
    });
  },
  fix(doc, problem) {
    return dropPolygonFix(doc, problem.data);
  },
};
