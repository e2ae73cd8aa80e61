import { isJsonObject } from '../coco/document';
import { RESULT_KINDS } from '../coco/kind';
import { idOf } from '../ruleKit/schema';
import { detectionName, forEachDetection, referenceDataset } from '../ruleKit/results';
import { isRleObject, rleSizeOf } from '../ruleKit/segmentationShared';
import type { Rule } from '../ruleKit/types';

export const resultRleSizeMismatch: Rule = {
  id: 'coco/result-rle-size-mismatch',
  defaultSeverity: 'error',
  kinds: RESULT_KINDS,
  description: 'A detection\'s RLE size is not [height, width] of its ground-truth image (checked with --gt).',
  why: 'COCOeval\'s segm IoU (maskUtils.iou) compares the detection\'s mask with the ground truth\'s, which has the image\'s size: a different size raises "The dt and gt should have the same size" and evaluation stops ([w, h] written for [h, w] is the usual cause).',
  example: { bad: 'image 640 wide, 480 high; "segmentation": {"size": [640, 480], …}', good: '"segmentation": {"size": [480, 640], …}' },
  check(ctx) {
    const ref = referenceDataset(ctx);
    if (!ref) return;
    forEachDetection(ctx.doc, (entry, det) => {
      if (!isRleObject(det.segmentation)) return;
      const size = rleSizeOf(det.segmentation.size);
      const imageId = idOf(det.image_id);
      const img = imageId === undefined ? undefined : ref.imageById(imageId);
      if (!size || !isJsonObject(img) || typeof img.width !== 'number' || typeof img.height !== 'number') return;
      if (size[0] === img.height && size[1] === img.width) return;
      const swapped = size[0] === img.width && size[1] === img.height;
      ctx.report({
        message: `${detectionName(entry)}: RLE size is [${size[0]}, ${size[1]}] but image ${JSON.stringify(imageId)} is ${img.height} high and ${img.width} wide: size must be [${img.height}, ${img.width}]${swapped ? ' (it looks like [width, height])' : ''}.`,
        at: ctx.place('annotations', entry, ['segmentation', 'size']),
        imageId,
      });
    });
  },
};
