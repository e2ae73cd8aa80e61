import { ANY_COCO_KIND } from '../coco/kind';
import { ARRAY_SECTIONS, isJsonObject } from '../coco/document';
import { NOUN, describeJson } from '../ruleKit/schema';
import { A_OBJECT, annotationFields } from '../ruleKit/annotationFields';
import type { Rule } from '../ruleKit/types';

export const elementNotObject: Rule = {
  id: 'coco/element-not-object',
  defaultSeverity: 'error',
  kinds: ANY_COCO_KIND,
  description: 'An element of "images", "annotations", "categories" or "licenses" is not an object.',
  why: 'Loaders read fields such as ann["image_id"] from every element; a number or list there raises a TypeError in pycocotools and stops training before the first batch.',
  example: { bad: '"images": [1, 2]', good: '"images": [{"id": 1, "file_name": "a.jpg", "width": 640, "height": 480}]' },
  check(ctx) {
    // Locals: imported bindings are property getters in CommonJS output (tsx, tests), not free in a hot loop.
    const _A_OBJECT = A_OBJECT;
    for (const section of ARRAY_SECTIONS) {
      const entries = ctx.doc.entries(section);
      // Annotations: the shared pass already knows which are objects.
      const types = section === 'annotations' ? annotationFields(ctx.doc).types : undefined;
      for (let i = 0; i < entries.length; i++) {
        if (types !== undefined && (types[i] & _A_OBJECT) !== 0) continue;
        const entry = entries[i];
        // undefined = the element's text is not JSON: coco/invalid-json already says so.
        if (isJsonObject(entry.value) || entry.value === undefined) continue;
        ctx.report({ message: `This ${NOUN[section]} is ${describeJson(entry.value)}, not an object.`, at: ctx.place(section, entry) });
      }
    }
  },
};
