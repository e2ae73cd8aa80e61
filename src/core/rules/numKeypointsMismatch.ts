import { INSTANCE_KINDS } from '../coco/kind';
import { annotationName } from '../ruleKit/segmentationShared';
import { isJsonObject, type JsonObject } from '../coco/document';
import { insertProperty, replaceRange } from '../edits/jsonEdits';
import { forEachKeypointAnnotation } from '../ruleKit/datasetStats';
import { idOf } from '../ruleKit/schema';
import type { Rule } from '../ruleKit/types';

/** Keypoints with visibility > 0, or undefined when the list is not [x, y, v] triples. */
function visibleCount(kp: unknown): number | undefined {
  if (!Array.isArray(kp) || kp.length % 3 !== 0) return undefined;
  let n = 0;
  for (let i = 2; i < kp.length; i += 3) {
    const v = kp[i];
    if (typeof v !== 'number') return undefined;
    if (v > 0) n++;
  }
  return n;
}

export const numKeypointsMismatch: Rule = {
  id: 'coco/num-keypoints-mismatch',
  defaultSeverity: 'warning',
  scope: 'annotation',
  kinds: INSTANCE_KINDS,
  description: '"num_keypoints" is missing or differs from the number of keypoints with visibility > 0.',
  why: 'COCOeval ignores ground truth with num_keypoints == 0 when evaluating keypoints (and raises KeyError when it is absent): a wrong count hides annotated people from OKS, or scores empty ones as misses.',
  example: { bad: '"keypoints": [10, 20, 2, 0, 0, 0], "num_keypoints": 2', good: '"keypoints": [10, 20, 2, 0, 0, 0], "num_keypoints": 1' },
  check(ctx) {
    forEachKeypointAnnotation(ctx.doc, (entry, value, categoryId, cat) => {
      if (!Array.isArray(value.keypoints) || value.keypoints.length !== 3 * cat.names) return; // coco/keypoints-length
      const visible = visibleCount(value.keypoints);
      if (visible === undefined) return;
      const annotationId = idOf(value.id);
      if (!('num_keypoints' in value)) {
        ctx.report({
          message: `${annotationName(value, entry.index)} has keypoints but no "num_keypoints" (${visible} are visible); COCOeval reads it.`,
          at: ctx.place('annotations', entry),
          annotationId, categoryId,
          data: { index: entry.index, visible, missing: true },
        });
        return;
      }
      if (value.num_keypoints === visible) return;
      ctx.report({
        message: `${annotationName(value, entry.index)} has num_keypoints ${JSON.stringify(value.num_keypoints)} but ${visible} keypoint${visible === 1 ? ' is' : 's are'} labeled (visibility > 0).`,
        at: ctx.place('annotations', entry, ['num_keypoints']),
        annotationId, categoryId,
        data: { index: entry.index, visible },
      });
    });
  },
  fix(doc, problem) {
    const data = problem.data as { index?: number; missing?: boolean } | undefined;
    const entry = data?.index === undefined ? undefined : doc.annotationEntries[data.index];
    if (!entry || !isJsonObject(entry.value)) return undefined;
    const visible = visibleCount((entry.value as JsonObject).keypoints);
    if (visible === undefined) return undefined;
    if (data!.missing) {
      if ('num_keypoints' in entry.value) return undefined;
      return { title: `Add "num_keypoints": ${visible}`, edits: [insertProperty(doc, entry, 'num_keypoints', String(visible))] };
    }
    return { title: `Set num_keypoints to ${visible}`, edits: [replaceRange(problem, String(visible))] };
  },
};
