import { annotationName } from '../ruleKit/segmentationShared';
import { INSTANCE_KINDS } from '../coco/kind';
import { isJsonObject } from '../coco/document';
import { removeElement } from '../edits/jsonEdits';
import { idOf } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';

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
    for (const entry of ctx.doc.annotationEntries) {
      const value = entry.value;
      if (!isJsonObject(value)) continue;
      const categoryId = idOf(value.category_id);
      if (categoryId === undefined || ctx.doc.categoryById(categoryId) !== undefined) continue;
      ctx.report({
        message: `${annotationName(value, entry.index)} has category_id ${JSON.stringify(categoryId)}, which is not in "categories".`,
        at: ctx.place('annotations', entry, ['category_id']),
        annotationId: idOf(value.id),
        categoryId,
        data: { index: entry.index },
      });
    }
  },
  fix(doc, problem) {
    const index = (problem.data as { index?: number } | undefined)?.index;
    const entry = index === undefined ? undefined : doc.annotationEntries[index];
    if (!entry || problem.start < entry.start || problem.end > entry.end) return undefined;
    const id = isJsonObject(entry.value) ? entry.value.id : undefined;
    return { title: `Delete annotation ${JSON.stringify(id)}`, edits: [removeElement(doc, doc.annotationEntries, entry.index)] };
  },
};
