import { RESULT_KINDS } from '../coco/kind';
import { idOf } from '../ruleKit/schema';
import { forEachDetection } from '../ruleKit/results';
import type { Located } from '../coco/document';
import type { Rule } from '../ruleKit/types';

export const resultTooManyPerImage: Rule = {
  id: 'coco/result-too-many-per-image',
  defaultSeverity: 'warning',
  kinds: RESULT_KINDS,
  description: 'An image has more than maxDets (default 100) detections of one category.',
  why: 'COCOeval keeps only the maxDets[-1] = 100 highest-scoring detections per image and category (computeIoU and evaluateImg cut the sorted list): the rest never count, so recall is capped below what the model found; raise params.maxDets or filter before writing.',
  example: { bad: '150 detections with "image_id": 1, "category_id": 1', good: 'the 100 highest-scoring of them' },
  defaultOptions: { maxDets: 100 },
  check(ctx) {
    const maxDets = typeof ctx.options.maxDets === 'number' ? ctx.options.maxDets : 100;
    const groups = new Map<string, Located[]>();
    forEachDetection(ctx.doc, (entry, det) => {
      const imageId = idOf(det.image_id);
      if (imageId === undefined) return;
      const key = JSON.stringify([imageId, idOf(det.category_id) ?? null]);
      const list = groups.get(key);
      if (list) list.push(entry); else groups.set(key, [entry]);
    });
    for (const [key, list] of groups) {
      if (list.length <= maxDets) continue;
      const [imageId, categoryId] = JSON.parse(key) as [number | string, number | string | null];
      // Point at the first detection COCOeval drops: the (maxDets+1)-th by score, as its stable sort orders them.
      const scored = list.map((e) => ({ e, s: (e.value as { score?: unknown }).score }))
        .map(({ e, s }) => ({ e, s: typeof s === 'number' && Number.isFinite(s) ? s : -Infinity }));
      scored.sort((a, b) => b.s - a.s || a.e.index - b.e.index);
      const first = scored[maxDets].e;
      ctx.report({
        message: `Image ${JSON.stringify(imageId)} has ${list.length} detections of category ${JSON.stringify(categoryId)}; COCOeval keeps only the ${maxDets} highest-scoring, so ${list.length - maxDets} never count.`,
        at: ctx.place('annotations', first),
        imageId,
        ...(categoryId !== null ? { categoryId } : {}),
        data: { count: list.length },
      });
    }
  },
};
