import { INSTANCE_KINDS, RESULT_KINDS } from '../coco/kind';
import type { JsonObject } from '../coco/document';
import { SEG_RLE, segmentationFacts, type RleObject } from '../ruleKit/facts';
import { annotationName, decodeRleString, idsOf, maskSourceAt } from '../ruleKit/segmentationShared';
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
    const doc = ctx.doc;
    const facts = segmentationFacts(doc);
    const entries = doc.annotationEntries;
    const _SEG_RLE = SEG_RLE;
    for (let a = 0; a < facts.count; a++) {
      if (facts.kind[a] !== _SEG_RLE) continue;
      // Cheap first: an RLE with a mask source (maskSourceAt, made already by coco/rle-counts-sum)
      // has counts that are a list or a string that decodes.
      if (maskSourceAt(doc, a) !== undefined) continue;
      const entry = entries[a];
      const ann = entry.value as JsonObject;
      const counts = (ann.segmentation as unknown as RleObject).counts;
      if (typeof counts !== 'string') continue;
      const d = decodeRleString(counts);
      if ('counts' in d) continue;
      ctx.report({
        message: `${annotationName(ann, entry.index)}: the compressed RLE counts do not decode: ${d.error}.`,
        at: ctx.place('annotations', entry, ['segmentation', 'counts']),
        ...idsOf(ann),
      });
    }
  },
};
