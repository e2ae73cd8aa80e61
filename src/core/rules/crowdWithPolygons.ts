import { INSTANCE_KINDS } from '../coco/kind';
import type { JsonObject } from '../coco/document';
import { SEG_POLYGONS, segmentationFacts } from '../ruleKit/facts';
import { A_CROWD_ONE, FIELD_SHIFT, T_TRUE, annotationFields } from '../ruleKit/annotationFields';
import { annotationName, idsOf, isPolygonList } from '../ruleKit/segmentationShared';
import type { Rule } from '../ruleKit/types';

export const crowdWithPolygons: Rule = {
  id: 'coco/crowd-with-polygons',
  defaultSeverity: 'warning',
  usesFacts: true,
  scope: 'annotation',
  kinds: INSTANCE_KINDS,
  description: 'An annotation has "iscrowd": 1 but a polygon segmentation (COCO crowd regions are RLE).',
  why: 'COCOeval treats every iscrowd=1 object as an "ignore" region that detections may match for free, so a mislabeled single object silently vanishes from the evaluation; many converters (Ultralytics, mmdetection pipelines, YOLO exports) drop crowd objects, and tools that expect crowd masks as RLE raise on the polygons.',
  example: { bad: '"iscrowd": 1, "segmentation": [[10, 10, 50, 10, 50, 40]]', good: '"iscrowd": 0, "segmentation": [[10, 10, 50, 10, 50, 40]]' },
  check(ctx) {
    // Locals: imported bindings are property getters in CommonJS output (tsx, tests), not free in a hot loop.
    const _SEG_POLYGONS = SEG_POLYGONS, _A_CROWD_ONE = A_CROWD_ONE, _T_TRUE = T_TRUE;
    // Polygon annotations (the facts) whose iscrowd is 1 or true (the shared pass over the annotations).
    const facts = segmentationFacts(ctx.doc);
    const { types } = annotationFields(ctx.doc);
    const entries = ctx.doc.annotationEntries;
    const crowdShift = FIELD_SHIFT.iscrowd;
    for (let a = 0; a < facts.count; a++) {
      if (facts.kind[a] !== _SEG_POLYGONS) continue;
      const t = types[a];
      if ((t & _A_CROWD_ONE) === 0 && ((t >>> crowdShift) & 15) !== _T_TRUE) continue;
      const entry = entries[a];
      const ann = entry.value as JsonObject;
      if (!isPolygonList(ann.segmentation)) continue;
      ctx.report({
        message: `${annotationName(ann, entry.index)} is marked iscrowd: 1 but its segmentation is ${ann.segmentation.length} polygon${ann.segmentation.length === 1 ? '' : 's'}: COCOeval will treat it as an ignore region, and many converters drop it. Use iscrowd: 0 for a single object, or an RLE mask for a crowd.`,
        at: ctx.place('annotations', entry, ['iscrowd']),
        ...idsOf(ann),
      });
    }
  },
};
