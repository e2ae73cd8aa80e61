import { ANY_COCO_KIND } from '../coco/kind';
import { ARRAY_SECTIONS, isJsonObject } from '../coco/document';
import { idOf, typeMismatch } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';
import { fieldsFor, nounFor } from '../ruleKit/kindFields';

export const wrongType: Rule = {
  id: 'coco/wrong-type',
  defaultSeverity: 'error',
  kinds: ANY_COCO_KIND,
  description: 'A field has the wrong JSON type: a string id, a number written as a string, null where a number belongs.',
  why: 'pycocotools matches annotations to images with dict lookups, so "image_id": "1" never meets "id": 1 and the annotation is silently lost; string widths break box normalization in converters.',
  example: { bad: '{"id": "17", "image_id": 1, "category_id": 3, "bbox": [1, 2, 3, 4]}', good: '{"id": 17, "image_id": 1, "category_id": 3, "bbox": [1, 2, 3, 4]}' },
  check(ctx) {
    for (const section of ARRAY_SECTIONS) {
      const fields = fieldsFor(ctx.kind, section);
      for (const entry of ctx.doc.entries(section)) {
        const value = entry.value;
        if (!isJsonObject(value)) continue;
        for (const field of fields) {
          // One keyed load, not `in` and a load (12M of them on train2017): JSON has no undefined, so undefined is absent.
          const fieldValue = value[field.name];
          if (fieldValue === undefined) continue;
          const why = typeMismatch(fieldValue, field.type);
          if (why === undefined) continue;
          const id = idOf(value.id);
          ctx.report({
            message: `"${field.name}" of this ${nounFor(ctx.kind, section)}${id !== undefined ? ` (id ${JSON.stringify(id)})` : ` at index ${entry.index}`} ${why}.`,
            at: ctx.place(section, entry, [field.name]),
            ...(section === 'annotations' ? { annotationId: id } : section === 'images' ? { imageId: id } : section === 'categories' ? { categoryId: id } : {}),
            data: { field: field.name },
          });
        }
      }
    }
  },
};
