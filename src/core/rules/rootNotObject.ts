import type { Rule } from '../ruleKit/types';

export const rootNotObject: Rule = {
  id: 'coco/root-not-object',
  defaultSeverity: 'error',
  description: 'The top level of the file is not a JSON object.',
  why: 'COCO files are one object with "images", "annotations" and "categories"; pycocotools indexes dataset["images"] and fails with a TypeError on a list.',
  example: { bad: '[{"id": 1, "file_name": "a.jpg"}]', good: '{"images": [{"id": 1, "file_name": "a.jpg"}], "annotations": [], "categories": []}' },
  check(ctx) {
    const kind = ctx.doc.rootKind;
    if (kind === undefined || kind === 'object' || !ctx.doc.isJson) return;
    ctx.report({ message: `The top level is ${kind === 'array' ? 'an array' : `a ${kind}`}; a COCO file is an object with "images", "annotations" and "categories".`, at: ctx.sectionPlace() });
  },
};
