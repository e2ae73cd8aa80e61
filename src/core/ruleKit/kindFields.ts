/**
 * The fields each kind of COCO file requires, per section. Instances files follow
 * `FIELDS`; captions, panoptic and results files have their own annotation shape
 * (pycocotools' COCO / loadRes and panopticapi read these, nothing more).
 */
import type { ArraySectionName } from '../coco/document';
import type { CocoKind } from '../coco/kind';
import { FIELDS, NOUN, type FieldSpec } from './schema';

/**
 * Fields no standard tool reads (pycocotools, COCOeval, Ultralytics, mmdetection,
 * detectron2 ignore them): a wrong type there is `coco/optional-field-wrong-type`, a warning.
 */
export const UNREAD_FIELDS: Readonly<Partial<Record<ArraySectionName, readonly FieldSpec[]>>> = {
  categories: [{ name: 'supercategory', type: 'string', required: false }],
  licenses: [{ name: 'id', type: 'id', required: false }, { name: 'name', type: 'string', required: false }, { name: 'url', type: 'string', required: false }],
};

const CAPTION_ANNOTATION: readonly FieldSpec[] = [
  { name: 'id', type: 'id', required: true },
  { name: 'image_id', type: 'id', required: true },
  // "caption" itself is coco/caption-invalid's (missing, not a string, empty).
];

const PANOPTIC_ANNOTATION: readonly FieldSpec[] = [
  { name: 'image_id', type: 'id', required: true },
  { name: 'file_name', type: 'string', required: true },
  { name: 'segments_info', type: 'array', required: true },
];

const PANOPTIC_CATEGORY: readonly FieldSpec[] = [
  { name: 'id', type: 'id', required: true },
  { name: 'name', type: 'string', required: true },
];

const RESULT_ANNOTATION: readonly FieldSpec[] = [
  { name: 'image_id', type: 'id', required: true },
  { name: 'category_id', type: 'id', required: true },
  { name: 'bbox', type: 'array', required: false },
  // "score" is coco/result-score-invalid's.
];

/** The fields a `section` element of a `kind` file must have (required) or, when present, must type-check. */
export function fieldsFor(kind: CocoKind, section: ArraySectionName): readonly FieldSpec[] {
  const base = FIELDS[section].filter((f) => !UNREAD_FIELDS[section]?.some((u) => u.name === f.name));
  if (section === 'annotations') {
    if (kind === 'captions') return CAPTION_ANNOTATION;
    if (kind === 'panoptic') return PANOPTIC_ANNOTATION;
    if (kind === 'results' || kind === 'results-wrapped') return RESULT_ANNOTATION;
  }
  if (section === 'categories' && kind === 'panoptic') return PANOPTIC_CATEGORY;
  return base;
}

/** "annotation", or "detection" in results files. */
export function nounFor(kind: CocoKind, section: ArraySectionName): string {
  return section === 'annotations' && (kind === 'results' || kind === 'results-wrapped') ? 'detection' : NOUN[section];
}
