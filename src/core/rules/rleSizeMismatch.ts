import { INSTANCE_KINDS } from '../coco/kind';
import type { JsonObject } from '../coco/document';
import { SEG_RLE, segmentationFacts, type RleObject } from '../ruleKit/facts';
import { annotationName, idsOf, rleSizeOf } from '../ruleKit/segmentationShared';
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
    // Locals: imported bindings are property getters in CommonJS output (tsx, tests), not free in a hot loop.
    const _SEG_RLE = SEG_RLE;
    // imageSizeOf from the facts' image slots (the first image with the id, positive integer
    // width and height: slotW / slotH), without the document's index of images by id.
    const facts = segmentationFacts(ctx.doc);
    const entries = ctx.doc.annotationEntries;
    for (let a = 0; a < facts.count; a++) {
      if (facts.kind[a] !== _SEG_RLE) continue;
      const entry = entries[a];
      const ann = entry.value as JsonObject;
      const size = rleSizeOf((ann.segmentation as unknown as RleObject).size);
      if (!size) continue;
      const slot = facts.imageSlot[a];
      if (slot < 0 || !(facts.slotW[slot] > 0)) continue;
      const img = { h: facts.slotH[slot], w: facts.slotW[slot] };
      if (size[0] === img.h && size[1] === img.w) continue;
      const swapped = size[0] === img.w && size[1] === img.h;
      ctx.report({
        message: `${annotationName(ann, entry.index)}: RLE size is [${size[0]}, ${size[1]}] but its image is ${img.h} high and ${img.w} wide: size must be [height, width] = [${img.h}, ${img.w}]${swapped ? ' (it looks like [width, height])' : ''}.`,
        at: ctx.place('annotations', entry, ['segmentation', 'size']),
        ...idsOf(ann),
      });
    }
  },
};
