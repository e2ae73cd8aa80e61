import { INSTANCE_KINDS } from '../coco/kind';
import { annotationName } from '../ruleKit/segmentationShared';
import { isJsonObject } from '../coco/document';
import { isNumericBbox, keypointCategories } from '../ruleKit/datasetStats';
import { idOf } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';

export const keypointsOutsideBbox: Rule = {
  id: 'coco/keypoints-outside-bbox',
  defaultSeverity: 'warning',
  scope: 'annotation',
  kinds: INSTANCE_KINDS,
  description: 'A labeled keypoint (visibility > 0) lies outside its annotation\'s bbox by more than `tolerance` pixels (default 1).',
  why: 'Usually a keypoint attached to the wrong person or a box drawn after the pose: top-down pose models (mmpose, HRNet) crop by the box and lose the joint, and Ultralytics pose training learns a box that does not cover its keypoints.',
  example: { bad: '"bbox": [100, 100, 50, 80], "keypoints": [20, 30, 2, …]', good: '"bbox": [100, 100, 50, 80], "keypoints": [120, 130, 2, …]' },
  defaultOptions: { tolerance: 1 },
  check(ctx) {
    const kpCats = keypointCategories(ctx.doc);
    if (kpCats.size === 0) return;
    const tol = typeof ctx.options.tolerance === 'number' ? ctx.options.tolerance : 1;
    for (const entry of ctx.doc.annotationEntries) {
      const value = entry.value;
      if (!isJsonObject(value)) continue;
      const kp = value.keypoints;
      if (!Array.isArray(kp) || kp.length === 0 || kp.length % 3 !== 0) continue;
      const categoryId = idOf(value.category_id);
      if (categoryId === undefined || !kpCats.has(categoryId)) continue;
      const bbox = value.bbox;
      if (!isNumericBbox(bbox) || bbox[2] <= 0 || bbox[3] <= 0) continue;
      const x0 = bbox[0] - tol, y0 = bbox[1] - tol, x1 = bbox[0] + bbox[2] + tol, y1 = bbox[1] + bbox[3] + tol;
      let first = -1, count = 0;
      for (let i = 0; i < kp.length; i += 3) {
        const x = kp[i], y = kp[i + 1], v = kp[i + 2];
        if (typeof v !== 'number' || !(v > 0) || typeof x !== 'number' || typeof y !== 'number') continue;
        if (x >= x0 && x <= x1 && y >= y0 && y <= y1) continue;
        if (first < 0) first = i;
        count++;
      }
      if (first < 0) continue;
      ctx.report({
        message: `${annotationName(value, entry.index)}: keypoint ${first / 3} at (${kp[first]}, ${kp[first + 1]})${count > 1 ? ` and ${count - 1} more` : ''} lie${count > 1 ? '' : 's'} outside its box [${bbox.join(', ')}].`,
        at: ctx.place('annotations', entry, ['keypoints', first]),
        annotationId: idOf(value.id),
        categoryId,
        data: { keypoint: first / 3, count },
      });
    }
  },
};
