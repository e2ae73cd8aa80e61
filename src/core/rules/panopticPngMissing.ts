import { isJsonObject } from '../coco/document';
import { idOf } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';

export const panopticPngMissing: Rule = {
  id: 'coco/panoptic-png-missing',
  defaultSeverity: 'warning',
  kinds: ['panoptic'],
  description: 'The PNG named by a panoptic annotation\'s file_name is not found (panopticapi\'s layout: panoptic_val2017.json beside panoptic_val2017/), or cannot be read.',
  why: 'pq_compute and detectron2\'s panoptic loader open every annotation\'s PNG: a missing one raises FileNotFoundError mid-evaluation or mid-epoch. (A warning, like coco/image-file-missing: the JSON may be checked without its PNGs.)',
  example: { bad: '"file_name": "000000000139.png"  (no panoptic_val2017/000000000139.png)', good: 'panoptic_val2017/000000000139.png beside panoptic_val2017.json' },
  check(ctx) {
    const png = ctx.files?.panopticPng;
    if (!png) return;
    for (const entry of ctx.doc.annotationEntries) {
      const ann = entry.value;
      if (!isJsonObject(ann) || typeof ann.file_name !== 'string' || ann.file_name === '') continue;
      const facts = png.call(ctx.files, ann.file_name);
      if (!facts || facts.found) continue;
      ctx.report({
        message: facts.error
          ? `Panoptic PNG ${JSON.stringify(ann.file_name)} cannot be read: ${facts.error}.`
          : `Panoptic PNG ${JSON.stringify(ann.file_name)} not found; tried ${facts.tried.slice(0, 3).join(', ')}${facts.tried.length > 3 ? ` and ${facts.tried.length - 3} more` : ''}.`,
        at: ctx.place('annotations', entry, ['file_name']),
        ...(idOf(ann.image_id) !== undefined ? { imageId: idOf(ann.image_id) } : {}),
      });
    }
  },
};
