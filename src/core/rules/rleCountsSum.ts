import { INSTANCE_KINDS, RESULT_KINDS } from '../coco/kind';
import { annotationName, decodeRleString, forEachRleSuspect, idsOf, rleSizeOf } from '../ruleKit/segmentationShared';
import type { Rule } from '../ruleKit/types';

export const rleCountsSum: Rule = {
  id: 'coco/rle-counts-sum',
  defaultSeverity: 'error',
  usesFacts: true,
  scope: 'annotation',
  kinds: [...INSTANCE_KINDS, ...RESULT_KINDS],
  description: "An RLE's run lengths do not add up to height × width (or are not non-negative integers).",
  why: "pycocotools' maskApi trusts the counts: too few leave the rest of the mask empty, too many write past the mask (decode is undefined behaviour in C), so annToMask, area and COCOeval IoU are wrong or crash; a mask encoded row-major or for another image size is the usual cause.",
  example: { bad: '"segmentation": {"size": [2, 2], "counts": [1, 2]}', good: '"segmentation": {"size": [2, 2], "counts": [1, 2, 1]}' },
  check(ctx) {
    // Cheap first, and shared: an RLE with a mask source (which coco/area-mismatch and
    // coco/bbox-segmentation-mismatch measure next) has valid counts that sum to h·w.
    forEachRleSuspect(ctx.doc, (entry, ann, rle) => {
      const size = rleSizeOf(rle.size);
      if (!size) return;
      let counts: readonly unknown[];
      if (typeof rle.counts === 'string') {
        const d = decodeRleString(rle.counts);
        if (!('counts' in d)) return; // coco/rle-invalid-string
        counts = d.counts;
      } else if (Array.isArray(rle.counts)) counts = rle.counts;
      else return;
      let sum = 0;
      let bad = -1;
      let skip = false;
      for (let i = 0; i < counts.length; i++) {
        const c = counts[i];
        if (typeof c !== 'number') { skip = true; break; } // wrong type: not ours
        if (!Number.isFinite(c)) { skip = true; break; } // coco/non-finite-number
        if (!Number.isInteger(c) || c < 0) { if (bad < 0) bad = i; continue; }
        sum += c;
      }
      if (skip) return;
      if (bad >= 0) {
        ctx.report({
          message: `${annotationName(ann, entry.index)}: RLE counts[${bad}] is ${counts[bad]}; run lengths must be non-negative integers.`,
          at: ctx.place('annotations', entry, ['segmentation', 'counts']), ...idsOf(ann),
        });
        return;
      }
      const expected = size[0] * size[1];
      if (sum === expected) return;
      ctx.report({
        message: `${annotationName(ann, entry.index)}: RLE counts sum to ${sum}, but size [${size[0]}, ${size[1]}] needs exactly ${expected} (${sum < expected ? `${expected - sum} pixels short` : `${sum - expected} pixels too many`}).`,
        at: ctx.place('annotations', entry, ['segmentation', 'counts']), ...idsOf(ann),
      });
    });
  },
};
