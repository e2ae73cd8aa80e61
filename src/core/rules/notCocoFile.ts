import { kindOf } from '../coco/kind';
import type { Rule } from '../ruleKit/types';

export const notCocoFile: Rule = {
  id: 'coco/not-coco-file',
  defaultSeverity: 'error',
  kinds: ['not-coco'],
  description: 'The JSON is not a COCO file at all (a labelme, Label Studio, CreateML, VOC or CVAT/Datumaro file, a Labelscope config …).',
  why: 'pycocotools.COCO reads dataset["images"], ["annotations"] and ["categories"] and fails with KeyError on any other format; one clear error says what the file is instead of a list of missing sections. Set its kind in .labelscope.json ("kinds") if it is a COCO file after all.',
  example: { bad: '{"version": "5.4.1", "shapes": [...], "imagePath": "a.jpg"}', good: 'labelme2coco.py input_dir output_dir --labels labels.txt' },
  check(ctx) {
    const info = kindOf(ctx.doc);
    if (!ctx.doc.isJson) return; // coco/invalid-json says why
    // A non-object top level nobody recognises is coco/root-not-object's.
    if (ctx.doc.rootKind !== 'object' && (!info.looksLike || info.looksLike.includes('COCO images'))) return;
    const what = info.looksLike ? `this looks like ${info.looksLike}` : 'it has none of "images", "annotations" and "categories"';
    ctx.report({
      message: `This is not a COCO file: ${what}.${info.advice ? ` ${info.advice[0].toUpperCase()}${info.advice.slice(1)}.` : ''}`,
      at: ctx.sectionPlace(),
      data: { looksLike: info.looksLike },
    });
  },
};
