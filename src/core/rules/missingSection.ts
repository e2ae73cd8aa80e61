import type { Rule } from '../ruleKit/types';

const REQUIRED = ['images', 'annotations', 'categories'] as const;

export const missingSection: Rule = {
  id: 'coco/missing-section',
  defaultSeverity: 'error',
  description: 'One of "images", "annotations" or "categories" is missing.',
  why: 'pycocotools.COCO.createIndex reads all three: a missing "annotations" gives empty evaluation results with no warning, a missing "categories" a KeyError in loadCats; detectron2 and mmdetection fail at registration.',
  example: { bad: '{"images": [], "annotations": []}', good: '{"images": [], "annotations": [], "categories": []}' },
  check(ctx) {
    if (ctx.doc.rootKind !== 'object') return;
    for (const name of REQUIRED) {
      if (ctx.doc.sections.has(name)) continue;
      ctx.report({ message: `The "${name}" section is missing.`, at: ctx.sectionPlace(), data: { section: name } });
    }
  },
};
