import { ALL_KINDS } from '../coco/kind';
import type { Rule } from '../ruleKit/types';

export const nonFiniteNumber: Rule = {
  id: 'coco/non-finite-number',
  defaultSeverity: 'error',
  kinds: ALL_KINDS,
  description: 'A bare NaN, Infinity or -Infinity stands where a number belongs.',
  why: "Python's json.dump writes these tokens, but they are not JSON: JavaScript, Go and Rust parsers reject the whole file, and in Python a NaN box or area silently poisons IoU and loss computations.",
  example: { bad: '"bbox": [10, 20, NaN, 5]', good: '"bbox": [10, 20, 12.5, 5]' },
  check(ctx) {
    for (const issue of ctx.doc.parseIssues) {
      if (issue.rule !== 'coco/non-finite-number') continue;
      ctx.report({ message: issue.message, at: { jsonPath: issue.jsonPath ?? '$', start: issue.start, end: issue.end } });
    }
  },
};
