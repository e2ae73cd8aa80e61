import { RESULT_KINDS } from '../coco/kind';
import { detectionName, forEachDetection } from '../ruleKit/results';
import { boxIou, finiteBbox, formatBox, isRleObject, maskBox, rleCountsOf, rleSizeOf } from '../ruleKit/segmentationShared';
import type { Rule } from '../ruleKit/types';

export const resultBboxMaskMismatch: Rule = {
  id: 'coco/result-bbox-mask-mismatch',
  defaultSeverity: 'warning',
  kinds: RESULT_KINDS,
  description: 'A detection has both a bbox and an RLE mask, and the box is not the mask\'s box (IoU below minIou, default 0.9).',
  why: 'COCO.loadRes picks one branch for the whole file from the first result: when it has a "bbox", every area is taken as w × h of the box, even in segm evaluation, so a box that disagrees with its mask puts the object in the wrong small/medium/large range; bbox evaluation scores the box, segm the mask, and the two APs disagree for no visible reason.',
  example: { bad: '"bbox": [0, 0, 50, 50], "segmentation": {"size": [480, 640], "counts": "…mask at 300, 200…"}', good: '"bbox": [300, 200, 40, 30]  (the mask\'s box, maskUtils.toBbox)' },
  defaultOptions: { minIou: 0.9 },
  check(ctx) {
    const minIou = typeof ctx.options.minIou === 'number' ? ctx.options.minIou : 0.9;
    forEachDetection(ctx.doc, (entry, det) => {
      const box = finiteBbox(det.bbox);
      const seg = det.segmentation;
      if (!box || !isRleObject(seg)) return;
      const size = rleSizeOf(seg.size);
      const counts = size ? rleCountsOf(seg.counts) : undefined;
      if (!size || !counts) return;
      let sum = 0;
      for (const c of counts) sum += c;
      if (sum !== size[0] * size[1]) return; // coco/rle-counts-sum
      const mb = maskBox({ kind: 'rle', counts, h: size[0], w: size[1] });
      if (mb[2] === 0 && mb[3] === 0) return; // an empty mask has no box to compare
      const iou = boxIou(box, mb);
      if (iou >= minIou) return;
      ctx.report({
        message: `${detectionName(entry)}: bbox ${formatBox(box)} is not its mask's box ${formatBox(mb)} (IoU ${iou.toFixed(2)}); loadRes will use the box's area ${Math.round(box[2] * box[3])} even in segm evaluation.`,
        at: ctx.place('annotations', entry, ['bbox']),
        data: { maskBox: mb },
      });
    });
  },
};
