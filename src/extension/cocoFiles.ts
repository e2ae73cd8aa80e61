/** Which JSON files are COCO files worth checking. */

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
  if (!trimmed.startsWith('{')) return false;
  return /"(images|annotations|categories)"\s*:/.test(head);
}
