import { isJsonObject } from '../coco/document';
import { annotationName, idsOf } from './segmentationShared';
import type { Rule } from './types';

export const segmentationEmpty: Rule = {
  id: 'coco/segmentation-empty',
  defaultSeverity: 'error',
  description: 'An annotation of an instance-segmentation dataset has "segmentation": [].',
  why: "pycocotools' annToRLE passes [] to frPyObjects, which raises; COCOeval segm and every mask-training pipeline (detectron2, mmdetection) crash or drop the object. Only reported when most annotations of the file do have a mask, so detection-only files are left alone.",
  example: { bad: '"segmentation": []', good: '"segmentation": [[10, 10, 50, 10, 50, 40]]' },
  check(ctx) {
    const empty: number[] = [];
    let withMask = 0;
    let objects = 0;
    const entries = ctx.doc.annotationEntries;
    for (const entry of entries) {
      const ann = entry.value;
      if (!isJsonObject(ann)) continue;
      objects++;
      const seg = ann.segmentation;
      if (Array.isArray(seg)) {
        if (seg.length === 0) empty.push(entry.index);
        else withMask++;
      } else if (isJsonObject(seg)) withMask++;
    }
    // An instance-segmentation dataset: most annotations carry a mask.
    if (empty.length === 0 || withMask * 2 <= objects) return;
    for (const i of empty) {
      const entry = entries[i];
      const ann = entry.value as Record<string, unknown>;
      ctx.report({
        message: `${annotationName(ann)} has an empty segmentation, but ${withMask} of the ${objects} annotations in this file have a mask: pycocotools' annToRLE raises on [].`,
        at: ctx.place('annotations', entry, ['segmentation']),
        ...idsOf(ann),
      });
    }
  },
};
