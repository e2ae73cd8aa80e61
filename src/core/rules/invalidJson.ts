import { ALL_KINDS } from '../coco/kind';
import type { Rule } from '../ruleKit/types';

export const invalidJson: Rule = {
  id: 'coco/invalid-json',
  defaultSeverity: 'error',
  kinds: ALL_KINDS,
  description: 'The file is not valid JSON.',
  why: 'Every loader (pycocotools, Ultralytics, detectron2, mmdetection) stops at the first syntax error; a truncated download or a hand edit is the usual cause.',
  example: { bad: '{"images": [ {"id": 1, } ]}', good: '{"images": [ {"id": 1} ]}' },
  check(ctx) {
    for (const issue of ctx.doc.parseIssues) {
      if (issue.rule !== 'coco/invalid-json') continue;
      ctx.report({ message: issue.message, at: { jsonPath: issue.jsonPath ?? '$', start: issue.start, end: issue.end } });
    }
  },
};
