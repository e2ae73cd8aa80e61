import { DATASET_KINDS } from '../coco/kind';
import type { Rule } from '../ruleKit/types';

const EXPECTED: Record<string, 'array' | 'object'> = { info: 'object', licenses: 'array' };

export const optionalSectionWrongType: Rule = {
  id: 'coco/optional-section-wrong-type',
  defaultSeverity: 'warning',
  kinds: [...DATASET_KINDS, 'results-wrapped'],
  description: '"info" is not an object or "licenses" is not an array (e.g. "info": null).',
  why: 'pycocotools, COCOeval, detectron2, mmdetection and Ultralytics never read them (mmdetection\'s own test data has "info": null), so training and evaluation are unaffected; COCO.info() prints nothing useful and a few importers that copy "info" (older CVAT, FiftyOne) may choke.',
  example: { bad: '"info": null', good: '"info": {"description": "my dataset"}' },
  check(ctx) {
    for (const [name, expected] of Object.entries(EXPECTED)) {
      const section = ctx.doc.sections.get(name);
      if (!section || section.kind === expected) continue;
      const found = section.kind === 'array' || section.kind === 'object' ? `an ${section.kind}` : section.kind;
      ctx.report({
        message: `"${name}" should be ${expected === 'array' ? 'an array' : 'an object'}, found ${found}; pycocotools never reads it, so this only matters to importers that copy it.`,
        at: ctx.sectionPlace(name),
      });
    }
  },
};
