import { annotationName } from '../ruleKit/segmentationShared';
import { INSTANCE_KINDS } from '../coco/kind';
import { isJsonObject, type JsonObject } from '../coco/document';
import { appendElement, removeElement, replaceRange } from '../edits/jsonEdits';
import { idOf } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';
import { annotationFields } from '../ruleKit/annotationFields';

export const annotationUnknownCategory: Rule = {
  id: 'coco/annotation-unknown-category',
  defaultSeverity: 'error',
  scope: 'annotation',
  kinds: [...INSTANCE_KINDS, 'results-wrapped'],
  description: 'An annotation\'s category_id names no category in "categories".',
  why: 'COCOeval skips it without a word (AP looks fine, objects are missing); YOLO converters index a class list with it and crash or write a wrong class.',
  example: { bad: '"categories": [{"id": 1, "name": "cat"}], "annotations": [{"category_id": 4, …}]', good: '"annotations": [{"category_id": 1, …}]' },
  check(ctx) {
    if (ctx.doc.sections.get('categories')?.kind !== 'array') return;
    // Category slots from the shared pass: slots from categoryKeyCount up are ids no category has.
    const { categorySlot, categoryKeyCount } = annotationFields(ctx.doc);
    const entries = ctx.doc.annotationEntries;
    for (let a = 0; a < categorySlot.length; a++) {
      if (categorySlot[a] < categoryKeyCount) continue; // a known category, or no number / string id (-1)
      const entry = entries[a];
      const value = entry.value as JsonObject;
      const categoryId = idOf(value.category_id) as number | string;
      ctx.report({
        message: `${annotationName(value, entry.index)} has category_id ${JSON.stringify(categoryId)}, which is not in "categories".`,
        at: ctx.place('annotations', entry, ['category_id']),
        annotationId: idOf(value.id),
        categoryId,
        data: { index: entry.index },
      });
    }
  },
  /** Keep the annotation: add the missing category, or point it at an existing one. */
  moreFixes(doc, problem) {
    const id = problem.categoryId;
    if (id === undefined) return [];
    const out = [];
    const add = appendElement(doc, doc.categoryEntries, JSON.stringify({ id, name: `category_${String(id)}`, supercategory: '' }).replace(/,"/g, ', "').replace(/":/g, '": '));
    if (add) out.push({ id: `${annotationUnknownCategory.id}#add-category`, title: `Add category ${JSON.stringify(id)} to "categories"`, edits: [add] });
    if (doc.categoryEntries.length > 0) out.push({ id: `${annotationUnknownCategory.id}#change-category`, title: 'Change category_id to…', edits: [replaceRange(problem, '')], choose: 'category' as const });
    return out;
  },
  fix(doc, problem) {
    const index = (problem.data as { index?: number } | undefined)?.index;
    const entry = index === undefined ? undefined : doc.annotationEntries[index];
    if (!entry || problem.start < entry.start || problem.end > entry.end) return undefined;
    const id = isJsonObject(entry.value) ? entry.value.id : undefined;
    return { title: `Delete annotation ${JSON.stringify(id)}`, edits: [removeElement(doc, doc.annotationEntries, entry.index)], deletes: true };
  },
};
