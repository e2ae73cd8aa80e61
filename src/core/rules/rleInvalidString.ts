import { INSTANCE_KINDS, RESULT_KINDS } from '../coco/kind';
import { annotationName, decodeRleString, forEachRleSuspect, idsOf } from '../ruleKit/segmentationShared';
import type { Rule } from '../ruleKit/types';

export const rleInvalidString: Rule = {
  id: 'coco/rle-invalid-string',
  defaultSeverity: 'error',
  usesFacts: true,
  scope: 'annotation',
  kinds: [...INSTANCE_KINDS, ...RESULT_KINDS],
  description: "A compressed RLE's counts string does not decode (characters outside '0'..'o', a cut-off number, or negative run lengths).",
  why: "pycocotools' rleFrString decodes any bytes without checking: a stray character, a truncated string or a negative delta turn into huge or wrapped run lengths, so annToMask, area and COCOeval IoU are garbage or read past the mask. Strings mangled by escaping (\\\\), by a text editor or by bytes-to-str with the b'' prefix are the usual cause.",
  example: { bad: '"counts": "b\'PPl12Ok0\'"', good: '"counts": "PPl12Ok0"' },
  check(ctx) {
    // Cheap first: an RLE with a mask source (made already by coco/rle-counts-sum) has counts
    // that are a list or a string that decodes.
    forEachRleSuspect(ctx.doc, (entry, ann, rle) => {
      const counts = rle.counts;
      if (typeof counts !== 'string') return;
      const d = decodeRleString(counts);
      if ('counts' in d) return;
      ctx.report({
        message: `${annotationName(ann, entry.index)}: the compressed RLE counts do not decode: ${d.error}.`,
        at: ctx.place('annotations', entry, ['segmentation', 'counts']),
        ...idsOf(ann),
      });
    });
  },
};
