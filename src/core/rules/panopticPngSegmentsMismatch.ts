import { isJsonObject } from '../coco/document';
import { annotationsWithPng } from '../ruleKit/panopticPng';
import { idOf } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';

export const panopticPngSegmentsMismatch: Rule = {
  id: 'coco/panoptic-png-segments-mismatch',
  defaultSeverity: 'error',
  kinds: ['panoptic'],
  description: 'A panoptic PNG holds a segment id (R + 256·G + 256²·B, 0 = void) that segments_info does not list, or segments_info lists an id the PNG does not hold.',
  why: 'pq_compute checks both ways and raises KeyError: "Segment with ID … is presented in PNG and not presented in JSON" and "Segments with ids … are presented in JSON and not presented in PNG"; detectron2 trains the unlisted pixels as void.',
  example: { bad: 'PNG colours (1, 0, 0) and (2, 0, 0); "segments_info": [{"id": 1, …}]', good: '"segments_info": [{"id": 1, …}, {"id": 2, …}]' },
  check(ctx) {
    for (const { entry, ann, facts } of annotationsWithPng(ctx)) {
      const imageId = idOf(ann.image_id);
      const listed = new Set<number>();
      ann.segments_info.forEach((seg, k) => {
        if (!isJsonObject(seg) || typeof seg.id !== 'number') return;
        listed.add(seg.id);
        if (facts.segments.has(seg.id)) return;
        ctx.report({
          message: `Segment ${k} (id ${seg.id}, colour ${rgbOf(seg.id)}) of ${JSON.stringify(ann.file_name)} is not in the PNG: pq_compute raises KeyError.`,
          at: ctx.place('annotations', entry, ['segments_info', k, 'id']),
          ...(imageId !== undefined ? { imageId } : {}),
        });
      });
      const unlisted = [...facts.segments.keys()].filter((id) => !listed.has(id)).sort((a, b) => a - b);
      if (unlisted.length === 0) continue;
      const shown = unlisted.slice(0, 5).map((id) => `${id} (colour ${rgbOf(id)}, ${facts.segments.get(id)!.area} px)`).join(', ');
      ctx.report({
        message: `${JSON.stringify(ann.file_name)} holds ${unlisted.length} segment${unlisted.length === 1 ? '' : 's'} not listed in segments_info: ${shown}${unlisted.length > 5 ? ', …' : ''}; pq_compute raises KeyError.`,
        at: ctx.place('annotations', entry, ['segments_info']),
        ...(imageId !== undefined ? { imageId } : {}),
        data: { unlisted },
      });
    }
  },
};

function rgbOf(id: number): string {
  return `(${id % 256}, ${Math.floor(id / 256) % 256}, ${Math.floor(id / 65536) % 256})`;
}
