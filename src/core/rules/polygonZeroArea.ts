import { INSTANCE_KINDS } from '../coco/kind';
import { annotationName, dropPolygonFix, idsOf, isUsablePolygon, isZeroAreaPolygon } from '../ruleKit/segmentationShared';
import { F_ZERO_SUSPECT, forEachFlaggedPolygon } from '../ruleKit/facts';
import type { Rule } from '../ruleKit/types';

export const polygonZeroArea: Rule = {
  id: 'coco/polygon-zero-area',
  defaultSeverity: 'error',
  usesFacts: true,
  scope: 'annotation',
  kinds: INSTANCE_KINDS,
  description: 'A polygon encloses no area: all its points lie on one line (or coincide).',
  why: 'pycocotools rasterizes a collinear polygon to an empty mask, so the object has area 0: COCOeval never matches it, mmdetection and detectron2 drop it or produce NaN losses on its empty mask.',
  example: { bad: '"segmentation": [[10, 10, 20, 20, 30, 30]]', good: '"segmentation": [[10, 10, 20, 20, 30, 10]]' },
  check(ctx) {
    forEachFlaggedPolygon(ctx.doc, F_ZERO_SUSPECT, (entry, ann, poly, k) => {
      if (!isUsablePolygon(poly) || !isZeroAreaPolygon(poly)) return;
      ctx.report({
        message: `${annotationName(ann, entry.index)}: polygon ${k} has zero area: its ${poly.length / 2} points lie on one line.`,
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
