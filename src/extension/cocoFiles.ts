/** Which JSON files are COCO files worth checking. */
import { minimatch } from 'minimatch';

/** Default globs for files that are clearly COCO (configurable: labelscope.cocoFilePatterns). */
export const DEFAULT_COCO_PATTERNS = [
  '**/instances_*.json',
  '**/person_keypoints_*.json',
  '**/*_coco.json',
  '**/*.coco.json',
  '**/annotations/*.json',
];

/**
 * A cheap sniff of a file's first bytes: a COCO file names its sections early
 * (`info`/`licenses`/`images` come first in nearly every writer).
 */
export function looksLikeCoco(head: string): boolean {
  const trimmed = head.replace(/^\uFEFF/, '').trimStart();
  // A results list (what COCO.loadRes reads): an array of detections, each naming its image.
  if (trimmed.startsWith('[')) return /^\[\s*\{[^]*?"image_id"\s*:/.test(trimmed) && /"(score|category_id)"\s*:/.test(trimmed);
  if (!trimmed.startsWith('{')) return false;
  return /"(images|annotations|categories)"\s*:/.test(head);
}

/** Whether a file's path matches one of the COCO name globs (the defaults plus the user's). */
export function matchesCocoPatterns(filePath: string, extraPatterns: readonly string[] = []): boolean {
  const p = filePath.replace(/\\/g, '/');
  return [...DEFAULT_COCO_PATTERNS, ...extraPatterns].some((g) => minimatch(p, g, { dot: true }));
}
