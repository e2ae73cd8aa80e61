import { ANY_COCO_KIND } from '../coco/kind';
import { ARRAY_SECTIONS, isJsonObject } from '../coco/document';
import { idOf, typeMismatch } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';
import { fieldsFor, nounFor } from '../ruleKit/kindFields';
import { A_OBJECT, FIELD_SHIFT, MISFIT, annotationFields, isAnnotationField } from '../ruleKit/annotationFields';

export const wrongType: Rule = {
  id: 'coco/wrong-type',
  defaultSeverity: 'error',
  kinds: ANY_COCO_KIND,
  description: 'A field has the wrong JSON type: a string id, a number written as a string, null where a number belongs.',
  why: 'pycocotools matches annotations to images with dict lookups, so "image_id": "1" never meets "id": 1 and the annotation is silently lost; string widths break box normalization in converters.',
  example: { bad: '{"id": "17", "image_id": 1, "category_id": 3, "bbox": [1, 2, 3, 4]}', good: '{"id": 17, "image_id": 1, "category_id": 3, "bbox": [1, 2, 3, 4]}' },
  check(ctx) {
    // Locals: imported bindings are property getters in CommonJS output (tsx, tests), not free in a hot loop.
    const _A_OBJECT = A_OBJECT;
    for (const section of ARRAY_SECTIONS) {
      const fields = fieldsFor(ctx.kind, section);
      const entries = ctx.doc.entries(section);
      // Annotations, cheap first: the shared pass knows each field's JSON type; only an
      // annotation with a field of the wrong type is read again (the loop below, unchanged).
      const checks = section === 'annotations' && fields.every((f) => isAnnotationField(f.name))
        ? fields.map((f) => [FIELD_SHIFT[f.name as keyof typeof FIELD_SHIFT], MISFIT[f.type]]) : undefined;
      const shifts = checks ? Int32Array.from(checks, (c) => c[0]) : undefined;
      const misfits = checks ? Int32Array.from(checks, (c) => c[1]) : undefined;
      const types = checks ? annotationFields(ctx.doc).types : undefined;
      let lastTypes = -1, lastWrong = false;
      for (let i = 0; i < entries.length; i++) {
        if (types !== undefined && shifts !== undefined && misfits !== undefined) {
          const t = types[i];
          if ((t & _A_OBJECT) === 0) continue;
          // Nearly every annotation has the types of the one before: its answer is remembered.
          let wrong: boolean = lastWrong;
          if (t !== lastTypes) {
            wrong = false;
            for (let k = 0; k < shifts.length; k++) if (((misfits[k] >>> ((t >>> shifts[k]) & 15)) & 1) !== 0) { wrong = true; break; }
            lastTypes = t; lastWrong = wrong;
          }
          if (!wrong) continue;
        }
        const entry = entries[i];
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
