import { isJsonObject } from '../coco/document';
import { SEG_RLE, segmentationFacts } from './facts';
import { annotationName, decodeRleString, idsOf, isRleObject } from './segmentationShared';
import type { Rule } from './types';

export const rleInvalidString: Rule = {
  id: 'coco/rle-invalid-string',
  defaultSeverity: 'error',
  description: "A compressed RLE's counts string does not decode (characters outside '0'..'o', a cut-off number, or negative run lengths).",
  why: "pycocotools' rleFrString decodes any bytes without checking: a stray character, a truncated string or a negative delta turn into huge or wrapped run lengths, so annToMask, area and COCOeval IoU are garbage or read past the mask. Strings mangled by escaping (\\\\), by a text editor or by bytes-to-str with the b'' prefix are the usual cause.",
  example: { bad: '"counts": "b\'PPl12Ok0\'"', good: '"counts": "PPl12Ok0"' },
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
      const counts = ann.segmentation.counts;
      if (typeof counts !== 'string') continue;
      const d = decodeRleString(counts);
      if ('counts' in d) continue;
      ctx.report({
        message: `${annotationName(ann)}: the compressed RLE counts do not decode: ${d.error}.`,
        at: ctx.place('annotations', entry, ['segmentation', 'counts']),
        ...idsOf(ann),
      });
    }
  },
};
