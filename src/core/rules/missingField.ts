import { ANY_COCO_KIND } from '../coco/kind';
import { ARRAY_SECTIONS, isJsonObject } from '../coco/document';
import { idOf } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';
import { fieldsFor, nounFor } from '../ruleKit/kindFields';
import { A_OBJECT, FIELD_SHIFT, T_ABSENT, annotationFields, isAnnotationField } from '../ruleKit/annotationFields';

export const missingField: Rule = {
  id: 'coco/missing-field',
  defaultSeverity: 'error',
  kinds: ANY_COCO_KIND,
  description: 'An image, annotation or category lacks a field its kind of file requires (instances: id, image_id, category_id, bbox; captions: id, image_id; panoptic: image_id, file_name, segments_info; results: image_id, category_id; images: id, width, height, file_name; categories: id, name).',
  why: 'pycocotools indexes ann["image_id"], img["id"] and cat["id"] directly and raises KeyError; Ultralytics and detectron2 converters need width/height to normalize boxes and file_name to find the image.',
  example: { bad: '{"id": 7, "category_id": 1, "bbox": [0, 0, 5, 5]}', good: '{"id": 7, "image_id": 1, "category_id": 1, "bbox": [0, 0, 5, 5]}' },
  check(ctx) {
    // Locals: imported bindings are property getters in CommonJS output (tsx, tests), not free in a hot loop.
    const _A_OBJECT = A_OBJECT, _T_ABSENT = T_ABSENT;
    for (const section of ARRAY_SECTIONS) {
      const required = fieldsFor(ctx.kind, section).filter((f) => f.required);
      // pycocotools' createIndex reads ann["category_id"] of every annotation once "categories" exists, captions too.
      if (section === 'annotations' && ctx.kind === 'captions' && ctx.doc.sections.has('categories')) required.push({ name: 'category_id', type: 'id', required: true });
      if (required.length === 0) continue;
      const entries = ctx.doc.entries(section);
      // Annotations, cheap first: the shared pass knows which fields each one has; only one
      // that lacks a required field is read again (the loop below, unchanged).
      const shifts = section === 'annotations' && required.every((f) => isAnnotationField(f.name))
        ? Int32Array.from(required, (f) => FIELD_SHIFT[f.name as keyof typeof FIELD_SHIFT]) : undefined;
      const types = shifts ? annotationFields(ctx.doc).types : undefined;
      let lastTypes = -1, lastLacks = false;
      for (let i = 0; i < entries.length; i++) {
        if (types !== undefined && shifts !== undefined) {
          const t = types[i];
          if ((t & _A_OBJECT) === 0) continue;
          // Nearly every annotation has the types of the one before: its answer is remembered.
          let lacks: boolean = lastLacks;
          if (t !== lastTypes) {
            lacks = false;
            for (let k = 0; k < shifts.length; k++) if (((t >>> shifts[k]) & 15) === _T_ABSENT) { lacks = true; break; }
            lastTypes = t; lastLacks = lacks;
          }
          if (!lacks) continue;
        }
        const entry = entries[i];
        const value = entry.value;
        if (!isJsonObject(value)) continue;
        for (const field of required) {
          if (field.name in value) continue;
          if (field.name === 'category_id' && ctx.kind === 'results' && 'caption' in value) continue; // caption results have none
          const id = idOf(value.id);
          ctx.report({
            message: `This ${nounFor(ctx.kind, section)}${id !== undefined ? ` (id ${JSON.stringify(id)})` : ` at index ${entry.index}`} has no "${field.name}".`,
            at: ctx.place(section, entry),
            ...(section === 'annotations' ? { annotationId: id } : section === 'images' ? { imageId: id } : section === 'categories' ? { categoryId: id } : {}),
            data: { field: field.name },
          });
        }
      }
    }
  },
};
