import { ARRAY_SECTIONS, isJsonObject } from '../coco/document';
import { FIELDS, NOUN, idOf } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';

export const missingField: Rule = {
  id: 'coco/missing-field',
  defaultSeverity: 'error',
  description: 'An image, annotation or category lacks a required field (id, image_id, category_id, bbox, width, height, file_name, name).',
  why: 'pycocotools indexes ann["image_id"], img["id"] and cat["id"] directly and raises KeyError; Ultralytics and detectron2 converters need width/height to normalize boxes and file_name to find the image.',
  example: { bad: '{"id": 7, "category_id": 1, "bbox": [0, 0, 5, 5]}', good: '{"id": 7, "image_id": 1, "category_id": 1, "bbox": [0, 0, 5, 5]}' },
  check(ctx) {
    for (const section of ARRAY_SECTIONS) {
      const required = FIELDS[section].filter((f) => f.required);
      if (required.length === 0) continue;
      for (const entry of ctx.doc.entries(section)) {
        const value = entry.value;
        if (!isJsonObject(value)) continue;
        for (const field of required) {
          if (field.name in value) continue;
          const id = idOf(value.id);
          ctx.report({
            message: `This ${NOUN[section]}${id !== undefined ? ` (id ${JSON.stringify(id)})` : ''} has no "${field.name}".`,
            at: ctx.place(section, entry),
            ...(section === 'annotations' ? { annotationId: id } : section === 'images' ? { imageId: id } : section === 'categories' ? { categoryId: id } : {}),
            data: { field: field.name },
          });
        }
      }
    }
  },
};
