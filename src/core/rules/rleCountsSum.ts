import { isJsonObject } from '../coco/document';
import { SEG_RLE, segmentationFacts } from './facts';
import { annotationName, decodeRleString, idsOf, isRleObject, rleSizeOf } from './segmentationShared';
import type { Rule } from './types';

export const rleCountsSum: Rule = {
  id: 'coco/rle-counts-sum',
  defaultSeverity: 'error',
  description: "An RLE's run lengths do not add up to height × width (or are not non-negative integers).",
  why: "pycocotools' maskApi trusts the counts: too few leave the rest of the mask empty, too many write past the mask (decode is undefined behaviour in C), so annToMask, area and COCOeval IoU are wrong or crash; a mask encoded row-major or for another image size is the usual cause.",
  example: { bad: '"segmentation": {"size": [2, 2], "counts": [1, 2]}', good: '"segmentation": {"size": [2, 2], "counts": [1, 2, 1]}' },
  check(ctx) {
    // Locals: imported bindings are property getters in CommonJS output, not free in a hot loop.
    const _SEG_RLE = SEG_RLE;
    const facts = segmentationFacts(ctx.doc);
    const entries = ctx.doc.annotationEntries;
    for (let a = 0; a < facts.count; a++) {
      if (facts.kind[a] !== _SEG_RLE) continue;
      const entry = entries[a];
      const ann = entry.value;
      if (!isJsonObject(ann) || !isRleObject(ann.segmentation)) continue;
      const seg = ann.segmentation;
      const size = rleSizeOf(seg.size);
      if (!size) continue;
      let counts: readonly unknown[];
      if (typeof seg.counts === 'string') {
        const d = decodeRleString(seg.counts);
        if (!('counts' in d)) continue; // coco/rle-invalid-string
        counts = d.counts;
      } else if (Array.isArray(seg.counts)) counts = seg.counts;
      else continue;
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
      if (skip) continue;
      if (bad >= 0) {
        ctx.report({
          message: `${annotationName(ann)}: RLE counts[${bad}] is ${counts[bad]}; run lengths must be non-negative integers.`,
          at: ctx.place('annotations', entry, ['segmentation', 'counts']), ...idsOf(ann),
        });
        continue;
      }
      const expected = size[0] * size[1];
      if (sum === expected) continue;
      ctx.report({
        message: `${annotationName(ann)}: RLE counts sum to ${sum}, but size [${size[0]}, ${size[1]}] needs exactly ${expected} (${sum < expected ? `${expected - sum} pixels short` : `${sum - expected} pixels too many`}).`,
        at: ctx.place('annotations', entry, ['segmentation', 'counts']), ...idsOf(ann),
      });
    }
  },
};
