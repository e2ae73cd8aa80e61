import { INSTANCE_KINDS } from '../coco/kind';
import type { JsonObject } from '../coco/document';
import { segmentationFacts } from '../ruleKit/facts';
import { annotationName, idsOf, isUsablePolygon, formatNumber } from '../ruleKit/segmentationShared';
import { clipAnnotationFix } from '../ruleKit/clipToImage';
import type { Rule } from '../ruleKit/types';

export const polygonOutsideImage: Rule = {
  id: 'coco/polygon-outside-image',
  defaultSeverity: 'warning',
  usesFacts: true,
  scope: 'annotation',
  kinds: INSTANCE_KINDS,
  description: "A polygon has points outside its image (beyond the tolerance, 1 px by default).",
  why: "pycocotools clips the mask to the image silently, so area and bbox computed from the polygon disagree with the mask; Ultralytics' converter writes normalized coordinates outside [0, 1] (rejected or clipped at load), and augmentation libraries (albumentations) raise on out-of-range points.",
  example: { bad: '"width": 100 … "segmentation": [[90, 10, 130, 10, 95, 40]]', good: '"segmentation": [[90, 10, 100, 10, 95, 40]]' },
  defaultOptions: { tolerance: 1 },
  check(ctx) {
    const tol = typeof ctx.options.tolerance === 'number' && ctx.options.tolerance >= 0 ? ctx.options.tolerance : 1;
    // The facts hold each annotation's worst excess: only annotations beyond `tol` are scanned.
    const facts = segmentationFacts(ctx.doc);
    const entries = ctx.doc.annotationEntries;
    for (let a = 0; a < facts.count; a++) {
      if (!(facts.excess[a] > tol)) continue;
      const entry = entries[a];
      const ann = entry.value as JsonObject;
      const seg = ann.segmentation as unknown[][];
      const slot = facts.imageSlot[a];
      const w = facts.slotW[slot];
      const h = facts.slotH[slot];
      for (let k = 0; k < seg.length; k++) {
        const poly = seg[k];
        if (!isUsablePolygon(poly)) continue;
        let worst = -1;
        let excess = 0;
        for (let i = 0; i < poly.length; i += 2) {
          const x = poly[i];
          const y = poly[i + 1];
          const e = Math.max(-x, x - w, -y, y - h);
          if (e > tol && e > excess) { excess = e; worst = i; }
        }
        if (worst < 0) continue;
        ctx.report({
          message: `${annotationName(ann, entry.index)}: polygon ${k} has point (${formatNumber(poly[worst])}, ${formatNumber(poly[worst + 1])}), ${formatNumber(excess)} px outside its ${w}×${h} image.`,
          at: ctx.place('annotations', entry, ['segmentation', k]),
          ...idsOf(ann),
          data: { index: entry.index },
        });
      }
    }
  },
  fix(doc, problem) {
    return clipAnnotationFix(doc, (problem.data as { index?: number } | undefined)?.index);
  },
};
