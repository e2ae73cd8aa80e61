import { kindOf } from '../coco/kind';
import type { Rule } from '../ruleKit/types';

export const rootNotObject: Rule = {
  id: 'coco/root-not-object',
  defaultSeverity: 'error',
  kinds: ['not-coco'],
  description: 'The top level of the file is neither a COCO object nor a results list.',
  why: 'COCO datasets are one object with "images", "annotations" and "categories"; pycocotools indexes dataset["images"] and fails with a TypeError on anything else. (A list of detections is a results file, checked as one.)',
  example: { bad: '[{"id": 1, "file_name": "a.jpg"}]', good: '{"images": [{"id": 1, "file_name": "a.jpg"}], "annotations": [], "categories": []}' },
  check(ctx) {
    const kind = ctx.doc.rootKind;
    if (kind === undefined || kind === 'object' || !ctx.doc.isJson) return;
    const info = kindOf(ctx.doc);
    if (kind === 'array' && info.looksLike && !info.looksLike.includes('COCO images')) return; // coco/not-coco-file names it
    const what = kind === 'array' ? (info.looksLike ? `an array (${info.looksLike})` : 'an array whose elements are not detections') : `a ${kind}`;
    ctx.report({
      message: `The top level is ${what}; a COCO file is an object with "images", "annotations" and "categories", and a results file a list of detections ({"image_id", "category_id", "bbox", "score"}).`,
      at: ctx.sectionPlace(),
    });
  },
};
