import { DATASET_KINDS } from '../coco/kind';
import type { Rule } from '../ruleKit/types';

/** The sections loaders iterate; "info" and "licenses" are coco/optional-section-wrong-type's (nothing reads them). */
const EXPECTED: Record<string, 'array' | 'object'> = {
  images: 'array', annotations: 'array', categories: 'array',
};

export const sectionWrongType: Rule = {
  id: 'coco/section-wrong-type',
  defaultSeverity: 'error',
  kinds: [...DATASET_KINDS, 'results-wrapped'],
  description: '"images", "annotations" or "categories" is not an array.',
  why: 'Loaders iterate these sections; an object or null where a list belongs raises a TypeError (pycocotools) or is silently read as empty (some converters).',
  example: { bad: '"annotations": {}', good: '"annotations": []' },
  check(ctx) {
    for (const [name, expected] of Object.entries(EXPECTED)) {
      const section = ctx.doc.sections.get(name);
      if (!section || section.kind === expected) continue;
      ctx.report({ message: `"${name}" must be ${expected === 'array' ? 'an array' : 'an object'}, found ${section.kind === 'array' || section.kind === 'object' ? `an ${section.kind}` : section.kind}.`, at: ctx.sectionPlace(name) });
    }
  },
};
