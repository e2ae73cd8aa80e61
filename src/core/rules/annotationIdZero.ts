import { INSTANCE_KINDS } from '../coco/kind';
import { replaceRange } from '../edits/jsonEdits';
import { annotationIdStats } from '../ruleKit/datasetStats';
import type { Rule } from '../ruleKit/types';
import { T_INTEGER, annotationFields } from '../ruleKit/annotationFields';

export const annotationIdZero: Rule = {
  id: 'coco/annotation-id-zero',
  defaultSeverity: 'warning',
  kinds: INSTANCE_KINDS,
  description: 'An annotation has id 0.',
  why: 'COCOeval records matches in its gtm/dtm arrays by annotation id and treats 0 as "unmatched": a ground-truth box with id 0 is never counted as matched, so AP drops (a labelme2coco export scores 0.949 instead of 1.0 against itself).',
  example: { bad: '"annotations": [{"id": 0, …}, {"id": 1, …}]', good: '"annotations": [{"id": 2, …}, {"id": 1, …}]' },
  check(ctx) {
    // Locals: imported bindings are property getters in CommonJS output (tsx, tests), not free in a hot loop.
    const _T_INTEGER = T_INTEGER;
    let rank = 0;
    // Numeric ids from the shared pass (0 is an integer; only objects have a type there).
    const { types, id } = annotationFields(ctx.doc);
    const entries = ctx.doc.annotationEntries;
    for (let a = 0; a < types.length; a++) {
      if ((types[a] & 15) !== _T_INTEGER || id[a] !== 0) continue;
      const entry = entries[a];
      ctx.report({
        message: 'Annotation id 0: COCOeval takes id 0 for "unmatched", so this box never counts as found and AP drops.',
        at: ctx.place('annotations', entry, ['id']),
        annotationId: 0,
        data: { index: entry.index, rank: rank++ },
      });
    }
  },
  fix(doc, problem) {
    const rank = (problem.data as { rank?: number } | undefined)?.rank ?? 0;
    const text = new TextDecoder().decode(doc.bytes.subarray(problem.start, problem.end));
    if (text.trim() !== '0') return undefined;
    const newId = annotationIdStats(doc).max + 1 + rank;
    return { title: `Change the id to ${newId} (one more than the largest annotation id)`, edits: [replaceRange(problem, String(newId))] };
  },
};
