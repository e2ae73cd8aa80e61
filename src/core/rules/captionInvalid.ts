import { RESULT_KINDS } from '../coco/kind';
import { isJsonObject } from '../coco/document';
import { describeJson, idOf } from '../ruleKit/schema';
import { annotationName } from '../ruleKit/segmentationShared';
import type { Rule } from '../ruleKit/types';

export const captionInvalid: Rule = {
  id: 'coco/caption-invalid',
  defaultSeverity: 'error',
  kinds: ['captions', ...RESULT_KINDS],
  description: 'A caption annotation has no "caption", or one that is not a non-empty string.',
  why: 'The COCO caption evaluation (pycocoevalcap) tokenizes every caption with the PTB tokenizer: a missing caption raises KeyError, a number or null a TypeError; an empty reference caption scores every candidate 0 on BLEU and CIDEr for that image.',
  example: { bad: '{"id": 7, "image_id": 1, "caption": ""}', good: '{"id": 7, "image_id": 1, "caption": "A cat sleeps on a red sofa."}' },
  check(ctx) {
    for (const entry of ctx.doc.annotationEntries) {
      const ann = entry.value;
      if (!isJsonObject(ann)) continue;
      // In a results file only caption results are checked (detections have no caption).
      if (ctx.kind !== 'captions' && !('caption' in ann)) continue;
      const c = ann.caption;
      if (typeof c === 'string' && c.trim() !== '') continue;
      const name = ctx.kind === 'captions' ? annotationName(ann, entry.index) : `Caption result ${entry.index}`;
      ctx.report({
        message: !('caption' in ann)
          ? `${name} has no "caption".`
          : typeof c === 'string'
            ? `${name} has an empty caption.`
            : `${name}: "caption" is ${describeJson(c)}, not a string.`,
        at: 'caption' in ann ? ctx.place('annotations', entry, ['caption']) : ctx.place('annotations', entry),
        ...(idOf(ann.id) !== undefined ? { annotationId: idOf(ann.id) } : {}),
        ...(idOf(ann.image_id) !== undefined ? { imageId: idOf(ann.image_id) } : {}),
      });
    }
  },
};
