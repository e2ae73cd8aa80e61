import { INSTANCE_KINDS } from '../coco/kind';
import { SEG_EMPTY, SEG_NOT_OBJECT, SEG_OTHER, segmentationFacts } from '../ruleKit/facts';
import { annotationName, idsOf } from '../ruleKit/segmentationShared';
import type { Rule } from '../ruleKit/types';

export const segmentationEmpty: Rule = {
  id: 'coco/segmentation-empty',
  defaultSeverity: 'error',
  usesFacts: true,
  kinds: INSTANCE_KINDS,
  description: 'An annotation of an instance-segmentation dataset has "segmentation": [].',
  why: "pycocotools' annToRLE passes [] to frPyObjects, which raises; COCOeval segm and every mask-training pipeline (detectron2, mmdetection) crash or drop the object. Only reported when most annotations of the file do have a mask, so detection-only files are left alone.",
  example: { bad: '"segmentation": []', good: '"segmentation": [[10, 10, 50, 10, 50, 40]]' },
  check(ctx) {
    const empty: number[] = [];
    let withMask = 0;
    let objects = 0;
    const entries = ctx.doc.annotationEntries;
    // Locals: imported bindings are property getters in CommonJS output, not free in a hot loop.
    const _SEG_EMPTY = SEG_EMPTY;
    const _SEG_NOT_OBJECT = SEG_NOT_OBJECT;
    const _SEG_OTHER = SEG_OTHER;
    const facts = segmentationFacts(ctx.doc);
    for (let a = 0; a < facts.count; a++) {
      const kind = facts.kind[a];
      if (kind === _SEG_NOT_OBJECT) continue;
      objects++;
      if (kind === _SEG_EMPTY) empty.push(entries[a].index);
      else if (kind !== _SEG_OTHER) withMask++; // a non-empty list or an object
    }
    // An instance-segmentation dataset: most annotations carry a mask.
    if (empty.length === 0 || withMask * 2 <= objects) return;
    for (const i of empty) {
      const entry = entries[i];
      const ann = entry.value as Record<string, unknown>;
      ctx.report({
        message: `${annotationName(ann, entry.index)} has an empty segmentation, but ${withMask} of the ${objects} annotations in this file have a mask: pycocotools' annToRLE raises on [].`,
        at: ctx.place('annotations', entry, ['segmentation']),
        ...idsOf(ann),
      });
    }
  },
};
