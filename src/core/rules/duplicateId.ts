import { isJsonObject } from '../coco/document';
import { NOUN, idOf } from './schema';
import type { Rule } from './types';

const SECTIONS = ['images', 'annotations', 'categories'] as const;

export const duplicateId: Rule = {
  id: 'coco/duplicate-id',
  defaultSeverity: 'error',
  description: 'Two images, two annotations or two categories share an id.',
  why: 'pycocotools keeps only the last object per id in its index: a duplicate image id re-attaches the other image\'s annotations, a duplicate annotation id breaks COCOeval matching, a duplicate category id merges two classes.',
  example: { bad: '"annotations": [{"id": 5, …}, {"id": 5, …}]', good: '"annotations": [{"id": 5, …}, {"id": 6, …}]' },
  check(ctx) {
    for (const section of SECTIONS) {
      const firstIndexById = new Map<number | string, number>();
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
          data: { section, firstIndex: first },
        });
      }
    }
  },
};
