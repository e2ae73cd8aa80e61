import { DATASET_KINDS, type CocoKind } from '../coco/kind';
import type { Rule } from '../ruleKit/types';

/** The sections each kind needs: what pycocotools' createIndex, COCOeval or panopticapi read. */
const REQUIRED: Partial<Record<CocoKind, readonly string[]>> = {
  instances: ['images', 'annotations', 'categories'],
  keypoints: ['images', 'annotations', 'categories'],
  stuff: ['images', 'annotations', 'categories'],
  panoptic: ['images', 'annotations', 'categories'],
  captions: ['images', 'annotations'],
  'image-info': ['images', 'categories'],
  'results-wrapped': ['annotations'],
};

export const missingSection: Rule = {
  id: 'coco/missing-section',
  defaultSeverity: 'error',
  kinds: [...DATASET_KINDS, 'results-wrapped'],
  description: 'A section the file\'s kind needs is missing: "images", "annotations" or "categories" (captions files need no categories; image-info / test-dev files no annotations).',
  why: 'pycocotools.COCO.createIndex reads them: a missing "annotations" gives empty evaluation results with no warning, a missing "categories" a KeyError in loadCats and COCOeval; detectron2 and mmdetection fail at registration.',
  example: { bad: '{"images": [], "annotations": []}', good: '{"images": [], "annotations": [], "categories": []}' },
  check(ctx) {
    if (ctx.doc.rootKind !== 'object') return;
    for (const name of REQUIRED[ctx.kind] ?? []) {
      if (ctx.doc.sections.has(name)) continue;
      ctx.report({ message: `The "${name}" section is missing.`, at: ctx.sectionPlace(), data: { section: name } });
    }
  },
};
