import { RESULT_KINDS } from '../coco/kind';
import { detectionName, forEachDetection } from '../ruleKit/results';
import type { Rule } from '../ruleKit/types';

export const resultDuplicate: Rule = {
  id: 'coco/result-duplicate',
  defaultSeverity: 'warning',
  kinds: RESULT_KINDS,
  description: 'Two detections are identical (same image, category, box, mask and keypoints).',
  why: 'COCOeval matches each ground-truth object once: the second copy can never match and counts as a false positive at every IoU threshold, so AP drops; it usually means results were appended twice (two workers writing the same images, a resumed run).',
  example: { bad: '[{"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.9}, {"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.9}]', good: '[{"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.9}]' },
  check(ctx) {
    const first = new Map<string, number>();
    forEachDetection(ctx.doc, (entry, det) => {
      if (!('bbox' in det) && !('segmentation' in det) && !('keypoints' in det)) return;
      const key = JSON.stringify([det.image_id, det.category_id, det.bbox ?? null, det.segmentation ?? null, det.keypoints ?? null]);
      const twin = first.get(key);
      if (twin === undefined) { first.set(key, entry.index); return; }
      const twinEntry = ctx.doc.annotationEntries[twin];
      ctx.report({
        message: `${detectionName(entry)} repeats detection ${twin} (same image, category and geometry${det.score === (twinEntry.value as { score?: unknown }).score ? ' and score' : ''}): the copy is a false positive in COCOeval.`,
        at: ctx.place('annotations', entry),
        related: [{ message: `Detection ${twin}`, ...ctx.place('annotations', twinEntry) }],
      });
    });
  },
};
