import { ANY_COCO_KIND } from '../coco/kind';
import { isJsonObject } from '../coco/document';
import { UNREAD_FIELDS } from '../ruleKit/kindFields';
import { typeMismatch } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';

export const optionalFieldWrongType: Rule = {
  id: 'coco/optional-field-wrong-type',
  defaultSeverity: 'warning',
  kinds: ANY_COCO_KIND,
  description: 'A field no training or evaluation tool reads has an unexpected type ("supercategory": null, a license id as a string).',
  why: "labelme's labelme2coco writes \"supercategory\": null; pycocotools, COCOeval, detectron2, mmdetection and Ultralytics never read supercategory or the licenses' fields, so nothing breaks — but tools that group classes by supercategory (FiftyOne, dataset reports) show a \"null\" group.",
  example: { bad: '{"id": 1, "name": "cat", "supercategory": null}', good: '{"id": 1, "name": "cat", "supercategory": "animal"}' },
  check(ctx) {
    for (const [section, fields] of Object.entries(UNREAD_FIELDS) as [keyof typeof UNREAD_FIELDS, NonNullable<(typeof UNREAD_FIELDS)['categories']>][]) {
      for (const entry of ctx.doc.entries(section)) {
        const value = entry.value;
        if (!isJsonObject(value)) continue;
        for (const field of fields) {
          if (!(field.name in value)) continue;
          const why = typeMismatch(value[field.name], field.type);
          if (why === undefined) continue;
          ctx.report({
            message: `"${field.name}" of ${section}[${entry.index}] ${why}; no training or evaluation tool reads it.`,
            at: ctx.place(section, entry, [field.name]),
            ...(section === 'categories' && (typeof value.id === 'number' || typeof value.id === 'string') ? { categoryId: value.id } : {}),
          });
        }
      }
    }
  },
};
