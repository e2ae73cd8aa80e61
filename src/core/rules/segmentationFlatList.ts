import { isJsonObject } from '../coco/document';
import { locate } from '../coco/locate';
import { SEG_FLAT, segmentationFacts } from './facts';
import { annotationName, idsOf, isFlatList } from './segmentationShared';
import type { Rule } from './types';

export const segmentationFlatList: Rule = {
  id: 'coco/segmentation-flat-list',
  defaultSeverity: 'error',
  description: 'A polygon segmentation is a flat list of numbers, not a list of polygons.',
  why: "pycocotools' frPyObjects reads each element of `segmentation` as one polygon: with a flat list every number becomes a \"polygon\", so annToRLE / annToMask raise (TypeError), and COCOeval segm, detectron2 and mmdetection crash on the file.",
  example: { bad: '"segmentation": [10, 10, 50, 10, 50, 40]', good: '"segmentation": [[10, 10, 50, 10, 50, 40]]' },
  check(ctx) {
    // Locals: imported bindings are property getters in CommonJS output, not free in a hot loop.
    const _SEG_FLAT = SEG_FLAT;
    const facts = segmentationFacts(ctx.doc);
    const entries = ctx.doc.annotationEntries;
    for (let a = 0; a < facts.count; a++) {
      if (facts.kind[a] !== _SEG_FLAT) continue;
      const entry = entries[a];
      const ann = entry.value;
      if (!isJsonObject(ann) || !isFlatList(ann.segmentation)) continue;
      ctx.report({
        message: `${annotationName(ann)}: "segmentation" is a flat list of ${ann.segmentation.length} numbers; polygons must be nested: [[x1, y1, x2, y2, …]].`,
        at: ctx.place('annotations', entry, ['segmentation']),
        ...idsOf(ann),
        data: { index: entry.index },
      });
    }
  },
  fix(doc, problem) {
    const index = (problem.data as { index?: number } | undefined)?.index;
    const entry = index === undefined ? undefined : doc.annotationEntries[index];
    if (!entry || !isJsonObject(entry.value) || !isFlatList(entry.value.segmentation)) return undefined;
    const r = locate(doc, entry, ['segmentation']);
    if (!r) return undefined;
    return {
      title: 'Wrap the numbers in a list: [[x1, y1, …]]',
      edits: [
        { start: r.start, end: r.start, newText: '[' },
        { start: r.end, end: r.end, newText: ']' },
      ],
    };
  },
};
