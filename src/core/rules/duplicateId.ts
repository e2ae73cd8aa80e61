import { DATASET_KINDS } from '../coco/kind';
import { isJsonObject } from '../coco/document';
import { replaceRange } from '../edits/jsonEdits';
import { annotationIdStats } from '../ruleKit/datasetStats';
import { NOUN, idOf } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';

const SECTIONS = ['images', 'annotations', 'categories'] as const;

export const duplicateId: Rule = {
  id: 'coco/duplicate-id',
  defaultSeverity: 'error',
  kinds: [...DATASET_KINDS, 'results-wrapped'],
  description: 'Two images, two annotations or two categories share an id.',
  why: 'pycocotools keeps only the last object per id in its index: a duplicate image id re-attaches the other image\'s annotations, a duplicate annotation id breaks COCOeval matching, a duplicate category id merges two classes.',
  example: { bad: '"annotations": [{"id": 5, …}, {"id": 5, …}]', good: '"annotations": [{"id": 5, …}, {"id": 6, …}]' },
  check(ctx) {
    for (const section of SECTIONS) {
      const firstIndexById = new Map<number | string, number>();
      let rank = 0;
      const entries = ctx.doc.entries(section);
      for (const entry of entries) {
        if (!isJsonObject(entry.value)) continue;
        const id = idOf(entry.value.id);
        if (id === undefined) continue;
        const first = firstIndexById.get(id);
        if (first === undefined) { firstIndexById.set(id, entry.index); continue; }
        const twin = ctx.place(section, entries[first], ['id']);
        ctx.report({
          message: `Duplicate ${NOUN[section]} id ${JSON.stringify(id)}: ${section}[${first}] has it too.`,
          at: ctx.place(section, entry, ['id']),
          ...(section === 'annotations' ? { annotationId: id } : section === 'images' ? { imageId: id } : { categoryId: id }),
          related: [{ message: `First ${NOUN[section]} with id ${JSON.stringify(id)}`, ...twin }],
          data: { section, firstIndex: first, index: entry.index, rank: rank++ },
        });
      }
    }
  },
  fix(doc, problem) {
    // Only annotations: a new image or category id would orphan the annotations that refer to it.
    const data = problem.data as { section?: string; rank?: number } | undefined;
    if (data?.section !== 'annotations') return undefined;
    const text = new TextDecoder().decode(doc.bytes.subarray(problem.start, problem.end)).trim();
    if (!/^-?\d+$/.test(text)) return undefined;
    // Past the largest id, and past the ids coco/annotation-id-zero's fix hands out, so fix-all gives distinct ids.
    const stats = annotationIdStats(doc);
    const newId = stats.max + 1 + stats.zeros + (data.rank ?? 0);
    return { title: `Renumber this annotation to ${newId} (an id no other annotation has)`, edits: [replaceRange(problem, String(newId))] };
  },
};
