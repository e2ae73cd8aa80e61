import { INSTANCE_KINDS } from '../coco/kind';
import { locate } from '../coco/locate';
import { forEachAnnotationOfKind, SEG_FLAT } from '../ruleKit/facts';
import { annotationEntryOfData, annotationName, idsOf, isFlatList } from '../ruleKit/segmentationShared';
import type { Rule } from '../ruleKit/types';

export const segmentationFlatList: Rule = {
  id: 'coco/segmentation-flat-list',
  defaultSeverity: 'error',
  usesFacts: true,
  scope: 'annotation',
  kinds: INSTANCE_KINDS,
  description: 'A polygon segmentation is a flat list of numbers, not a list of polygons.',
  why: "pycocotools' frPyObjects reads each element of `segmentation` as one polygon: with a flat list every number becomes a \"polygon\", so annToRLE / annToMask raise (TypeError), and COCOeval segm, detectron2 and mmdetection crash on the file.",
  example: { bad: '"segmentation": [10, 10, 50, 10, 50, 40]', good: '"segmentation": [[10, 10, 50, 10, 50, 40]]' },
  check(ctx) {
    forEachAnnotationOfKind(ctx.doc, SEG_FLAT, (entry, ann) => {
      if (!isFlatList(ann.segmentation)) return;
      ctx.report({
        message: `${annotationName(ann, entry.index)}: "segmentation" is a flat list of ${ann.segmentation.length} numbers; polygons must be nested: [[x1, y1, x2, y2, …]].`,
        at: ctx.place('annotations', entry, ['segmentation']),
        ...idsOf(ann),
        data: { index: entry.index },
      });
    });
  },
  fix(doc, problem) {
    const entry = annotationEntryOfData(doc, problem);
    if (!entry || !isFlatList(entry.value.segmentation)) return undefined;
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
