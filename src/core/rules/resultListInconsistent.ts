import { isJsonObject } from '../coco/document';
import { detectionName } from '../ruleKit/results';
import { isRleObject } from '../ruleKit/segmentationShared';
import type { Rule } from '../ruleKit/types';

export const resultListInconsistent: Rule = {
  id: 'coco/result-list-inconsistent',
  defaultSeverity: 'error',
  kinds: ['results'],
  description: 'A results list COCO.loadRes cannot read: it is empty, or its detections are not all of the kind its first one is (loadRes decides from the first).',
  why: 'COCO.loadRes looks only at anns[0]: an empty list raises IndexError; when the first has a "bbox", every result\'s bbox is read (KeyError on one without); when the first has only a "segmentation", every segmentation goes to maskUtils.area, which takes RLE only (polygons raise a TypeError), and boxes are computed from it.',
  example: { bad: '[{"image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "score": 0.9}, {"image_id": 1, "category_id": 1, "segmentation": {"size": [480, 640], "counts": "…"}, "score": 0.8}]', good: 'every detection with a "bbox" (and, for segm evaluation, an RLE "segmentation")' },
  check(ctx) {
    const entries = ctx.doc.annotationEntries;
    if (!ctx.doc.isJson) return;
    if (entries.length === 0) {
      ctx.report({ message: 'The results list is empty: COCO.loadRes raises IndexError (it reads anns[0]); write at least one detection or skip the evaluation.', at: ctx.sectionPlace() });
      return;
    }
    const first = entries[0].value;
    if (!isJsonObject(first) || 'caption' in first) return;
    const byBox = 'bbox' in first && !(Array.isArray(first.bbox) && first.bbox.length === 0);
    const bySegm = !byBox && 'segmentation' in first;
    let reported = 0;
    for (const entry of entries) {
      const det = entry.value;
      if (!isJsonObject(det) || reported >= 20) continue;
      let problem: string | undefined;
      if (byBox && !('bbox' in det)) problem = 'has no "bbox", but the first result has one: COCO.loadRes reads every result\'s bbox and raises KeyError';
      else if (bySegm && !isRleObject(det.segmentation)) problem = `has ${'segmentation' in det ? 'a segmentation that is not an RLE' : 'no "segmentation"'}, but the first result is a mask without a box: COCO.loadRes passes every segmentation to maskUtils.area, which takes RLE only`;
      if (!problem) continue;
      reported++;
      ctx.report({ message: `${detectionName(entry)} ${problem}.`, at: ctx.place('annotations', entry) });
    }
  },
};
