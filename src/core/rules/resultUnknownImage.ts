import { idOf } from '../ruleKit/schema';
import { detectionName, forEachDetection } from '../ruleKit/results';
import type { Rule } from '../ruleKit/types';

export const resultUnknownImage: Rule = {
  id: 'coco/result-unknown-image',
  defaultSeverity: 'error',
  kinds: ['results'],
  description: 'A detection\'s image_id is not an image of the ground truth (checked with --gt).',
  why: 'pycocotools\' COCO.loadRes asserts that every result\'s image_id is in the ground truth and stops with "Results do not correspond to current coco set": nothing is evaluated.',
  example: { bad: 'gt images: [{"id": 1, …}]; results: [{"image_id": 7, …}]', good: 'results: [{"image_id": 1, …}]' },
  check(ctx) {
    const gt = ctx.groundTruth;
    if (!gt || gt.sections.get('images')?.kind !== 'array') return;
    forEachDetection(ctx.doc, (entry, det) => {
      const imageId = idOf(det.image_id);
      if (imageId === undefined || gt.imageById(imageId) !== undefined) return;
      ctx.report({
        message: `${detectionName(entry)} is on image ${JSON.stringify(imageId)}, which the ground truth does not have: COCO.loadRes stops with "Results do not correspond to current coco set".`,
        at: ctx.place('annotations', entry, ['image_id']),
        imageId,
      });
    });
  },
};
