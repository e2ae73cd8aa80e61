import { INSTANCE_KINDS } from '../coco/kind';
import { forEachRleAnnotation } from '../ruleKit/facts';
import { annotationName, idsOf, imageSizeOf, rleSizeOf } from '../ruleKit/segmentationShared';
import type { Rule } from '../ruleKit/types';

export const rleSizeMismatch: Rule = {
  id: 'coco/rle-size-mismatch',
  defaultSeverity: 'error',
  usesFacts: true,
  scope: 'annotation',
  kinds: INSTANCE_KINDS,
  description: "An RLE segmentation's size is not [image height, image width].",
  why: "pycocotools decodes an RLE with its own size, so annToMask returns an array of the wrong shape: COCOeval's rleIou returns -1 against masks of the image size, and training pipelines crash when stacking masks ([w, h] written for [h, w] is the usual cause).",
  example: { bad: '"height": 480, "width": 640 … "segmentation": {"size": [640, 480], "counts": "…"}', good: '"segmentation": {"size": [480, 640], "counts": "…"}' },
  check(ctx) {
    forEachRleAnnotation(ctx.doc, (entry, ann, rle) => {
      const size = rleSizeOf(rle.size);
      if (!size) return;
      const img = imageSizeOf(ctx.doc, ann);
      if (!img || (size[0] === img.h && size[1] === img.w)) return;
      const swapped = size[0] === img.w && size[1] === img.h;
      ctx.report({
        message: `${annotationName(ann, entry.index)}: RLE size is [${size[0]}, ${size[1]}] but its image is ${img.h} high and ${img.w} wide: size must be [height, width] = [${img.h}, ${img.w}]${swapped ? ' (it looks like [width, height])' : ''}.`,
        at: ctx.place('annotations', entry, ['segmentation', 'size']),
        ...idsOf(ann),
      });
    });
  },
};
