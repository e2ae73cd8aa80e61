import { DATASET_KINDS } from '../coco/kind';
import { isJsonObject } from '../coco/document';
import { replaceRange } from '../edits/jsonEdits';
import { annotationIdStats } from '../ruleKit/datasetStats';
import { NOUN, idOf } from '../ruleKit/schema';
import { allocateColumns } from '../ruleKit/factColumns';
import { A_OBJECT, T_INTEGER, T_NON_FINITE, T_NUMBER, T_STRING, annotationFields } from '../ruleKit/annotationFields';
import type { Rule } from '../ruleKit/types';

const SECTIONS = ['images', 'annotations', 'categories'] as const;

/**
 * The first index seen per id, as a Map<id, index> keeps it, but small non-negative integer ids
 * (nearly all of them) in a typed array: a million Map insertions cost ~0.5 s on train2017.
 * Equal ids land in the same place either way (a number is always stored the same way; -0 is 0).
 */
class FirstIndexById {
  private slots: Int32Array; // index + 1, 0: not seen; shared memory (factColumns.ts: no external-memory full GC)
  private readonly limit: number;
  private readonly others = new Map<number | string, number>();

  constructor(count: number) {
    this.limit = Math.max(1 << 20, 4 * count);
    this.slots = allocateColumns(Math.min(this.limit, Math.max(1024, count + 1)), ['i32'] as const)[0];
  }

  /** The first index with `id`; when there is none, `index` becomes it (and is returned). */
  firstOr(id: number | string, index: number): number {
    if (typeof id === 'number' && id >>> 0 === id && id < this.limit) {
      if (id >= this.slots.length) this.grow(id);
      const seen = this.slots[id];
      if (seen !== 0) return seen - 1;
      this.slots[id] = index + 1;
      return index;
    }
    const first = this.others.get(id);
    if (first !== undefined) return first;
    this.others.set(id, index);
    return index;
  }

  private grow(id: number): void {
    const [next] = allocateColumns(Math.min(this.limit, Math.max(id + 1, 2 * this.slots.length)), ['i32'] as const);
    next.set(this.slots);
    this.slots = next;
  }
}

export const duplicateId: Rule = {
  id: 'coco/duplicate-id',
  defaultSeverity: 'error',
  kinds: [...DATASET_KINDS, 'results-wrapped'],
  description: 'Two images, two annotations or two categories share an id.',
  why: 'pycocotools keeps only the last object per id in its index: a duplicate image id re-attaches the other image\'s annotations, a duplicate annotation id breaks COCOeval matching, a duplicate category id merges two classes.',
  example: { bad: '"annotations": [{"id": 5, …}, {"id": 5, …}]', good: '"annotations": [{"id": 5, …}, {"id": 6, …}]' },
  check(ctx) {
    // Locals: imported bindings are property getters in CommonJS output (tsx, tests), not free in a hot loop.
    const _A_OBJECT = A_OBJECT, _T_INTEGER = T_INTEGER, _T_NUMBER = T_NUMBER, _T_NON_FINITE = T_NON_FINITE, _T_STRING = T_STRING;
    for (const section of SECTIONS) {
      const entries = ctx.doc.entries(section);
      const firstIndexById = new FirstIndexById(entries.length);
      let rank = 0;
      // Annotations: numeric ids from the shared pass; only string ids are read from the value.
      const fields = section === 'annotations' ? annotationFields(ctx.doc) : undefined;
      for (let i = 0; i < entries.length; i++) {
        let id: number | string | undefined;
        if (fields !== undefined) {
          const t = fields.types[i];
          if ((t & _A_OBJECT) === 0) continue;
          const code = t & 15;
          if (code === _T_INTEGER || code === _T_NUMBER || code === _T_NON_FINITE) id = fields.id[i];
          else if (code === _T_STRING) id = (entries[i].value as { id: string }).id;
          else continue;
        } else {
          const value = entries[i].value;
          if (!isJsonObject(value)) continue;
          id = idOf(value.id);
          if (id === undefined) continue;
        }
        const first = firstIndexById.firstOr(id, i);
        if (first === i) continue;
        const entry = entries[i];
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
